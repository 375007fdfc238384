"""Changing an approved plan (issue 6, amendments): a diff against the approved lines, small
changes green by rule, larger ones through the normal assessment, never below what is invoiced."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from borgerbudget import accounting, rules
from borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment import (
	make_amendment,
	make_approval,
)
from tests.integration.factories import approved_plan, budget_line, make_programme, make_supplier, user


@pytest.fixture
def plan():
	frappe.set_user("Administrator")
	supplier = make_supplier("_Test Køreskole")
	return approved_plan(
		make_programme(amendment_green_threshold=2000),
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


def draft(plan, change=None, key="caseworker_a"):
	"""Caseworker A's amendment of `plan`; `change(doc)` edits the copied lines."""
	frappe.set_user(user(key))
	doc = make_amendment(plan.name)
	doc.reason = "The bus card costs more than I thought."
	if change:
		change(doc)
	return doc


def line(doc, description):
	return next(row for row in doc.lines if row.description == description)


def reload(doc):
	return frappe.get_doc(doc.doctype, doc.name)


def told(email):
	"""The documents the e-mails queued for `email` are about."""
	queued = frappe.get_all("Email Queue Recipient", filters={"recipient": email}, pluck="parent")
	return sorted(
		frappe.get_all(
			"Email Queue",
			filters={"name": ("in", queued)},
			fields=["reference_doctype", "reference_name"],
			as_list=True,
		)
	)


def test_a_small_change_shows_its_diff_and_is_approved_by_rule(plan):
	names = [row.name for row in plan.lines]

	def move_money(doc):
		line(doc, "Driving licence").amount = 3500
		line(doc, "Bus card").amount = 1300

	amendment = draft(plan, move_money).insert()
	assert [
		(c.change, c.description, c.old_amount, c.new_amount, c.difference) for c in amendment.changes
	] == [
		(rules.amendment.CHANGED, "Driving licence", 4000, 3500, -500),
		(rules.amendment.CHANGED, "Bus card", 800, 1300, 500),
	]
	assert (amendment.total_before, amendment.total_after, amendment.change_size) == (4800, 4800, 500)
	assert amendment.route == rules.amendment.GREEN_BY_RULE and amendment.green_threshold == 2000
	assert [row.amount for row in reload(plan).lines] == [4000, 800]  # a draft changes nothing

	amendment.submit()

	amendment = reload(amendment)
	assert (amendment.status, amendment.decided_by) == (rules.plan.APPROVED, user("caseworker_a"))
	plan = reload(plan)
	# The same rows (invoices point at them), with the new amounts, still approved and payable.
	assert [(row.name, row.amount, row.approved) for row in plan.lines] == [
		(names[0], 3500, 1),
		(names[1], 1300, 1),
	]
	assert plan.status == rules.plan.APPROVED and plan.total_amount == 4800
	assert [row.remaining_amount for row in plan.lines] == [3500, 1300]
	comments = frappe.get_all(
		"Comment", filters={"reference_name": plan.name, "comment_type": "Info"}, pluck="content"
	)
	assert any(amendment.name in text and "by rule" in text for text in comments)
	assert ("Budget Plan Amendment", amendment.name) in told(amendment.citizen_email)


def test_a_larger_change_goes_through_the_normal_assessment_of_the_changed_lines(plan):
	original_approval = plan.approval

	def add_course(doc):
		doc.append(
			"lines",
			budget_line(plan, description="Truck licence C", amount=6000, goal="A job in a warehouse"),
		)
		doc.remove(line(doc, "Bus card"))

	amendment = draft(plan, add_course)
	threshold = frappe.utils.fmt_money(2000, currency=amendment.currency)
	assert f"at most {threshold} of new money" in amendment.get_onload().next_step["text"]
	amendment.insert()
	assert [(c.change, c.description, c.old_amount, c.new_amount) for c in amendment.changes] == [
		(rules.amendment.ADDED, "Truck licence C", 0, 6000),
		(rules.amendment.DROPPED, "Bus card", 800, 0),
	]
	assert amendment.change_size == 6000 and amendment.route == rules.amendment.ASSESSMENT
	amendment.submit()
	assert reload(amendment).status == rules.amendment.AWAITING_ASSESSMENT
	waiting = reload(amendment)
	waiting.run_method("onload")
	assert waiting.get_onload().next_step["assess"] is True
	assert [row.description for row in reload(plan).lines] == ["Driving licence", "Bus card"]
	assert frappe.db.exists(
		"ToDo", {"reference_name": amendment.name, "allocated_to": user("caseworker_a"), "status": "Open"}
	)

	# The caseworker scores the three criteria for the change; the green route approves it.
	approval = make_approval(amendment.name)
	for criterion in rules.approval.CRITERIA:
		approval.set(f"{criterion}_score", rules.approval.YES)
		approval.set(f"{criterion}_note", "The truck licence follows from the plan's goal.")
	approval.classification = rules.approval.GREEN
	approval.insert()
	assert reload(amendment).approval == approval.name
	apply_workflow(approval, "Approve Plan")

	amendment = reload(amendment)
	assert (amendment.status, amendment.decided_by) == (rules.plan.APPROVED, user("caseworker_a"))
	plan = reload(plan)
	assert [(row.description, row.amount, row.approved) for row in plan.lines] == [
		("Driving licence", 4000, 1),
		("Truck licence C", 6000, 1),
	]
	assert plan.lines[1].payout_status == rules.payout.AWAITING_INVOICE
	# The citizen hears about the change, not about their plan being approved again.
	emails = told(amendment.citizen_email)
	assert ("Budget Plan Amendment", amendment.name) in emails
	assert ("Budget Plan Approval", approval.name) not in emails
	# The plan's own approval and status stand; the course was not restarted.
	assert (plan.status, plan.approval, plan.total_amount) == (rules.plan.APPROVED, original_approval, 10000)
	assert not frappe.db.exists("ToDo", {"reference_name": amendment.name, "status": "Open"})


def test_a_change_sent_back_leaves_the_plan_as_it_was_and_can_be_corrected(plan):
	def add_laptop(doc):
		doc.append("lines", budget_line(plan, description="Laptop", amount=9000, goal="A job in a warehouse"))

	amendment = draft(plan, add_laptop).insert()
	amendment.submit()
	approval = make_approval(amendment.name)
	approval.decision_reason = "Find a cheaper laptop: a refurbished one will do."
	approval.insert()
	apply_workflow(approval, "Return to Citizen")

	assert reload(amendment).status == rules.plan.NEEDS_REVISION
	plan = reload(plan)
	assert [row.description for row in plan.lines] == [
		"Driving licence",
		"Bus card",
	] and plan.status == rules.plan.APPROVED

	# Corrected the standard way: cancel and amend, with a smaller amount that goes green by rule.
	frappe.set_user(user("caseworker_a"))
	amendment = reload(amendment)
	amendment.cancel()
	corrected = frappe.copy_doc(amendment, ignore_no_copy=False)
	corrected.update({"docstatus": 0, "amended_from": amendment.name})
	line(corrected, "Laptop").amount = 1800
	corrected.insert()
	corrected.submit()
	assert reload(corrected).status == rules.plan.APPROVED
	assert [row.amount for row in reload(plan).lines] == [4000, 800, 1800]


def test_a_line_cannot_go_below_what_has_been_invoiced(plan):
	frappe.set_user(user("finance"))
	invoice = accounting.make_purchase_invoice(plan.name, plan.lines[0].name, 1500)
	invoice.insert()
	invoice.submit()

	lower = draft(plan, lambda doc: setattr(line(doc, "Driving licence"), "amount", 1000))
	with pytest.raises(frappe.ValidationError, match="invoiced or committed"):
		lower.insert()
	dropped = draft(plan, lambda doc: doc.remove(line(doc, "Driving licence")))
	with pytest.raises(frappe.ValidationError, match="invoiced or committed"):
		dropped.insert()

	exact = draft(plan, lambda doc: setattr(line(doc, "Driving licence"), "amount", 1500)).insert()
	assert line(exact, "Driving licence").used_amount == 1500
	exact.submit()
	plan = reload(plan)
	assert (plan.lines[0].amount, plan.lines[0].remaining_amount) == (1500, 0)
	assert not frappe.db.exists("Budget Plan Amendment", lower.name or "-")


def test_changes_must_keep_the_plan_valid(plan):
	unchanged = draft(plan).insert()  # a draft may wait for its changes
	with pytest.raises(frappe.ValidationError, match="same as in the approved plan"):
		unchanged.submit()
	over = draft(plan, lambda doc: doc.append("lines", budget_line(plan, description="Van", amount=46000)))
	with pytest.raises(frappe.ValidationError, match="maximum"):
		over.insert()
	receipt = draft(plan, lambda doc: setattr(line(doc, "Bus card"), "amount", 9000))
	with pytest.raises(frappe.ValidationError, match="reimbursed"):
		receipt.insert()


def test_one_change_waits_for_assessment_at_a_time(plan):
	def add(amount):
		return lambda doc: doc.append(
			"lines", budget_line(plan, description=f"Course {amount}", amount=amount)
		)

	first = draft(plan, add(5000)).insert()
	first.submit()
	second = draft(plan, add(100)).insert()
	with pytest.raises(frappe.ValidationError, match="already waiting for assessment"):
		second.submit()
	# Once applied, a change cannot be cancelled: a new change undoes it.
	frappe.set_user(user("caseworker_a"))
	first = reload(first)
	first.cancel()
	assert reload(first).status == "Cancelled"
	second = reload(second)
	second.submit()
	with pytest.raises(frappe.ValidationError, match="applied to the plan"):
		reload(second).cancel()


def test_no_change_after_the_course_has_ended(plan):
	frappe.set_user(user("caseworker_a"))
	frappe.get_doc(
		{
			"doctype": "Course Termination",
			"participant": plan.participant,
			"reason": "Ordinary employment",
			"outcome": "Job",
		}
	).insert().submit()
	with pytest.raises(frappe.ValidationError, match="has ended"):
		draft(plan, lambda doc: setattr(line(doc, "Bus card"), "amount", 900)).insert()


def test_only_the_case_s_caseworkers_change_a_plan(plan):
	with pytest.raises(frappe.PermissionError):
		draft(plan, key="citizen")
	amendment = draft(plan, lambda doc: setattr(line(doc, "Bus card"), "amount", 900)).insert()
	frappe.set_user(user("caseworker_b"))
	assert not frappe.has_permission("Budget Plan Amendment", "read", amendment.name)
	assert amendment.name not in frappe.get_list("Budget Plan Amendment", pluck="name")
	frappe.set_user(user("caseworker_a"))
	assert amendment.name in frappe.get_list("Budget Plan Amendment", pluck="name")


def test_the_plan_s_other_content_stays_locked(plan):
	frappe.set_user(user("caseworker_a"))
	doc = reload(plan)
	doc.lines[1].amount = 900
	with pytest.raises(frappe.ValidationError, match="cannot be changed"):
		doc.save()


def test_the_citizen_asks_for_a_change_and_the_caseworker_submits_it(plan):
	frappe.db.set_value("Participant", plan.participant, "user", user("citizen"))
	frappe.set_user(user("citizen"))
	request = frappe.get_doc(
		{"doctype": "Budget Plan Amendment", "budget_plan": plan.name, "reason": "The bus card costs more."}
	).insert()
	# The plan's lines are copied for the citizen to change, and the caseworker is told.
	assert [row.description for row in request.lines] == [
		"Driving licence",
		"Bus card",
	] and not request.changes
	assert frappe.db.exists(
		"ToDo", {"reference_name": request.name, "allocated_to": user("caseworker_a"), "status": "Open"}
	)
	line(request, "Bus card").amount = 1100
	request.save()
	assert [(c.change, c.new_amount) for c in request.changes] == [(rules.amendment.CHANGED, 1100)]
	with pytest.raises(frappe.PermissionError):
		request.submit()

	frappe.set_user(user("citizen_2"))
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{"doctype": "Budget Plan Amendment", "budget_plan": plan.name, "reason": "Mine now"}
		).insert()
	assert not frappe.has_permission("Budget Plan Amendment", "read", request.name)

	frappe.set_user(user("caseworker_a"))
	request = reload(request)
	request.submit()
	assert reload(request).status == rules.plan.APPROVED
	assert [row.amount for row in reload(plan).lines] == [4000, 1100]
