"""Follow-up after approval (issue 6): entries prefilled from the plan, the next date from the
agreed frequency, overdue follow-ups flagged, and each line's theory of change recorded."""

import frappe
import pytest
from frappe.utils import add_days, getdate, today

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.follow_up.follow_up import flag_overdue_follow_ups
from tests.integration.factories import approved_plan, make_programme, submitted_plan, user


@pytest.fixture
def plan():
	programme = make_programme()
	plan = approved_plan(programme, lines=[{"description": "Bicycle", "amount": 3000}])
	# A programme whose follow-ups record the citizen's quality-of-life scores.
	programme.reload()
	programme.quality_of_life_scores = 1
	programme.save()
	return plan


def follow_up(plan, **values):
	frappe.set_user(user("caseworker_a"))
	return frappe.get_doc({"doctype": "Follow-up", "participant": plan.participant, **values}).insert()


def test_a_follow_up_is_prefilled_and_sets_the_next_date(plan):
	frappe.db.set_value("Participant", plan.participant, "follow_up_frequency", "Every two weeks")
	doc = follow_up(plan, citizen_report="I started cycling to the job centre.", quality_of_life="4")
	assert doc.quality_of_life_scores == 1
	assert [row.goal for row in doc.goals] == [goal.goal for goal in plan.goals]
	assert [row.description for row in doc.lines] == [
		line.description for line in plan.lines if line.approved
	]
	assert getdate(doc.next_follow_up_date) == getdate(add_days(today(), 14))
	assert doc.method == "Langtidsledige tager teten" and doc.caseworker == user("caseworker_a")
	assert getdate(frappe.db.get_value("Participant", plan.participant, "next_follow_up_date")) == getdate(
		add_days(today(), 14)
	)
	# The desk fills the same rows as soon as the participant is chosen.
	from borgerbudget.borgerbudget.doctype.follow_up.follow_up import plan_rows

	assert [row["description"] for row in plan_rows(plan.participant)["lines"]] == [
		row.description for row in doc.lines
	]
	frappe.set_user(user("caseworker_b"))
	with pytest.raises(frappe.PermissionError):
		plan_rows(plan.participant)
	frappe.set_user(user("caseworker_a"))
	doc.lines[0].theory_of_change_held = "Partly"
	doc.goals[0].progress = "Some progress"
	doc.save()
	assert (
		frappe.db.get_value("Follow-up Line Result", {"parent": doc.name}, "theory_of_change_held")
		== "Partly"
	)


def test_overdue_follow_ups_are_flagged_the_caseworker_reminded_and_a_follow_up_clears_both(plan):
	frappe.db.set_value("Participant", plan.participant, "next_follow_up_date", add_days(today(), -1))
	reminder = {"reference_type": "Participant", "reference_name": plan.participant, "status": "Open"}
	flag_overdue_follow_ups()
	flag_overdue_follow_ups()  # the next day: still flagged, not reminded twice
	assert frappe.db.get_value("Participant", plan.participant, "follow_up_overdue") == 1
	todos = frappe.get_all("ToDo", filters=reminder, fields=["allocated_to", "description"])
	assert len(todos) == 1 and todos[0].allocated_to == user("caseworker_a")
	assert "was due on" in todos[0].description
	follow_up(plan)
	assert frappe.db.get_value("Participant", plan.participant, "follow_up_overdue") == 0
	assert not frappe.get_all("ToDo", filters=reminder)


def test_follow_up_needs_an_approved_course_and_a_past_date(plan):
	with pytest.raises(frappe.ValidationError, match="in the future"):
		follow_up(plan, follow_up_date=add_days(today(), 1))
	frappe.set_user("Administrator")
	waiting = submitted_plan(make_programme())
	with pytest.raises(frappe.ValidationError, match="course has begun"):
		follow_up(waiting)


def test_the_next_follow_up_follows_the_frequency():
	assert rules.course.next_follow_up(getdate("2026-01-31"), "Monthly") == getdate("2026-02-28")
	assert rules.course.next_follow_up(getdate("2026-01-31"), "Weekly") == getdate("2026-02-07")
	assert rules.course.next_follow_up(getdate("2026-01-31"), "Every two months") == getdate("2026-03-31")
