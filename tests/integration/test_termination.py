"""Ending a course (issue 6, termination): reason and outcome recorded, open lines closed,
outstanding advances flagged, and no new payouts after it."""

import frappe
import pytest
from frappe.utils import add_days, today

from borgerbudget import accounting, rules
from tests.integration.factories import approved_plan, make_programme, make_supplier, user


@pytest.fixture
def plan():
	frappe.set_user("Administrator")
	supplier = make_supplier("_Test Køreskole")
	return approved_plan(
		make_programme(),
		lines=[
			{"description": "Driving licence", "amount": 4000, "supplier": supplier},
			{
				"description": "Bus card",
				"amount": 800,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			},
		],
	)


def terminate(plan, **values):
	frappe.set_user(user("caseworker_a"))
	doc = frappe.get_doc(
		{
			"doctype": "Course Termination",
			"participant": plan.participant,
			"reason": "Ordinary employment",
			"outcome": "Job",
			**values,
		}
	).insert()
	doc.submit()
	return doc


def test_ending_a_course_closes_the_lines_flags_advances_and_refuses_new_payouts(plan):
	frappe.set_user(user("finance"))
	invoice = accounting.make_purchase_invoice(plan.name, plan.lines[0].name, 1500)
	invoice.insert()
	invoice.submit()
	frappe.set_user(user("caseworker_a"))
	advance = frappe.get_doc(
		{
			"doctype": "Budget Advance",
			"budget_plan": plan.name,
			"budget_line": plan.lines[1].name,
			"amount": 800,
		}
	).insert()
	frappe.set_user(user("finance"))
	payment = accounting.make_advance_payment(advance.name)
	payment.insert()
	payment.submit()

	ended = terminate(plan)
	assert (ended.lines_closed, ended.advances_flagged) == (2, 1)
	participant = frappe.get_doc("Participant", plan.participant)
	assert (participant.course_termination, str(participant.course_ended_on)) == (ended.name, today())
	lines = frappe.get_doc("Budget Plan", plan.name).lines
	assert [(line.closed, line.payout_status) for line in lines] == [
		(1, rules.payout.CLOSED),
		(1, rules.payout.CLOSED),
	]
	assert frappe.db.get_value("Budget Advance", advance.name, "settlement_due") == 1
	frappe.set_user(user("finance"))
	with pytest.raises(frappe.ValidationError, match="closed for payouts"):
		accounting.make_purchase_invoice(plan.name, plan.lines[0].name, 1000)
	# What was invoiced before the end is still owed to the supplier.
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	paid = get_payment_entry("Purchase Invoice", invoice.name)
	paid.reference_no, paid.reference_date = "after the end", today()
	paid.insert()
	paid.submit()

	# The team lead can undo a mistaken end.
	frappe.set_user(user("team_lead"))
	frappe.get_doc("Course Termination", ended.name).cancel()
	assert [line.closed for line in frappe.get_doc("Budget Plan", plan.name).lines] == [0, 0]
	assert frappe.db.get_value("Participant", plan.participant, "course_termination") is None


def test_a_course_ends_once_and_not_in_the_future(plan):
	with pytest.raises(frappe.ValidationError, match="future"):
		terminate(plan, termination_date=add_days(today(), 1))
	terminate(plan)
	with pytest.raises(frappe.ValidationError, match="already been ended"):
		terminate(plan, reason="Moved", outcome="Other")


def test_another_teams_caseworker_cannot_end_the_course(plan):
	frappe.set_user(user("caseworker_b"))
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "Course Termination",
				"participant": plan.participant,
				"reason": "Moved",
				"outcome": "Other",
			}
		).insert()
