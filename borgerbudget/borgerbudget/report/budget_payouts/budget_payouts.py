"""Per plan: what was approved, committed, invoiced and paid, and what finance must follow up.
The amounts are those written back from ERPNext's documents onto the budget lines."""

import frappe
from frappe import _
from frappe.utils import flt

from borgerbudget import access_log, rules
from borgerbudget.accounting.payment_run import due_invoices


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = data(filters)
	# A row names the citizen: each one shown is recorded as seen (or exported) by the user.
	access_log.record_report("Budget Payouts", filters, [row.participant for row in rows])
	return columns(), rows, None, None, summary(filters)


def columns():
	money = {"fieldtype": "Currency", "options": "currency", "width": 120}
	return [
		{
			"fieldname": "budget_plan",
			"label": _("Budget Plan"),
			"fieldtype": "Link",
			"options": "Budget Plan",
			"width": 170,
		},
		{
			"fieldname": "participant",
			"label": _("Participant"),
			"fieldtype": "Link",
			"options": "Participant",
			"width": 130,
		},
		{"fieldname": "participant_name", "label": _("Citizen"), "fieldtype": "Data", "width": 160},
		{"fieldname": "approved", "label": _("Approved"), **money},
		{"fieldname": "committed", "label": _("Committed"), **money},
		{"fieldname": "invoiced", "label": _("Invoiced"), **money},
		{"fieldname": "paid", "label": _("Paid"), **money},
		{"fieldname": "remaining", "label": _("Remaining"), **money},
		{"fieldname": "advances_outstanding", "label": _("Outstanding Advances"), **money},
		{"fieldname": "overdue_receipts", "label": _("Overdue Receipts"), "fieldtype": "Int", "width": 100},
		{"fieldname": "claims_outstanding", "label": _("Open Claims"), **money},
		# Data, not a Link: frappe would ask every reader for read permission on Currency.
		{"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "hidden": 1},
	]


def data(filters):
	# frappe.get_list applies the user's permissions: caseworkers see their own and their team's plans.
	plans = frappe.get_list(
		"Budget Plan",
		filters={
			"status": rules.plan.APPROVED,
			**({"programme": filters.programme} if filters.programme else {}),
		},
		fields=["name", "participant", "participant_name", "currency"],
		order_by="participant_name",
	)
	if not plans:
		return []
	names = [plan.name for plan in plans]
	lines = by_plan(
		"""select parent, sum(if(approved, amount, 0)) approved, sum(committed_amount) committed,
			sum(invoiced_amount) invoiced, sum(paid_amount) paid, sum(if(approved, remaining_amount, 0)) remaining
		from `tabBudget Line` where parenttype = 'Budget Plan' and parent in %(plans)s group by parent""",
		names,
	)
	advances = by_plan(
		"""select budget_plan parent, sum(outstanding_amount) advances_outstanding,
			sum(status = %(overdue)s) overdue_receipts
		from `tabBudget Advance` where budget_plan in %(plans)s group by budget_plan""",
		names,
	)
	claims = by_plan(
		"""select budget_plan parent, sum(if(ifnull(journal_entry, '') = '', amount, outstanding_amount)) claims_outstanding
		from `tabRepayment Claim` where budget_plan in %(plans)s and status in %(open)s group by budget_plan""",
		names,
	)
	rows = []
	for plan in plans:
		row = frappe._dict(
			budget_plan=plan.name,
			participant=plan.participant,
			participant_name=plan.participant_name,
			currency=plan.currency,
		)
		for source in (lines, advances, claims):
			row.update(source.get(plan.name, {}))
		rows.append(row)
	return rows


def by_plan(query, plans):
	values = {
		"plans": plans,
		"overdue": rules.payout.RECEIPTS_OVERDUE,
		"open": (rules.payout.AWAITING_BOOKING, rules.payout.CLAIM_OPEN, rules.payout.DEFERRED),
	}
	return {row.pop("parent"): row for row in frappe.db.sql(query, values, as_dict=True)}


def summary(filters):
	if not filters.programme:
		return None
	figures = programme_summary(frappe.get_doc("Budget Programme", filters.programme))
	currency = frappe.db.get_value("Budget Programme", filters.programme, "currency")
	return [
		{
			"label": _("Programme Budget"),
			"value": figures["budget"],
			"datatype": "Currency",
			"currency": currency,
		},
		{
			"label": _("Spent so far"),
			"value": figures["spent"],
			"datatype": "Currency",
			"currency": currency,
			"indicator": "Red" if figures["spent"] > figures["budget"] else "Blue",
		},
		{"label": _("Paid"), "value": figures["paid"], "datatype": "Currency", "currency": currency},
		{
			"label": _("Outstanding Advances"),
			"value": figures["advances_outstanding"],
			"datatype": "Currency",
			"currency": currency,
		},
		{
			"label": _("Overdue Receipts"),
			"value": figures["overdue_receipts"],
			"datatype": "Int",
			"indicator": "Red" if figures["overdue_receipts"] else "Green",
		},
		{
			"label": _("Open Claims"),
			"value": figures["claims_outstanding"],
			"datatype": "Currency",
			"currency": currency,
		},
	]


def programme_summary(programme):
	"""Spend so far against the programme's budget, and what finance still has to follow up."""
	budget = flt(programme.programme_budget) or flt(programme.yearly_capacity) * flt(
		programme.maximum_per_participant
	)
	lines = frappe.db.sql(
		"""select sum(if(line.approved, line.amount, 0)) approved, sum(line.invoiced_amount) invoiced,
			sum(line.paid_amount) paid, sum(line.committed_amount) committed
		from `tabBudget Line` line join `tabBudget Plan` plan on plan.name = line.parent
		where plan.programme = %s and line.parenttype = 'Budget Plan'""",
		programme.name,
		as_dict=True,
	)[0]
	advances = frappe.db.sql(
		"""select count(*) open_advances, sum(outstanding_amount) advances_outstanding,
			sum(status = %s) overdue_receipts
		from `tabBudget Advance` where programme = %s and outstanding_amount > 0""",
		(rules.payout.RECEIPTS_OVERDUE, programme.name),
		as_dict=True,
	)[0]
	claims = frappe.db.sql(
		"""select count(*) open_claims, sum(if(journal_entry is null or journal_entry = '', amount, outstanding_amount)) claims_outstanding
		from `tabRepayment Claim` where programme = %s and status in %s""",
		(programme.name, (rules.payout.AWAITING_BOOKING, rules.payout.CLAIM_OPEN, rules.payout.DEFERRED)),
		as_dict=True,
	)[0]
	return {
		"budget": budget,
		"approved": flt(lines.approved),
		"spent": flt(lines.invoiced) + flt(lines.committed),
		"invoiced": flt(lines.invoiced),
		"paid": flt(lines.paid),
		"open_advances": advances.open_advances or 0,
		"advances_outstanding": flt(advances.advances_outstanding),
		"overdue_receipts": int(advances.overdue_receipts or 0),
		"open_claims": claims.open_claims or 0,
		"claims_outstanding": flt(claims.claims_outstanding),
		"due_invoices": len(due_invoices(programme.name)),
	}
