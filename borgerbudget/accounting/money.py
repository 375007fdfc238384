"""The locked entry point to a plan's money: what payouts read of a plan, the plan's lock, each
line's committed / invoiced / paid amounts (`line_money`), and the checks every payout passes
(limits, approval, the citizen's declaration).

Every document that spends a plan's money locks the plan's row first and then reads the other
documents with locking reads (which see the latest committed rows), so two requests at the same
moment cannot both spend the same krone.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from borgerbudget import rules

LINE_FIELDS = (
	"name",
	"idx",
	"description",
	"amount",
	"payment_route",
	"supplier",
	"supplier_text",
	"approved",
	"closed",
	"committed_amount",
	"invoiced_amount",
	"paid_amount",
	"remaining_amount",
	"payout_status",
)


def get_plan(name):
	"""What payouts need of a plan: its header and its lines, without loading the whole document."""
	plan = frappe.db.get_value(
		"Budget Plan",
		name,
		["name", "status", "participant", "participant_name", "programme", "currency", "caseworker"],
		as_dict=True,
	)
	if not plan:
		frappe.throw(_("Budget Plan {0} does not exist.").format(name), frappe.DoesNotExistError)
	# Plain SQL: these reads run several times in every payout, and frappe.get_all costs more.
	plan.lines = frappe.db.sql(
		f"""select {", ".join(f"`{field}`" for field in LINE_FIELDS)} from `tabBudget Line`
		where parent = %s and parenttype = 'Budget Plan' and parentfield = 'lines' order by idx""",
		name,
		as_dict=True,
	)
	return plan


def lock_plans(names):
	# Sorted, so two documents touching the same plans lock them in the same order.
	for name in sorted(set(filter(None, names))):
		frappe.db.sql("select name from `tabBudget Plan` where name = %s for update", name)


def line_money(plan_name, exclude_invoice=None, exclude_advance=None):
	"""{line: committed / invoiced / paid} from the plan's invoices and advances.

	It takes the plan's lock first: the locking reads then see every committed document, and
	no other transaction can add one until this one ends. They read through the plan's index
	only, when they lock: on a small table MariaDB would rather scan it, share-locking every row
	and the end of the table."""
	lock_plans([plan_name])
	# Every change to the plan's money bumps money_version under this lock (update_line_payouts).
	# When this transaction's snapshot already holds the current version, it holds every document
	# of the plan, and plain reads suffice; only otherwise (another payout on this plan committed
	# since the snapshot began) do the reads lock, index ranges and their gaps included: shared gap
	# locks are what two payouts on neighbouring plans deadlocked on when every read locked.
	current = frappe.db.sql(
		"select money_version from `tabBudget Plan` where name = %s for update", plan_name
	)
	seen = frappe.db.sql("select money_version from `tabBudget Plan` where name = %s", plan_name)
	lock = "" if current == seen else "lock in share mode"
	money = defaultdict(lambda: {"committed": 0.0, "invoiced": 0.0, "paid": 0.0})
	for row in frappe.db.sql(
		"""select item.budget_line, item.amount, inv.docstatus, inv.is_return,
			inv.grand_total, inv.outstanding_amount, inv.total_advance
		from `tabPurchase Invoice Item` item force index (budget_plan_index)
		join `tabPurchase Invoice` inv on inv.name = item.parent
		where item.budget_plan = %s and inv.docstatus < 2 and inv.name != %s
		"""
		+ lock,
		(plan_name, exclude_invoice or ""),
		as_dict=True,
	):
		line = money[row.budget_line]
		if not row.docstatus:
			# Receipts settling an advance are already reserved by the advance.
			line["committed"] += flt(row.amount) * new_money_share(row)
			continue
		line["invoiced"] += flt(row.amount)
		if not row.is_return and row.grand_total:
			line["paid"] += flt(row.amount) * (1 - flt(row.outstanding_amount) / flt(row.grand_total))
	for row in frappe.db.sql(
		"""select budget_line, amount, paid_amount, settled_amount, claimed_amount
		from `tabBudget Advance` force index (budget_plan_budget_line_index) where budget_plan = %s and name != %s
		"""
		+ lock,
		(plan_name, exclude_advance or ""),
		as_dict=True,
	):
		line = money[row.budget_line]
		# Money advanced is reserved until receipts settle it (then it is invoiced) or it is claimed back.
		line["committed"] += max(flt(row.amount) - flt(row.settled_amount) - flt(row.claimed_amount), 0)
		line["paid"] += max(flt(row.paid_amount) - flt(row.settled_amount) - flt(row.claimed_amount), 0)
	return money


def check_within_limits(plan, requested, exclude_invoice=None, exclude_advance=None, tolerance=0.0):
	"""Refuse `requested` ({line name: amount}) when it takes a line past its approved amount
	plus `tolerance`, or the plan past the programme's maximum."""
	programme = frappe.get_cached_doc("Budget Programme", plan.programme)
	money = line_money(plan.name, exclude_invoice, exclude_advance)
	lines = {row.name: row for row in plan.lines}
	for name, amount in requested.items():
		line, used = lines[name], money[name]
		excess = rules.payout.overrun(
			flt(line.amount) + tolerance, used["committed"] + used["invoiced"], amount
		)
		if excess:
			frappe.throw(
				_("Budget line {0} ({1}) has {2} left of its approved {3}; {4} is {5} too much.").format(
					line.idx,
					frappe.bold(line.description),
					fmt_money(
						max(flt(line.amount) - used["committed"] - used["invoiced"], 0),
						currency=plan.currency,
					),
					fmt_money(line.amount, currency=plan.currency),
					fmt_money(amount, currency=plan.currency),
					fmt_money(excess, currency=plan.currency),
				),
				title=_("Over the approved amount"),
			)
	plan_used = sum(used["committed"] + used["invoiced"] for used in money.values())
	excess = rules.payout.overrun(flt(programme.maximum_per_participant), plan_used, sum(requested.values()))
	if excess:
		frappe.throw(
			_("This would take plan {0} {1} over the programme's maximum of {2}.").format(
				plan.name,
				fmt_money(excess, currency=plan.currency),
				fmt_money(programme.maximum_per_participant, currency=plan.currency),
			),
			title=_("Over the programme maximum"),
		)


def new_money_share(invoice):
	"""The share of an invoice not covered by advances already paid (all of it for a supplier's invoice)."""
	if not flt(invoice.grand_total):
		return 1.0
	return 1 - min(flt(invoice.total_advance), flt(invoice.grand_total)) / flt(invoice.grand_total)


def payable_line(plan, line_name):
	"""The approved, open budget line `line_name` of `plan`, or a clear refusal."""
	line = next((row for row in plan.lines if row.name == line_name), None)
	if not line:
		frappe.throw(_("Budget plan {0} has no budget line {1}.").format(plan.name, line_name))
	if plan.status != rules.plan.APPROVED or not line.approved:
		frappe.throw(
			_("Budget line {0} ({1}) of plan {2} is not approved for payment.").format(
				line.idx, frappe.bold(line.description), plan.name
			),
			title=_("Not approved"),
		)
	if line.closed:
		frappe.throw(
			_("Budget line {0} ({1}) is closed for payouts.").format(line.idx, frappe.bold(line.description)),
			title=_("Line closed"),
		)
	return line


def check_declaration(participant):
	"""Seed 004: the declaration on honour must be on file before money goes to the citizen."""
	signed_on, declaration = frappe.db.get_value(
		"Participant", participant, ["declaration_signed_on", "declaration_file"]
	)
	if not (signed_on and declaration):
		frappe.throw(
			_(
				"No money can go to the citizen before the signed declaration on honour is on file for {0}."
			).format(participant),
			title=_("Declaration missing"),
		)
