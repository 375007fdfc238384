"""doc_events on Purchase Invoice: the supplier's invoice for a line, or the citizen's receipts
settling an advance."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt

from borgerbudget import rules
from borgerbudget.accounting.builders import DIMENSIONS, set_accounting
from borgerbudget.accounting.money import (
	check_declaration,
	check_within_limits,
	get_plan,
	lock_plans,
	new_money_share,
	payable_line,
)
from borgerbudget.accounting.parties import citizen_supplier
from borgerbudget.accounting.write_back import refresh_advance, refresh_plans


def check_company(doc, programme):
	if doc.company != programme.company:
		frappe.throw(
			_("Programme {0} books in company {1}, not {2}.").format(
				programme.name, programme.company, doc.company
			)
		)


def validate_purchase_invoice(doc, method=None):
	rows = [item for item in doc.items if item.budget_plan or item.budget_line]
	doc.budget_plan = None
	if not rows:
		return
	for item in rows:
		if not (item.budget_plan and item.budget_line):
			frappe.throw(_("Row {0}: choose both the budget plan and its budget line.").format(item.idx))
	plans = {item.budget_plan for item in rows}
	lock_plans(plans)
	for plan_name in sorted(plans):
		plan = get_plan(plan_name)
		programme = frappe.get_cached_doc("Budget Programme", plan.programme)
		check_company(doc, programme)
		if doc.currency != plan.currency:
			frappe.throw(_("Invoices for plan {0} must be in {1}.").format(plan.name, plan.currency))
		requested = defaultdict(float)
		for item in rows:
			if item.budget_plan != plan_name:
				continue
			line = payable_line(plan, item.budget_line)
			if flt(item.amount) <= 0 and not doc.is_return:
				frappe.throw(
					_("Row {0}: an invoice for a budget line must be for more than zero.").format(item.idx)
				)
			check_supplier(doc, plan, line)
			set_accounting(item, plan, programme, line)
			requested[line.name] += flt(item.amount) * new_money_share(doc)
		if not doc.is_return:
			check_within_limits(
				plan, requested, exclude_invoice=doc.name, tolerance=flt(programme.invoice_tolerance)
			)
	if len(plans) == 1:
		doc.budget_plan = plan_name
		for fieldname in DIMENSIONS:
			doc.set(fieldname, rows[0].get(fieldname))


def check_supplier(doc, plan, line):
	if line.payment_route in rules.plan.TO_THE_CITIZEN:
		citizen = citizen_supplier(plan.participant)
		if doc.supplier != citizen:
			frappe.throw(
				_("Budget line {0} is reimbursed to the citizen: the invoice must be from {1}.").format(
					line.idx, frappe.bold(citizen or plan.participant_name)
				)
			)
		check_declaration(plan.participant)
	elif line.supplier and doc.supplier != line.supplier:
		frappe.throw(
			_("Budget line {0} ({1}) is to be invoiced by {2}, not {3}.").format(
				line.idx, frappe.bold(line.description), frappe.bold(line.supplier), frappe.bold(doc.supplier)
			)
		)


def on_purchase_invoice_change(doc, method=None):
	"""on_update, on_submit, on_cancel, on_trash: the lines' amounts follow the invoice."""
	if method == "on_update" and doc.docstatus == 1:
		return  # frappe runs on_update before on_submit when submitting
	if doc.get("budget_advance"):
		refresh_advance(doc.budget_advance, exclude_invoice=doc.name if method == "on_trash" else None)
	refresh_plans(
		{item.budget_plan for item in doc.items if item.budget_plan},
		doc.name if method == "on_trash" else None,
	)
