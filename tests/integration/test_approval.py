"""Approval of budget plans: the green, yellow and red routes, as the real users who take them."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_months, getdate, today

from borgerbudget import permissions, rules
from borgerbudget.borgerbudget.doctype.approval_vote.approval_vote import cast_vote
from tests.integration.factories import assessment, make_programme, submitted_plan, user

YES, DOUBTFUL, NO = rules.approval.YES, rules.approval.DOUBTFUL, rules.approval.NO


@pytest.fixture
def programme():
	return make_programme(team_quorum=3)


@pytest.fixture
def plan(programme):
	return submitted_plan(programme)


def act(key, approval, action):
	frappe.set_user(user(key))
	return apply_workflow(frappe.get_doc("Budget Plan Approval", approval.name), action)


def vote(key, approval, value, comment=None, voter=None):
	frappe.set_user(user(key))
	return cast_vote(approval.name, value, comment, voter and user(voter))


def emails_to(address):
	return frappe.get_all(
		"Email Queue Recipient", filters={"recipient": address}, fields=["parent"], pluck="parent"
	)


def reload(doc):
	return frappe.get_doc(doc.doctype, doc.name)


def test_green_route_the_caseworker_approves_alone(plan):
	approval = assessment(plan, course_months=8)
	assert approval.suggested_classification == rules.approval.GREEN
	assert approval.workflow_state == rules.approval.AWAITING_ASSESSMENT and approval.caseworker == user(
		"caseworker_a"
	)

	approval = act("caseworker_a", approval, "Approve Plan")

	assert approval.docstatus == 1 and approval.decision == rules.plan.APPROVED
	assert approval.final_classification == rules.approval.GREEN and approval.decided_by == user(
		"caseworker_a"
	)
	plan = reload(plan)
	assert (
		plan.status == rules.plan.APPROVED
		and plan.approval == approval.name
		and plan.classification == rules.approval.GREEN
	)
	assert all(row.approved for row in plan.lines)
	participant = frappe.get_doc("Participant", plan.participant)
	assert getdate(participant.course_start_date) == getdate(today())
	assert getdate(participant.course_end_date) == getdate(add_months(today(), 8))
	assert participant.follow_up_frequency == "Monthly"
	assert getdate(participant.next_follow_up_date) == getdate(add_days(today(), 14))
	# The citizen is told, and the decision is on the plan's timeline.
	assert emails_to(approval.citizen_email)
	timeline = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Budget Plan", "reference_name": plan.name, "comment_type": "Info"},
		pluck="content",
	)
	assert any(approval.name in text and "Approved" in text for text in timeline)


def test_green_cases_are_listed_for_the_teams_information(plan):
	approval = act("caseworker_a", assessment(plan), "Approve Plan")
	frappe.set_user(user("teammate"))
	listed = frappe.get_list(
		"Budget Plan Approval",
		filters={"final_classification": rules.approval.GREEN, "docstatus": 1},
		pluck="name",
	)
	assert approval.name in listed
	frappe.set_user(user("caseworker_b"))
	assert approval.name not in frappe.get_list("Budget Plan Approval", pluck="name")


def test_yellow_route_colleagues_comment_then_the_case_is_approved(plan):
	approval = assessment(plan, scores=(DOUBTFUL, YES, YES), colleagues=[{"user": user("teammate")}])
	assert approval.classification == rules.approval.YELLOW

	approval = act("caseworker_a", approval, "Ask Colleagues")

	assert approval.workflow_state == rules.approval.AWAITING_COMMENTS
	todo = frappe.get_all(
		"ToDo",
		filters={"reference_name": approval.name, "allocated_to": user("teammate"), "status": "Open"},
		pluck="name",
	)
	assert todo and emails_to(user("teammate"))
	with pytest.raises(frappe.ValidationError, match="colleague's comment"):
		act("caseworker_a", approval, "Approve Plan")
	with pytest.raises(frappe.PermissionError):
		vote("teammate_2", approval, rules.approval.FOR, "Not asked, but here is my view")
	with pytest.raises(frappe.ValidationError, match="comment"):
		vote("teammate", approval, rules.approval.FOR)

	vote("teammate", approval, rules.approval.FOR, "The forklift course is a sound first step.")

	assert frappe.db.get_value("ToDo", todo[0], "status") == "Closed"
	approval = act("caseworker_a", approval, "Approve Plan")
	assert approval.decision == rules.plan.APPROVED and approval.final_classification == rules.approval.GREEN
	assert reload(plan).status == rules.plan.APPROVED


def test_yellow_case_reclassified_red_goes_to_the_team(plan):
	approval = assessment(plan, scores=(YES, DOUBTFUL, YES), colleagues=[{"user": user("teammate")}])
	act("caseworker_a", approval, "Ask Colleagues")
	vote("teammate", approval, rules.approval.AGAINST, "I doubt the citizen can follow through right now.")
	approval = act("caseworker_a", approval, "Refer to Team")
	assert (
		approval.workflow_state == rules.approval.AWAITING_TEAM
		and approval.final_classification == rules.approval.RED
	)
	assert {row.user for row in approval.team_members} >= {user("teammate"), user("team_lead")}


def red_case(plan):
	approval = assessment(plan, scores=(NO, DOUBTFUL, YES))
	assert approval.classification == rules.approval.RED
	return act("caseworker_a", approval, "Refer to Team")


def record_meeting(approval, took_part, **values):
	frappe.set_user(user("team_lead"))
	doc = reload(approval)
	doc.update(values)
	doc.meeting_date = today()
	doc.minutes = "<p>The team discussed the plan.</p>"
	for row in doc.team_members:
		row.took_part = int(row.user in {user(key) for key in took_part})
	doc.save()
	return doc


def test_red_route_the_team_decides_with_quorum_and_majority(plan):
	approval = red_case(plan)
	members = {row.user for row in approval.team_members}
	assert members == {user(key) for key in ("caseworker_a", "teammate", "teammate_2", "team_lead")}
	assert frappe.db.exists(
		"ToDo", {"reference_name": approval.name, "allocated_to": user("team_lead"), "status": "Open"}
	)
	assert emails_to(user("teammate_2"))

	vote("teammate", approval, rules.approval.FOR, "Yes")
	vote("teammate_2", approval, rules.approval.FOR)
	vote("team_lead", approval, rules.approval.AGAINST, "Too ambitious")
	approval = record_meeting(approval, ["teammate", "teammate_2", "team_lead", "caseworker_a"])
	approval = act("team_lead", approval, "Approve Plan")

	assert approval.decision == rules.plan.APPROVED and approval.final_classification == rules.approval.RED
	assert (approval.votes_for, approval.votes_against, approval.quorum) == (2, 1, 3)
	assert reload(plan).status == rules.plan.APPROVED


def test_the_assessing_caseworker_cannot_approve_their_own_red_case(plan):
	approval = red_case(plan)
	with pytest.raises(frappe.PermissionError):
		vote("caseworker_a", approval, rules.approval.FOR, "My own case")
	with pytest.raises(frappe.ValidationError):
		act("caseworker_a", approval, "Approve Plan")
	frappe.set_user(user("caseworker_a"))
	doc = reload(approval)
	doc.minutes = "I decide this myself"
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_red_route_without_quorum_is_refused(plan):
	approval = red_case(plan)
	vote("teammate", approval, rules.approval.FOR, "Yes")
	vote("team_lead", approval, rules.approval.FOR, "Yes")
	approval = record_meeting(approval, ["teammate", "team_lead"])
	with pytest.raises(frappe.ValidationError, match="at least 3 members"):
		act("team_lead", approval, "Approve Plan")
	assert frappe.db.get_value("Budget Plan Approval", approval.name, "docstatus") == 0
	assert reload(plan).status == rules.plan.SUBMITTED


def test_red_route_every_member_present_votes_and_the_team_can_reject(plan):
	approval = red_case(plan)
	vote("teammate", approval, rules.approval.AGAINST, "No")
	vote("team_lead", approval, rules.approval.AGAINST, "No")
	approval = record_meeting(approval, ["teammate", "teammate_2", "team_lead"])
	with pytest.raises(frappe.ValidationError, match="1 missing"):
		act("team_lead", approval, "Reject Plan")
	# The lead records the vote of a member at the meeting.
	vote("team_lead", approval, rules.approval.ABSTAIN, voter="teammate_2")
	with pytest.raises(frappe.ValidationError, match="reason"):
		act("team_lead", approval, "Reject Plan")
	record_meeting(
		approval,
		["teammate", "teammate_2", "team_lead"],
		decision_reason="The plan does not lead to work.",
		not_expected_to_reach_approval=1,
	)
	approval = act("team_lead", approval, "Reject Plan")
	assert approval.decision == rules.plan.REJECTED
	plan = reload(plan)
	assert (
		plan.status == rules.plan.REJECTED and plan.comment_for_citizen == "The plan does not lead to work."
	)
	assert not any(row.approved for row in plan.lines)


def test_a_majority_for_approval_cannot_reject(plan):
	approval = red_case(plan)
	for key in ("teammate", "teammate_2", "team_lead"):
		vote(key, approval, rules.approval.FOR, "Yes")
	approval = record_meeting(approval, ["teammate", "teammate_2", "team_lead"], decision_reason="No")
	with pytest.raises(frappe.ValidationError, match="cannot reject"):
		act("team_lead", approval, "Reject Plan")


def test_override_without_a_reason_is_refused(plan):
	doc = assessment(plan, insert=False, classification=rules.approval.GREEN, scores=(DOUBTFUL, YES, YES))
	doc.insert()
	assert doc.suggested_classification == rules.approval.YELLOW
	with pytest.raises(frappe.ValidationError, match="reason for overriding"):
		act("caseworker_a", doc, "Approve Plan")
	frappe.set_user(user("caseworker_a"))
	doc = reload(doc)
	doc.override_reason = "I have followed this citizen for two years."
	doc.save()
	assert act("caseworker_a", doc, "Approve Plan").decision == rules.plan.APPROVED


def test_incomplete_assessment_cannot_approve(plan):
	doc = assessment(plan, ability_note="")
	with pytest.raises(frappe.ValidationError, match="note on criterion"):
		act("caseworker_a", doc, "Approve Plan")


def test_wrong_role_and_wrong_order_are_refused(plan):
	approval = assessment(plan, scores=(DOUBTFUL, YES, YES), colleagues=[{"user": user("teammate")}])
	# The team lead has no caseworker transition; a colleague is not the assessing caseworker.
	with pytest.raises(frappe.ValidationError, match="Not a valid Workflow Action"):
		act("team_lead", approval, "Ask Colleagues")
	with pytest.raises(frappe.PermissionError):
		act("teammate", approval, "Ask Colleagues")
	# A yellow case cannot be approved or rejected straight from the assessment.
	with pytest.raises(frappe.ValidationError):
		act("caseworker_a", approval, "Approve Plan")
	frappe.set_user(user("caseworker_a"))
	doc = reload(approval)
	doc.workflow_state = rules.approval.PLAN_REJECTED
	with pytest.raises(frappe.ValidationError):
		doc.submit()
	# Submitting directly (frappe.client.submit) cannot skip the route either.
	doc = reload(approval)
	with pytest.raises(frappe.ValidationError, match="not by submitting"):
		doc.submit()
	assert frappe.db.get_value("Budget Plan Approval", approval.name, "docstatus") == 0


def test_the_plan_cannot_be_set_to_approved_without_an_approval(plan):
	frappe.set_user(user("caseworker_a"))
	plan = reload(plan)
	plan.status = rules.plan.APPROVED
	with pytest.raises(frappe.ValidationError, match="cannot move"):
		plan.save()


def test_one_assessment_per_submission(plan):
	assessment(plan)
	with pytest.raises(frappe.DuplicateEntryError):
		assessment(plan)


def test_a_draft_plan_cannot_be_assessed(programme):
	from tests.integration.factories import make_enrolled, plan_of

	plan = plan_of(make_enrolled(programme, assigned_caseworker=user("caseworker_a")))
	with pytest.raises(frappe.ValidationError, match="submitted for assessment"):
		assessment(plan)


def test_approval_is_immutable_after_submit_and_corrected_by_amendment(plan):
	approval = act("caseworker_a", assessment(plan), "Approve Plan")
	frappe.set_user(user("caseworker_a"))
	doc = reload(approval)
	doc.decision_reason = "Changed afterwards"
	with pytest.raises(frappe.UpdateAfterSubmitError):
		doc.save()
	with pytest.raises(frappe.PermissionError):
		reload(approval).cancel()

	frappe.set_user(user("team_lead"))
	reload(approval).cancel()
	plan = reload(plan)
	assert plan.status == rules.plan.SUBMITTED and not any(row.approved for row in plan.lines)
	amended = frappe.copy_doc(reload(approval))
	amended.update({"amended_from": approval.name, "docstatus": 0, "decision": rules.plan.APPROVED})
	amended.insert()
	assert amended.workflow_state == rules.approval.AWAITING_ASSESSMENT and amended.caseworker == user(
		"caseworker_a"
	)
	assert not amended.decision and amended.difference_score == approval.difference_score
	assert act("caseworker_a", amended, "Approve Plan").decision == rules.plan.APPROVED


def test_course_length_must_fall_within_the_programme(plan):
	approval = assessment(plan, course_months=13)
	with pytest.raises(frappe.ValidationError, match="6 to 12 months"):
		act("caseworker_a", approval, "Approve Plan")


def test_lines_are_locked_after_approval(plan):
	act("caseworker_a", assessment(plan), "Approve Plan")
	frappe.set_user(user("caseworker_a"))
	doc = reload(plan)
	doc.lines[0].amount = 2000
	with pytest.raises(frappe.ValidationError, match="cannot be changed"):
		doc.save()


def test_needs_revision_returns_the_plan_and_a_resubmission_gets_a_new_assessment(plan):
	approval = assessment(plan, decision_reason="Add a quote for the course.")
	approval = act("caseworker_a", approval, "Return to Citizen")
	assert approval.decision == rules.plan.NEEDS_REVISION
	plan = reload(plan)
	assert (
		plan.status == rules.plan.NEEDS_REVISION and plan.comment_for_citizen == "Add a quote for the course."
	)
	assert emails_to(approval.citizen_email)

	frappe.set_user("Administrator")
	plan.lines[0].price_research = "Two quotes compared"
	plan.save()
	plan.submit_for_assessment()
	assert plan.submission_count == 2
	second = assessment(plan)
	assert second.submission_no == 2
	act("caseworker_a", second, "Approve Plan")
	history = frappe.get_all(
		"Budget Plan Approval", filters={"budget_plan": plan.name}, fields=["decision"], order_by="creation"
	)
	assert [row.decision for row in history] == [rules.plan.NEEDS_REVISION, rules.plan.APPROVED]


def test_classification_rules_are_configurable_per_programme():
	strict = make_programme(
		classification_rules=[
			{"difference": "Any", "ability": "No", "coherence": "Any", "classification": "Red"},
			{"difference": "Yes", "ability": "Yes", "coherence": "Yes", "classification": "Green"},
		]
	)
	plan = submitted_plan(strict)
	assert (
		assessment(plan, scores=(YES, NO, YES), classification="Red").suggested_classification
		== rules.approval.RED
	)
	frappe.set_user("Administrator")
	default = make_programme()
	assert len(default.classification_rules) == len(rules.approval.DEFAULT_CLASSIFICATION_RULES)


def test_the_citizen_reads_the_decision_but_not_the_colour(programme):
	plan = submitted_plan(programme, user=user("citizen"))
	act("caseworker_a", assessment(plan, decision_reason="Good luck with the course."), "Approve Plan")
	frappe.set_user(user("citizen"))
	doc = reload(plan)
	doc.check_permission("read")
	# What REST and the portal return to the citizen.
	doc.apply_fieldlevel_read_permissions()
	assert doc.status == rules.plan.APPROVED and doc.comment_for_citizen == "Good luck with the course."
	assert not doc.get("classification") and not doc.get("approval")
	assert not frappe.has_permission("Budget Plan Approval", "read")


def test_the_desk_workflow_is_the_rules_table():
	"""The Workflow fixture, as migrate imported it, says what rules/approval.py says: states,
	actions, transitions, the colour each route needs and who may take it."""
	workflow = frappe.get_doc("Workflow", "Budget Plan Approval")
	role = {
		rules.approval.CASEWORKER: permissions.CASEWORKER,
		rules.approval.TEAM_LEAD: permissions.TEAM_LEAD,
	}
	assert {row.state: (str(row.doc_status), row.allow_edit) for row in workflow.states} == {
		**{state: ("0", role[rules.approval.RESPONSIBLE[state]]) for state in rules.approval.OPEN_STATES},
		**{state: ("1", permissions.ADMIN) for state in rules.approval.DECISIONS},
	}
	first, colour = rules.approval.AWAITING_ASSESSMENT, rules.approval.ROUTE_COLOUR
	assert {
		(row.state, row.next_state): (row.action, row.allowed, row.condition or None)
		for row in workflow.transitions
	} == {
		(current, new): (
			rules.approval.ACTIONS[new],
			role[who],
			f'doc.classification == "{colour[new]}"' if current == first and new in colour else None,
		)
		for (current, new), who in rules.approval.APPROVAL_TRANSITIONS.items()
	}


def test_the_form_is_told_the_next_step_and_who_may_vote(plan):
	approval = assessment(plan, scores=(DOUBTFUL, YES, YES), colleagues=[{"user": user("teammate")}])
	approval = act("caseworker_a", approval, "Ask Colleagues")

	def onload(key):
		frappe.set_user(user(key))
		doc = reload(approval)
		doc.run_method("onload")
		return doc.get_onload()

	mine = onload("caseworker_a")
	assert mine.ballot is None
	assert "0 of 1 colleagues have answered" in mine.next_step
	asked = onload("teammate")
	assert asked.ballot["vote"] and asked.ballot["comment_required"] and not asked.ballot["for_members"]
	assert [option["value"] for option in asked.ballot["options"]] == list(rules.approval.VOTES)
	assert onload("teammate_2").ballot is None

	vote("teammate", approval, rules.approval.FOR, "A sound first step.")
	assert onload("teammate").ballot["mine"].vote == rules.approval.FOR
	assert "1 of 1 colleagues have answered" in onload("caseworker_a").next_step


def test_the_team_lead_may_record_members_votes(plan):
	approval = red_case(plan)
	frappe.set_user(user("team_lead"))
	doc = reload(approval)
	doc.run_method("onload")
	ballot = doc.get_onload().ballot
	assert ballot["vote"] and ballot["for_members"] and not ballot["comment_required"]
	assert user("caseworker_a") not in {member["value"] for member in ballot["members"]}
	assert "The team decides" in doc.get_onload().next_step
