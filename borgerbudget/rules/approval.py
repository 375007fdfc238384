"""Approval (seed 004, "Godkendelse af budgetter og planer"): scores, colour and the workflow."""

from __future__ import annotations

from dataclasses import dataclass

from borgerbudget.rules.plan import APPROVED, NEEDS_REVISION, REJECTED

# Approval (seed 004, "Godkendelse af budgetter og planer"): three criteria, a colour
# suggested from the scores, and a route per colour ending in a decision.
YES = "Yes"
DOUBTFUL = "Doubtful"
NO = "No"
ANY = "Any"
DOUBTFUL_OR_NO = "Doubtful or no"
GREEN = "Green"
YELLOW = "Yellow"
RED = "Red"
CRITERIA = ("difference", "ability", "coherence")


@dataclass(frozen=True)
class ClassificationRule:
	"""Scores to match (YES, DOUBTFUL, NO, DOUBTFUL_OR_NO or ANY) and the colour they suggest."""

	difference: str
	ability: str
	coherence: str
	classification: str


# Trust in the citizen (ability) and in the plan (difference and coherence): doubt about
# one of them is yellow, doubt about both red. The first matching rule wins; no match is red.
DEFAULT_CLASSIFICATION_RULES = (
	ClassificationRule(YES, YES, YES, GREEN),
	ClassificationRule(DOUBTFUL_OR_NO, YES, ANY, YELLOW),
	ClassificationRule(ANY, YES, DOUBTFUL_OR_NO, YELLOW),
	ClassificationRule(YES, DOUBTFUL_OR_NO, YES, YELLOW),
)


def score_matches(condition: str, score: str) -> bool:
	if condition == ANY:
		return True
	if condition == DOUBTFUL_OR_NO:
		return score in (DOUBTFUL, NO)
	return condition == score


def suggest_classification(scores: dict[str, str], classification_rules) -> str | None:
	"""The colour for the three scores, or None while a score is missing."""
	if any(not scores.get(criterion) for criterion in CRITERIA):
		return None
	for rule in classification_rules:
		if all(score_matches(getattr(rule, criterion), scores[criterion]) for criterion in CRITERIA):
			return rule.classification
	return RED


# Workflow states of an approval. The Workflow fixture mirrors this table for the desk's
# action menu; the controller enforces it for every route (REST, frappe.client, forms).
AWAITING_ASSESSMENT = "Awaiting Assessment"
AWAITING_COMMENTS = "Awaiting Colleague Comments"
AWAITING_TEAM = "Awaiting Team Decision"
PLAN_APPROVED = "Plan Approved"
PLAN_NEEDS_REVISION = "Plan Needs Revision"
PLAN_REJECTED = "Plan Rejected"
OPEN_STATES = (AWAITING_ASSESSMENT, AWAITING_COMMENTS, AWAITING_TEAM)
DECISIONS = {PLAN_APPROVED: APPROVED, PLAN_NEEDS_REVISION: NEEDS_REVISION, PLAN_REJECTED: REJECTED}

CASEWORKER = "caseworker"  # the caseworker who assesses the plan
TEAM_LEAD = "team lead"  # the lead of the case's team, never the assessing caseworker

APPROVAL_TRANSITIONS = {
	(AWAITING_ASSESSMENT, AWAITING_COMMENTS): CASEWORKER,
	(AWAITING_ASSESSMENT, AWAITING_TEAM): CASEWORKER,
	(AWAITING_ASSESSMENT, PLAN_APPROVED): CASEWORKER,
	(AWAITING_ASSESSMENT, PLAN_NEEDS_REVISION): CASEWORKER,
	(AWAITING_COMMENTS, PLAN_APPROVED): CASEWORKER,
	(AWAITING_COMMENTS, AWAITING_TEAM): CASEWORKER,
	(AWAITING_COMMENTS, PLAN_NEEDS_REVISION): CASEWORKER,
	(AWAITING_TEAM, PLAN_APPROVED): TEAM_LEAD,
	(AWAITING_TEAM, PLAN_REJECTED): TEAM_LEAD,
	(AWAITING_TEAM, PLAN_NEEDS_REVISION): TEAM_LEAD,
}
# Who may change an approval while it waits in a state.
# The desk's action that leads to each next state (the Workflow fixture's transitions; a test
# holds the fixture to this table).
ACTIONS = {
	AWAITING_COMMENTS: "Ask Colleagues",
	AWAITING_TEAM: "Refer to Team",
	PLAN_APPROVED: "Approve Plan",
	PLAN_NEEDS_REVISION: "Return to Citizen",
	PLAN_REJECTED: "Reject Plan",
}
WORKFLOW_STATES = (*OPEN_STATES, *DECISIONS)

RESPONSIBLE = {AWAITING_ASSESSMENT: CASEWORKER, AWAITING_COMMENTS: CASEWORKER, AWAITING_TEAM: TEAM_LEAD}

# The colour an assessment must have to leave the first state for each next state.
ROUTE_COLOUR = {AWAITING_COMMENTS: YELLOW, AWAITING_TEAM: RED, PLAN_APPROVED: GREEN}

FOR = "For"
AGAINST = "Against"
ABSTAIN = "Abstain"
VOTES = (FOR, AGAINST, ABSTAIN)


@dataclass(frozen=True)
class TeamVote:
	"""The team meeting of a red case. The assessing caseworker's vote is never counted."""

	took_part: int  # members who took part, the assessing caseworker not counted
	votes_for: int
	votes_against: int
	abstentions: int
	not_voted: int  # members who took part without a recorded vote
	quorum: int
	majority_percent: float  # approval needs more than this share of the votes for or against

	@property
	def has_quorum(self) -> bool:
		return self.took_part >= self.quorum

	@property
	def has_majority(self) -> bool:
		cast = self.votes_for + self.votes_against
		return cast > 0 and self.votes_for * 100 > self.majority_percent * cast


@dataclass(frozen=True)
class ApprovalFacts:
	scores: dict[str, str]
	notes: dict[str, str]
	suggested: str | None
	classification: str | None
	override_reason: str
	colleagues: int
	colleague_answers: int
	team: TeamVote | None
	meeting_recorded: bool
	decision_reason: str
	course_months: int
	min_course_months: int
	max_course_months: int
	follow_up_frequency: str
	first_follow_up_in_course: bool | None  # None: no date given
	amendment: bool = False  # a change to a running course, whose length and follow-up are set


def missing_assessment(scores: dict[str, str], notes: dict[str, str]) -> list[str]:
	"""The criteria without a score or a note, as 'score:<criterion>' / 'note:<criterion>'."""
	missing = []
	for criterion in CRITERIA:
		if not scores.get(criterion):
			missing.append(f"score:{criterion}")
		if not (notes.get(criterion) or "").strip():
			missing.append(f"note:{criterion}")
	return missing


def transition_problems(current: str, new: str, facts: ApprovalFacts) -> list[str]:
	"""Why an approval may not move from `current` to `new` (empty when it may)."""
	if (current, new) not in APPROVAL_TRANSITIONS:
		return ["order"]
	problems = []
	if current == AWAITING_ASSESSMENT and new != PLAN_NEEDS_REVISION:
		problems += missing_assessment(facts.scores, facts.notes)
		if (
			facts.classification
			and facts.classification != facts.suggested
			and not facts.override_reason.strip()
		):
			problems.append("override_reason")
		if facts.classification != ROUTE_COLOUR[new]:
			problems.append("classification")
	if new == AWAITING_COMMENTS and facts.colleagues < 1:
		problems.append("colleagues")
	if current == AWAITING_COMMENTS and new != PLAN_NEEDS_REVISION and facts.colleague_answers < 1:
		problems.append("colleague_answers")
	if current == AWAITING_TEAM:
		if not facts.meeting_recorded:
			problems.append("meeting")
		if facts.team is None or not facts.team.has_quorum:
			problems.append("quorum")
		elif facts.team.not_voted:
			problems.append("votes_missing")
		elif new == PLAN_APPROVED and not facts.team.has_majority:
			problems.append("majority")
		elif new == PLAN_REJECTED and facts.team.has_majority:
			problems.append("majority_for")
	if new in (PLAN_NEEDS_REVISION, PLAN_REJECTED) and not facts.decision_reason.strip():
		problems.append("decision_reason")
	if new == PLAN_APPROVED and not facts.amendment:
		if not facts.min_course_months <= facts.course_months <= facts.max_course_months:
			problems.append("course_months")
		if not facts.follow_up_frequency:
			problems.append("follow_up_frequency")
		if facts.first_follow_up_in_course is None:
			problems.append("first_follow_up")
		elif not facts.first_follow_up_in_course:
			problems.append("first_follow_up_outside")
	return problems
