"""Write-back: the plan's lines, the advances and the claims follow the documents.

Anything that changes a plan's money ends in `update_line_payouts`, which bumps the plan's
`money_version` (see `money.line_money`)."""

from contextlib import contextmanager

import frappe
from frappe.utils import flt

from borgerbudget import rules
from borgerbudget.accounting.money import get_plan, line_money


def refresh_plans(names, exclude_invoice=None):
	names = set(filter(None, names))
	if frappe.flags.write_back_later is not None and not exclude_invoice:
		frappe.flags.write_back_later |= names
		return
	for name in sorted(names):
		update_line_payouts(name, exclude_invoice)


@contextmanager
def once_per_plan():
	"""Many documents at once (a payment run, a payout batch): each plan they touch is written back
	once, at the end, instead of once per document. The checks inside read the documents
	themselves (`money.line_money`), not the lines' written-back amounts, so they hold meanwhile."""
	if frappe.flags.write_back_later is not None:
		yield
		return
	frappe.flags.write_back_later = set()
	try:
		yield
		plans = frappe.flags.write_back_later
	finally:
		frappe.flags.write_back_later = None
	refresh_plans(plans)


def update_line_payouts(plan_name, exclude_invoice=None):
	money = line_money(plan_name, exclude_invoice=exclude_invoice)
	plan = get_plan(plan_name)
	advances = latest_advance_statuses(plan_name)
	for line in plan.lines:
		values = line_payout_values(line, money[line.name], advances.get(line.name))
		changed = {key: value for key, value in values.items() if line.get(key) != value}
		if changed:
			frappe.db.set_value("Budget Line", line.name, changed, update_modified=False)
			line.update(changed)
	frappe.db.set_value(
		"Budget Plan",
		plan_name,
		{
			"total_invoiced": sum(flt(line.invoiced_amount) for line in plan.lines),
			"total_paid": sum(flt(line.paid_amount) for line in plan.lines),
		},
		update_modified=False,
	)
	frappe.db.sql("update `tabBudget Plan` set money_version = money_version + 1 where name = %s", plan_name)


def line_payout_values(line, used, advance_status=None):
	money = rules.payout.LineMoney(flt(line.amount), **used)
	return {
		"committed_amount": flt(money.committed, 2),
		"invoiced_amount": flt(money.invoiced, 2),
		"paid_amount": flt(money.paid, 2),
		"remaining_amount": flt(money.remaining, 2) if line.approved else 0,
		"payout_status": rules.payout.line_payout_status(
			line.payment_route, bool(line.approved), bool(line.closed), money, advance_status
		),
	}


def latest_advance_statuses(plan_name):
	"""{line: status of its latest advance}."""
	return dict(
		frappe.db.sql(
			"select budget_line, status from `tabBudget Advance` where budget_plan = %s order by creation",
			plan_name,
		)
	)


def refresh_advance(name, exclude_invoice=None):
	advance = frappe.get_doc("Budget Advance", name)
	advance.set_amounts(exclude_invoice=exclude_invoice)
	advance.db_update()
	advance.update_child_table("receipts")
	return advance.budget_plan


def refresh_claim(name):
	claim = frappe.get_doc("Repayment Claim", name)
	claim.set_amounts()
	claim.db_update()
	if claim.budget_advance:
		refresh_advance(claim.budget_advance)
	update_line_payouts(claim.budget_plan)
