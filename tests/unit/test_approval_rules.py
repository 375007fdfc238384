"""The approval rules: colour suggestion, state transitions and the team's vote."""

from dataclasses import replace

import pytest

from borgerbudget import rules
from borgerbudget.rules.approval import (
	AWAITING_ASSESSMENT,
	AWAITING_COMMENTS,
	AWAITING_TEAM,
	DOUBTFUL,
	GREEN,
	NO,
	PLAN_APPROVED,
	PLAN_NEEDS_REVISION,
	PLAN_REJECTED,
	RED,
	YELLOW,
	YES,
)

DEFAULTS = rules.approval.DEFAULT_CLASSIFICATION_RULES


def scores(difference, ability, coherence):
	return {"difference": difference, "ability": ability, "coherence": coherence}


@pytest.mark.parametrize(
	"difference, ability, coherence, colour",
	[
		(YES, YES, YES, GREEN),
		(DOUBTFUL, YES, YES, YELLOW),  # trust in the citizen, doubt about the plan
		(YES, YES, NO, YELLOW),
		(NO, YES, DOUBTFUL, YELLOW),
		(YES, DOUBTFUL, YES, YELLOW),  # trust in the plan, doubt about the citizen
		(YES, NO, YES, YELLOW),
		(DOUBTFUL, DOUBTFUL, YES, RED),  # doubt about both
		(YES, NO, DOUBTFUL, RED),
		(NO, NO, NO, RED),
	],
)
def test_default_suggestion(difference, ability, coherence, colour):
	assert rules.approval.suggest_classification(scores(difference, ability, coherence), DEFAULTS) == colour


def test_no_suggestion_until_every_criterion_is_scored():
	assert rules.approval.suggest_classification(scores(YES, None, YES), DEFAULTS) is None


def test_programme_rules_are_read_in_order_and_unmatched_is_red():
	strict = (rules.approval.ClassificationRule(rules.approval.ANY, NO, rules.approval.ANY, RED), *DEFAULTS)
	assert rules.approval.suggest_classification(scores(YES, NO, YES), strict) == RED
	assert rules.approval.suggest_classification(scores(YES, DOUBTFUL, YES), strict) == YELLOW
	assert rules.approval.suggest_classification(scores(YES, YES, YES), ()) == RED


def team(**values):
	values = {
		"took_part": 3,
		"votes_for": 2,
		"votes_against": 1,
		"abstentions": 0,
		"not_voted": 0,
		"quorum": 3,
		"majority_percent": 50,
		**values,
	}
	return rules.approval.TeamVote(**values)


def facts(**values):
	base = {
		"scores": scores(YES, YES, YES),
		"notes": {"difference": "a", "ability": "b", "coherence": "c"},
		"suggested": GREEN,
		"classification": GREEN,
		"override_reason": "",
		"colleagues": 0,
		"colleague_answers": 0,
		"team": None,
		"meeting_recorded": False,
		"decision_reason": "",
		"course_months": 6,
		"min_course_months": 6,
		"max_course_months": 12,
		"follow_up_frequency": "Monthly",
		"first_follow_up_in_course": True,
	}
	return rules.approval.ApprovalFacts(**{**base, **values})


def problems(current, new, **values):
	return rules.approval.transition_problems(current, new, facts(**values))


def test_green_route_approves_a_complete_green_assessment():
	assert problems(AWAITING_ASSESSMENT, PLAN_APPROVED) == []


def test_incomplete_assessment_cannot_leave_for_a_route():
	result = problems(AWAITING_ASSESSMENT, PLAN_APPROVED, scores=scores(YES, None, YES), notes={})
	assert "score:ability" in result and "note:difference" in result


def test_each_route_needs_its_colour():
	assert problems(AWAITING_ASSESSMENT, AWAITING_COMMENTS, classification=GREEN, colleagues=1) == [
		"classification"
	]
	assert problems(AWAITING_ASSESSMENT, AWAITING_TEAM, classification=GREEN) == ["classification"]
	assert "classification" in problems(
		AWAITING_ASSESSMENT, PLAN_APPROVED, classification=RED, override_reason="x"
	)


def test_override_needs_a_reason():
	assert problems(AWAITING_ASSESSMENT, AWAITING_TEAM, suggested=YELLOW, classification=RED) == [
		"override_reason"
	]
	assert (
		problems(
			AWAITING_ASSESSMENT,
			AWAITING_TEAM,
			suggested=YELLOW,
			classification=RED,
			override_reason="Known history",
		)
		== []
	)


def test_yellow_needs_colleagues_and_an_answer_before_it_moves_on():
	assert problems(AWAITING_ASSESSMENT, AWAITING_COMMENTS, suggested=YELLOW, classification=YELLOW) == [
		"colleagues"
	]
	assert problems(AWAITING_COMMENTS, PLAN_APPROVED, colleagues=2) == ["colleague_answers"]
	assert problems(AWAITING_COMMENTS, PLAN_APPROVED, colleagues=2, colleague_answers=1) == []
	assert problems(AWAITING_COMMENTS, AWAITING_TEAM, colleagues=2, colleague_answers=1) == []


def test_wrong_order_is_refused():
	assert problems(AWAITING_ASSESSMENT, PLAN_REJECTED, decision_reason="x") == ["order"]
	assert problems(AWAITING_COMMENTS, PLAN_REJECTED, decision_reason="x") == ["order"]
	assert problems(PLAN_APPROVED, PLAN_REJECTED) == ["order"]
	assert problems(AWAITING_TEAM, AWAITING_ASSESSMENT) == ["order"]


def test_team_decision_needs_meeting_quorum_every_vote_and_majority():
	assert problems(AWAITING_TEAM, PLAN_APPROVED, team=team(), meeting_recorded=True) == []
	assert problems(AWAITING_TEAM, PLAN_APPROVED, team=team(), meeting_recorded=False) == ["meeting"]
	assert problems(AWAITING_TEAM, PLAN_APPROVED, team=team(took_part=2), meeting_recorded=True) == ["quorum"]
	assert problems(AWAITING_TEAM, PLAN_APPROVED, team=None, meeting_recorded=True) == ["quorum"]
	assert problems(AWAITING_TEAM, PLAN_APPROVED, team=team(not_voted=1), meeting_recorded=True) == [
		"votes_missing"
	]
	tie = team(votes_for=1, votes_against=1, abstentions=1)
	assert problems(AWAITING_TEAM, PLAN_APPROVED, team=tie, meeting_recorded=True) == ["majority"]
	assert problems(AWAITING_TEAM, PLAN_REJECTED, team=tie, meeting_recorded=True, decision_reason="No") == []
	assert problems(
		AWAITING_TEAM, PLAN_REJECTED, team=team(), meeting_recorded=True, decision_reason="No"
	) == ["majority_for"]


def test_majority_share_is_configurable():
	two_thirds = team(votes_for=2, votes_against=1, majority_percent=66.67)
	assert not two_thirds.has_majority
	assert replace(two_thirds, votes_for=3).has_majority
	assert not team(votes_for=0, votes_against=0, abstentions=3).has_majority


def test_rejection_and_revision_need_a_reason():
	assert problems(AWAITING_ASSESSMENT, PLAN_NEEDS_REVISION) == ["decision_reason"]
	assert problems(AWAITING_ASSESSMENT, PLAN_NEEDS_REVISION, decision_reason="Add quotes") == []


def test_approval_sets_course_within_the_programme_limits_and_a_follow_up():
	assert problems(AWAITING_ASSESSMENT, PLAN_APPROVED, course_months=13) == ["course_months"]
	assert problems(AWAITING_ASSESSMENT, PLAN_APPROVED, course_months=5) == ["course_months"]
	assert problems(AWAITING_ASSESSMENT, PLAN_APPROVED, follow_up_frequency="") == ["follow_up_frequency"]
	assert problems(AWAITING_ASSESSMENT, PLAN_APPROVED, first_follow_up_in_course=None) == ["first_follow_up"]
	assert problems(AWAITING_ASSESSMENT, PLAN_APPROVED, first_follow_up_in_course=False) == [
		"first_follow_up_outside"
	]


def test_every_open_state_has_someone_responsible():
	assert set(rules.approval.RESPONSIBLE) == set(rules.approval.OPEN_STATES)
	assert {new for _current, new in rules.approval.APPROVAL_TRANSITIONS} <= set(
		rules.approval.OPEN_STATES
	) | set(rules.approval.DECISIONS)
