"""The course's end (issue 6): a daily check flags courses past their end date, and the
caseworker extends them with a reason, up to the programme's maximum (12 months)."""

import frappe
import pytest
from frappe.utils import add_days, getdate, today

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.participant.participant import flag_courses_past_end
from tests.integration.factories import approved_plan, make_programme, user


@pytest.fixture
def participant():
	plan = approved_plan(make_programme())
	doc = frappe.get_doc("Participant", plan.participant)
	# The course started six months ago and ended yesterday.
	start = rules.course.add_months(getdate(today()), -6)
	doc.db_set({"course_start_date": add_days(start, -1), "course_end_date": add_days(today(), -1)})
	return frappe.get_doc("Participant", doc.name)


def test_a_course_past_its_end_is_flagged_once_with_a_todo(participant):
	flag_courses_past_end()
	flag_courses_past_end()
	assert frappe.db.get_value("Participant", participant.name, "course_past_end") == 1
	todos = frappe.get_all(
		"ToDo",
		filters={
			"reference_name": participant.name,
			"allocated_to": participant.assigned_caseworker,
			"status": "Open",
		},
		pluck="description",
	)
	assert len(todos) == 1 and "extend it (up to 12 months in all) or end it" in todos[0]


def test_the_caseworker_extends_the_course_with_a_reason_up_to_12_months(participant):
	flag_courses_past_end()
	frappe.set_user(user("caseworker_a"))
	doc = frappe.get_doc("Participant", participant.name)
	start = getdate(doc.course_start_date)
	with pytest.raises(frappe.ValidationError, match="reason"):
		doc.extend_course(add_days(today(), 30), "  ")
	with pytest.raises(frappe.ValidationError, match="at most 12 months"):
		doc.extend_course(add_days(rules.course.add_months(start, 12), 1), "The driving school was delayed.")
	doc.reload()
	doc.extend_course(rules.course.add_months(start, 12), "The driving school was delayed two months.")
	doc.reload()
	assert (doc.course_end_date, doc.course_past_end) == (rules.course.add_months(start, 12), 0)
	[extension] = doc.course_extensions
	assert (extension.reason, extension.extended_by) == (
		"The driving school was delayed two months.",
		user("caseworker_a"),
	)
	assert (
		frappe.db.get_value("Budget Plan", {"participant": doc.name}, "course_end_date")
		== doc.course_end_date
	)
	assert not frappe.db.exists("ToDo", {"reference_name": doc.name, "status": "Open"})
	with pytest.raises(frappe.ValidationError, match="after the current end"):
		doc.extend_course(add_days(today(), 10), "Again")


def test_another_teams_caseworker_cannot_extend(participant):
	frappe.set_user(user("caseworker_b"))
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Participant", participant.name).extend_course(add_days(today(), 30), "Delayed")
