import frappe
import pytest
from frappe.utils import add_days, getdate, today

from borgerbudget import rules
from tests.integration.factories import (
	budget_line,
	complete,
	make_enrolled,
	make_participant,
	make_programme,
	plan_of,
	user,
)


@pytest.fixture
def programme():
	return make_programme(reimbursement_limit=3000)


@pytest.fixture
def plan(programme):
	return plan_of(make_enrolled(programme))


def test_enrolment_creates_a_draft_plan_with_the_programme_frame(programme):
	participant = make_enrolled(programme)
	plan = plan_of(participant)
	assert plan.status == rules.plan.DRAFT
	assert plan.plan_deadline == participant.plan_deadline == getdate(add_days(today(), 28))
	assert plan.course_start_date == getdate(today())
	assert plan.course_end_date == rules.course.add_months(getdate(today()), 6)
	assert plan.maximum_amount == 50000 and plan.currency == "DKK"


def test_one_plan_per_participant_and_only_when_enrolled(programme, plan):
	with pytest.raises(frappe.DuplicateEntryError):
		frappe.get_doc({"doctype": "Budget Plan", "participant": plan.participant}).insert()
	screening = make_participant(programme)
	with pytest.raises(frappe.ValidationError, match="only be written for an enrolled participant"):
		frappe.get_doc({"doctype": "Budget Plan", "participant": screening.name}).insert()


def test_totals_and_the_programme_maximum(plan):
	plan.append("lines", budget_line(plan, amount=30000))
	plan.append("lines", budget_line(plan, amount=15000))
	plan.save()
	assert (plan.total_amount, plan.remaining_amount) == (45000, 5000)
	plan.append("lines", budget_line(plan, amount=5000.01))
	with pytest.raises(frappe.ValidationError, match="over the programme's maximum"):
		plan.save()
	assert frappe.db.get_value("Budget Plan", plan.name, "total_amount") == 45000


@pytest.mark.parametrize(
	"values, message",
	[
		({"amount": 0}, "amount must be greater than zero"),
		({"amount": -100}, "amount must be greater than zero"),
		({"need_date": "2001-01-01"}, "outside the course period"),
		({"payment_route": rules.plan.REIMBURSEMENT, "amount": 3000.5}, "at most .* can be reimbursed"),
		({"goal": "Become an astronaut"}, "is not one of the plan's goals"),
	],
)
def test_line_rules(plan, values, message):
	plan.append("lines", budget_line(plan, description="Work boots", **values))
	with pytest.raises(frappe.ValidationError, match=message) as error:
		plan.save()
	assert "Line 1 (Work boots)" in str(error.value)
	assert not frappe.db.count("Budget Line", {"parent": plan.name})


def test_need_date_after_the_course_end_is_refused(plan):
	plan.append("lines", budget_line(plan, need_date=add_days(plan.course_end_date, 1)))
	with pytest.raises(frappe.ValidationError, match="outside the course period"):
		plan.save()


def test_reimbursement_within_the_limit_is_accepted(plan):
	plan.append("lines", budget_line(plan, payment_route=rules.plan.REIMBURSEMENT, amount=3000))
	plan.save()
	assert plan.total_amount == 3000


def test_derived_values_cannot_be_set_by_the_client(plan):
	plan.maximum_amount = 1_000_000
	plan.plan_deadline = "2099-01-01"
	plan.total_amount = 1
	plan.append("lines", budget_line(plan, amount=2000))
	plan.save()
	assert (plan.maximum_amount, plan.total_amount) == (50000, 2000)
	assert plan.plan_deadline == frappe.db.get_value("Participant", plan.participant, "plan_deadline")


def test_submission_needs_every_part_and_a_theory_of_change_per_line(plan):
	plan.append("lines", budget_line(plan, theory_of_change=""))
	plan.save()
	with pytest.raises(frappe.ValidationError) as error:
		plan.submit_for_assessment()
	message = str(error.value)
	for part in (
		"Why These Investments Bring Me Into Work",
		"I Will Continue",
		"I Will Stop",
		"I Will Start",
		"Goals",
	):
		assert part in message
	assert "theory of change for line 1" in message
	assert frappe.db.get_value("Budget Plan", plan.name, "status") == rules.plan.DRAFT


def test_a_new_programme_starts_with_its_methods_capabilities():
	mit_liv = make_programme(method=rules.programme.MIT_LIV)
	assert (mit_liv.dream_and_next_step, mit_liv.quality_of_life_scores) == (1, 1)
	other = make_programme(method="Langtidsledige tager teten")
	assert (other.dream_and_next_step, other.quality_of_life_scores) == (0, 0)
	chosen = make_programme(method=rules.programme.MIT_LIV, quality_of_life_scores=1)
	assert (chosen.dream_and_next_step, chosen.quality_of_life_scores) == (0, 1)


def test_a_plan_needs_no_dream_where_the_programme_does_not_include_it():
	plan = complete(plan_of(make_enrolled(make_programme(method="Langtidsledige tager teten"))))
	plan.save()
	plan.submit_for_assessment()
	assert plan.status == rules.plan.SUBMITTED and not plan.dream_and_next_step


@pytest.mark.parametrize(
	"values", [{"method": rules.programme.MIT_LIV}, {"method": "Empowerment", "dream_and_next_step": 1}]
)
def test_plans_need_the_dream_and_next_step_where_the_programme_includes_them(values):
	programme = make_programme(**values)
	plan = complete(plan_of(make_enrolled(programme)))
	plan.save()
	with pytest.raises(frappe.ValidationError, match=r"My Dream.*My Next Step"):
		plan.submit_for_assessment()
	plan = frappe.get_doc("Budget Plan", plan.name)
	plan.dream = "A calm home where my family can visit"
	plan.next_step = "Paint the living room"
	plan.save()
	plan.submit_for_assessment()
	assert plan.status == rules.plan.SUBMITTED


def test_a_submitted_plan_is_locked_but_takes_the_caseworkers_comment(plan):
	complete(plan).save()
	plan.submit_for_assessment()
	assert plan.status == rules.plan.SUBMITTED and plan.submitted_on
	plan = frappe.get_doc("Budget Plan", plan.name)
	plan.motivation = "Something else"
	with pytest.raises(frappe.ValidationError, match="cannot be changed"):
		plan.save()
	plan = frappe.get_doc("Budget Plan", plan.name)
	plan.lines[0].amount = 999
	with pytest.raises(frappe.ValidationError, match="cannot be changed"):
		plan.save()
	plan = frappe.get_doc("Budget Plan", plan.name)
	plan.comment_for_citizen = "Looks good, we will talk on Monday."
	plan.save()


def test_only_a_caseworker_can_send_a_submitted_plan_back_to_draft(programme):
	participant = make_enrolled(programme, user=user("citizen"))
	plan = complete(plan_of(participant))
	plan.save()
	plan.submit_for_assessment()
	frappe.set_user(user("citizen"))
	plan = frappe.get_doc("Budget Plan", plan.name)
	plan.status = rules.plan.DRAFT
	with pytest.raises(frappe.ValidationError, match="cannot move from Submitted for Assessment to Draft"):
		plan.save()
	frappe.set_user("Administrator")
	plan = frappe.get_doc("Budget Plan", plan.name)
	plan.status = rules.plan.DRAFT
	plan.save()
	assert not plan.submitted_on


def test_deadline_extension_is_recorded(plan):
	with pytest.raises(frappe.ValidationError, match="reason"):
		plan.extend_deadline(add_days(plan.plan_deadline, 14), " ")
	with pytest.raises(frappe.ValidationError, match="must be after the current one"):
		plan.extend_deadline(plan.plan_deadline, "Ill")
	old_deadline = plan.plan_deadline
	plan.extend_deadline(add_days(old_deadline, 14), "The citizen was in hospital")
	assert plan.plan_deadline == getdate(add_days(old_deadline, 14))
	assert frappe.db.get_value("Participant", plan.participant, "plan_deadline") == plan.plan_deadline
	[extension] = plan.deadline_extensions
	assert (extension.previous_deadline, extension.reason, extension.extended_by) == (
		old_deadline,
		"The citizen was in hospital",
		"Administrator",
	)


def test_only_caseworkers_extend_deadlines(programme):
	plan = plan_of(make_enrolled(programme, user=user("citizen")))
	frappe.set_user(user("citizen"))
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Budget Plan", plan.name).extend_deadline(add_days(plan.plan_deadline, 7), "Because")


def test_the_caseworker_is_told_when_the_deadline_has_passed(plan):
	frappe.db.set_value("Participant", plan.participant, "plan_deadline", add_days(today(), -1))
	plan = frappe.get_doc("Budget Plan", plan.name)
	plan.save()
	plan.run_method("onload")
	assert plan.get_onload().deadline_passed is True


def test_the_one_page_plan_renders_the_timeline_and_parked_lines(plan):
	plan.append("lines", budget_line(plan, description="Truck licence", need_date=plan.course_start_date))
	plan.append(
		"lines",
		budget_line(
			plan, description="Dentist", need_date=rules.course.add_months(plan.course_start_date, 2)
		),
	)
	plan.append("lines", budget_line(plan, description="Bicycle", parked=1, park_note="After the summer"))
	plan.motivation = "I want to drive trucks"
	plan.successes = "Passed the theory test"
	plan.save()
	html = frappe.get_print("Budget Plan", plan.name, "Randers One-Page Plan", doc=plan)
	for text in (
		"I want to drive trucks",
		"Truck licence",
		"Dentist",
		"Bicycle",
		"After the summer",
		"Passed the theory test",
	):
		assert text in html
	timeline = plan.get_timeline()
	assert [[row.description for row in month["lines"]] for month in timeline["months"]] == [
		["Truck licence"],
		[],
		["Dentist"],
	]
	assert [row.description for row in timeline["parked"]] == ["Bicycle"]
