"""Payouts on ERPNext's own documents (seed 004, "Udbetaling af midler").

Finance works in Purchase Invoice, Payment Entry and Journal Entry; there is no ledger of our own.
This module builds those documents from budget lines (one builder per document type) and, through
`doc_events`, keeps each line's committed / invoiced / paid amounts in step with them.

Every document that spends a plan's money locks the plan's row first and then reads the other
documents with locking reads (which see the latest committed rows), so two requests at the same
moment cannot both spend the same krone.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, flt, fmt_money, getdate, today

from borgerbudget import rules
from borgerbudget.input import amount_argument
from borgerbudget.retry import retrying

DIMENSIONS = ("participant", "budget_programme")


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


def set_accounting(row, plan, programme):
	"""The programme's expense account and cost center, and the dimensions, on an invoice item."""
	row.expense_account = programme.expense_account
	row.cost_center = programme.cost_center
	row.participant = plan.participant
	row.budget_programme = plan.programme


def check_company(doc, programme):
	if doc.company != programme.company:
		frappe.throw(
			_("Programme {0} books in company {1}, not {2}.").format(
				programme.name, programme.company, doc.company
			)
		)


# Purchase Invoice: the supplier's invoice for a line, or the citizen's receipts settling an advance.


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
			set_accounting(item, plan, programme)
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
	if line.payment_route == rules.plan.REIMBURSEMENT:
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


@frappe.whitelist()
def make_purchase_invoice(budget_plan, budget_line, amount=None):
	"""An unsaved Purchase Invoice from the line's supplier for what is left of the line,
	completed for the form, where finance checks it before saving."""
	invoice = build_purchase_invoice(budget_plan, budget_line, amount)
	if invoice.supplier:
		invoice.set_missing_values()
	return invoice


@frappe.whitelist(methods=["POST"])
@retrying
def create_purchase_invoice(
	budget_plan, budget_line, amount=None, bill_no=None, bill_date=None, submit=False
):
	"""Register a supplier's invoice for a line in one call (for integrations): saved, and
	submitted if asked. The same limits apply as in the desk; ERPNext completes it on insert."""
	invoice = build_purchase_invoice(budget_plan, budget_line, amount)
	invoice.update({"bill_no": bill_no, "bill_date": bill_date})
	invoice.insert()
	if frappe.utils.sbool(submit):
		invoice.submit()
	return invoice


def build_purchase_invoice(budget_plan, budget_line, amount=None):
	frappe.has_permission("Purchase Invoice", "create", throw=True)
	frappe.has_permission("Budget Plan", "read", budget_plan, throw=True)
	amount = amount_argument(amount, "Amount")
	plan = get_plan(budget_plan)
	line = payable_line(plan, budget_line)
	if line.payment_route == rules.plan.REIMBURSEMENT:
		frappe.throw(
			_(
				"Budget line {0} is reimbursed to the citizen against receipts: create an advance instead."
			).format(line.idx)
		)
	programme = frappe.get_cached_doc("Budget Programme", plan.programme)
	remaining = rules.payout.LineMoney(flt(line.amount), **line_money(plan.name)[line.name]).remaining
	invoice = frappe.new_doc("Purchase Invoice")
	invoice.update(
		{
			"company": programme.company,
			"currency": plan.currency,
			"supplier": line.supplier,
			"posting_date": today(),
			"set_posting_time": 1,
		}
	)
	amount = flt(amount) or remaining
	if amount <= 0:
		frappe.throw(
			_("Budget line {0} ({1}) has nothing left to invoice.").format(
				line.idx, frappe.bold(line.description)
			),
			title=_("Over the approved amount"),
		)
	invoice.append("items", invoice_item(plan, programme, line, amount, line.description))
	return invoice


def invoice_item(plan, programme, line, amount, description):
	item = frappe._dict(
		item_name=(line.description or "")[:140],
		description=description,
		qty=1,
		rate=amount,
		amount=amount,
		uom=frappe.db.get_single_value("Stock Settings", "stock_uom") or "Nos",
		budget_plan=plan.name,
		budget_line=line.name,
	)
	set_accounting(item, plan, programme)
	return item


# Payment Entry: paying invoices (one at a time or as a run) and advancing money to the citizen.


def validate_payment_entry(doc, method=None):
	invoices = [
		ref.reference_name
		for ref in doc.references
		if ref.reference_doctype == "Purchase Invoice" and ref.reference_name
	]
	plans = (
		set(frappe.get_all("Purchase Invoice", filters={"name": ("in", invoices)}, pluck="budget_plan"))
		if invoices
		else set()
	)
	if doc.get("budget_advance"):
		plans.add(frappe.db.get_value("Budget Advance", doc.budget_advance, "budget_plan"))
	plans.discard(None)
	if not plans:
		return
	lock_plans(plans)
	if doc.get("budget_advance"):
		validate_advance_payment(doc)
	check_not_paid_twice(doc, invoices)
	doc.budget_plan = next(iter(plans)) if len(plans) == 1 else None


def check_not_paid_twice(doc, invoices):
	# ERPNext compares with the outstanding amount it read earlier in the request; read it again
	# under the plan's lock, so a second payment of the same invoice is refused.
	for ref in doc.references:
		if ref.reference_doctype != "Purchase Invoice" or ref.reference_name not in invoices:
			continue
		outstanding = frappe.db.sql(
			"select outstanding_amount from `tabPurchase Invoice` where name = %s for update",
			ref.reference_name,
		)[0][0]
		if flt(ref.allocated_amount) > flt(outstanding) + rules.payout.CENT:
			frappe.throw(
				_("Purchase Invoice {0} has only {1} left to pay; it may just have been paid.").format(
					ref.reference_name, fmt_money(outstanding, currency=doc.paid_to_account_currency)
				),
				title=_("Already paid"),
			)


def validate_advance_payment(doc):
	advance = frappe.get_doc("Budget Advance", doc.budget_advance)
	other = frappe.db.sql(
		"""select name from `tabPayment Entry`
		where budget_advance = %s and docstatus < 2 and name != %s for update""",
		(advance.name, doc.name or ""),
	)
	if other:
		frappe.throw(
			_("Advance {0} already has Payment Entry {1}.").format(advance.name, other[0][0]),
			title=_("Already paid"),
		)
	plan = get_plan(advance.budget_plan)
	programme = frappe.get_cached_doc("Budget Programme", plan.programme)
	payable_line(plan, advance.budget_line)
	check_declaration(plan.participant)
	supplier = citizen_supplier(plan.participant)
	if doc.payment_type != "Pay" or doc.party_type != "Supplier" or doc.party != supplier:
		frappe.throw(
			_("An advance is paid to the citizen's supplier record {0}.").format(frappe.bold(supplier))
		)
	if doc.paid_to != programme.advance_account:
		frappe.throw(
			_("An advance is booked to the programme's advance account {0}.").format(
				programme.advance_account
			)
		)
	if abs(flt(doc.paid_amount) - flt(advance.amount)) > rules.payout.CENT:
		frappe.throw(
			_("Advance {0} is for {1}, not {2}.").format(
				advance.name,
				fmt_money(advance.amount, currency=advance.currency),
				fmt_money(doc.paid_amount, currency=advance.currency),
			)
		)
	for fieldname in DIMENSIONS:
		doc.set(fieldname, plan.get(fieldname) if fieldname == "participant" else plan.programme)
	doc.cost_center = programme.cost_center


def on_payment_entry_change(doc, method=None):
	"""on_submit, on_cancel: paid amounts follow the payment."""
	plans = [refresh_advance(doc.budget_advance)] if doc.get("budget_advance") else []
	invoices = [ref.reference_name for ref in doc.references if ref.reference_doctype == "Purchase Invoice"]
	if invoices:
		plans += frappe.get_all("Purchase Invoice", filters={"name": ("in", invoices)}, pluck="budget_plan")
	refresh_plans(plans)
	journals = [ref.reference_name for ref in doc.references if ref.reference_doctype == "Journal Entry"]
	for claim in frappe.get_all(
		"Journal Entry",
		filters={"name": ("in", journals or [""]), "repayment_claim": ("is", "set")},
		pluck="repayment_claim",
	):
		refresh_claim(claim)


@frappe.whitelist()
@retrying
def make_advance_payment(budget_advance):
	"""An unsaved Payment Entry paying the advance to the citizen's NemKonto."""
	frappe.has_permission("Payment Entry", "create", throw=True)
	advance = frappe.get_doc("Budget Advance", budget_advance)
	advance.check_permission("read")
	plan = get_plan(advance.budget_plan)
	programme = frappe.get_cached_doc("Budget Programme", plan.programme)
	payable_line(plan, advance.budget_line)
	check_declaration(plan.participant)
	if not programme.advance_account:
		frappe.throw(_("Set the advance account on programme {0} first.").format(programme.name))
	supplier = advance.supplier or ensure_citizen_supplier(plan.participant, programme)
	company = frappe.get_cached_doc("Company", programme.company)
	bank = company.default_bank_account or company.default_cash_account
	payment = frappe.new_doc("Payment Entry")
	payment.update(
		{
			"payment_type": "Pay",
			"company": programme.company,
			"posting_date": today(),
			"party_type": "Supplier",
			"party": supplier,
			"paid_from": bank,
			"paid_to": programme.advance_account,
			"paid_amount": advance.amount,
			"received_amount": advance.amount,
			"source_exchange_rate": 1,
			"target_exchange_rate": 1,
			"reference_no": advance.name,
			"reference_date": today(),
			"budget_advance": advance.name,
			"budget_plan": plan.name,
			"cost_center": programme.cost_center,
			"participant": plan.participant,
			"budget_programme": plan.programme,
			"remarks": _("Advance {0}: {1}").format(advance.name, advance.line_description),
		}
	)
	payment.setup_party_account_field()
	payment.set_missing_values()
	return payment


def due_invoices(programme, due_date=None):
	return frappe.db.sql_list(
		"""select inv.name from `tabPurchase Invoice` inv
		join `tabBudget Plan` plan on plan.name = inv.budget_plan
		where plan.programme = %s and inv.docstatus = 1 and inv.is_return = 0 and inv.on_hold = 0
			and inv.outstanding_amount > 0 and inv.due_date <= %s
		order by inv.due_date, inv.name""",
		(programme, due_date or today()),
	)


def pay_due_invoices(programme, due_date=None, commit=False):
	"""Pay every due invoice of the programme, one Payment Entry each.

	Each payment stands alone: a failure rolls back that payment only. With `commit` (the
	background job) each one is committed as it is made, so a run that stops halfway can be
	run again and pays only what is still unpaid."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	paid, failed = [], []
	reference = _("Payment run {0}").format(today())
	for invoice in due_invoices(programme, due_date):
		frappe.db.savepoint("payment_run")
		try:
			payment = get_payment_entry("Purchase Invoice", invoice)
			payment.reference_no = reference
			payment.reference_date = today()
			payment.insert()
			payment.submit()
		except Exception as error:
			frappe.db.rollback(save_point="payment_run")
			frappe.local.message_log = []
			failed.append({"invoice": invoice, "error": frappe.utils.strip_html(str(error))})
			continue
		if commit:
			frappe.db.commit()
		paid.append({"invoice": invoice, "payment_entry": payment.name})
	return {"paid": paid, "failed": failed}


@frappe.whitelist()
def start_payment_run(programme, due_date=None):
	"""Pay the programme's due invoices in the background, as the user who asked."""
	frappe.has_permission("Payment Entry", "create", throw=True)
	frappe.get_doc("Budget Programme", programme).check_permission("read")
	count = len(due_invoices(programme, due_date))
	if not count:
		frappe.throw(
			_("Programme {0} has no unpaid invoices due by {1}.").format(programme, due_date or today())
		)
	frappe.enqueue(
		run_payment_job,
		queue="long",
		timeout=3600,
		programme=programme,
		due_date=due_date,
		enqueue_after_commit=True,
	)
	return count


def run_payment_job(programme, due_date=None):
	result = pay_due_invoices(programme, due_date, commit=True)
	lines = [
		_("Payment run: {0} invoices paid, {1} failed.").format(len(result["paid"]), len(result["failed"]))
	]
	lines += [f"{row['invoice']}: {row['error']}" for row in result["failed"]]
	frappe.get_doc("Budget Programme", programme).add_comment(
		"Info", "<br>".join(frappe.utils.escape_html(line) for line in lines)
	)
	frappe.db.commit()
	frappe.publish_realtime("borgerbudget_payment_run", result, user=frappe.session.user)
	return result


# Settling an advance against the citizen's receipts, and claiming back what is not documented.


@frappe.whitelist()
@retrying
def make_settlement_invoice(budget_advance):
	"""An unsaved Purchase Invoice from the citizen for the unsettled receipts, with the advance
	allocated to it: the expense is booked and the advance cleared in one document."""
	frappe.has_permission("Purchase Invoice", "create", throw=True)
	advance = frappe.get_doc("Budget Advance", budget_advance)
	advance.check_permission("read")
	receipts = [row for row in advance.receipts if not row.purchase_invoice]
	if not advance.payment_entry or not receipts:
		frappe.throw(_("Advance {0} has no paid amount with unsettled receipts.").format(advance.name))
	plan = get_plan(advance.budget_plan)
	programme = frappe.get_cached_doc("Budget Programme", plan.programme)
	line = payable_line(plan, advance.budget_line)
	invoice = frappe.new_doc("Purchase Invoice")
	invoice.update(
		{
			"company": programme.company,
			"currency": plan.currency,
			"supplier": advance.supplier,
			"credit_to": programme.advance_account,
			"bill_no": advance.name,
			"budget_advance": advance.name,
			"posting_date": today(),
			"set_posting_time": 1,
		}
	)
	for receipt in receipts:
		item = invoice_item(plan, programme, line, flt(receipt.amount), receipt.description)
		item.update(item_name=(receipt.description or "")[:140], budget_advance_receipt=receipt.name)
		invoice.append("items", item)
	invoice.set_missing_values()
	invoice.credit_to = programme.advance_account
	total = sum(flt(receipt.amount) for receipt in receipts)
	invoice.append(
		"advances",
		{
			"reference_type": "Payment Entry",
			"reference_name": advance.payment_entry,
			"advance_amount": flt(advance.outstanding_amount),
			"allocated_amount": min(total, flt(advance.outstanding_amount)),
			"remarks": _("Advance {0}").format(advance.name),
		},
	)
	return invoice


@frappe.whitelist()
@retrying
def make_repayment_journal_entry(repayment_claim):
	"""An unsaved Journal Entry booking the claim on the citizen as a customer: against the
	advance it claims back, or against the line's expense."""
	frappe.has_permission("Journal Entry", "create", throw=True)
	claim = frappe.get_doc("Repayment Claim", repayment_claim)
	claim.check_permission("read")
	if claim.journal_entry:
		frappe.throw(
			_("Repayment claim {0} is already booked in {1}.").format(claim.name, claim.journal_entry)
		)
	plan = get_plan(claim.budget_plan)
	programme = frappe.get_cached_doc("Budget Programme", plan.programme)
	if not programme.receivable_account:
		frappe.throw(_("Set the receivable account on programme {0} first.").format(programme.name))
	customer = claim.customer or ensure_citizen_customer(plan.participant, programme)
	debit = {
		"account": programme.receivable_account,
		"party_type": "Customer",
		"party": customer,
		"debit_in_account_currency": claim.amount,
	}
	if claim.budget_advance:
		advance = frappe.get_doc("Budget Advance", claim.budget_advance)
		credit = {
			"account": programme.advance_account,
			"party_type": "Supplier",
			"party": advance.supplier,
			"reference_type": "Payment Entry",
			"reference_name": advance.payment_entry,
		}
	else:
		credit = {"account": programme.expense_account}
	credit["credit_in_account_currency"] = claim.amount
	journal = frappe.new_doc("Journal Entry")
	journal.update(
		{
			"voucher_type": "Journal Entry",
			"company": programme.company,
			"posting_date": today(),
			"repayment_claim": claim.name,
			"user_remark": _("Repayment claim {0}: {1}").format(claim.name, _(claim.reason)),
		}
	)
	for row in (debit, credit):
		row.update(
			cost_center=programme.cost_center, participant=plan.participant, budget_programme=plan.programme
		)
		journal.append("accounts", row)
	return journal


@frappe.whitelist()
@retrying
def make_claim_payment(repayment_claim):
	"""An unsaved Payment Entry receiving the citizen's repayment of a booked claim."""
	frappe.has_permission("Payment Entry", "create", throw=True)
	claim = frappe.get_doc("Repayment Claim", repayment_claim)
	claim.check_permission("read")
	if not claim.journal_entry or flt(claim.outstanding_amount) <= 0:
		frappe.throw(_("Repayment claim {0} has nothing outstanding.").format(claim.name))
	programme = frappe.get_cached_doc("Budget Programme", claim.programme)
	company = frappe.get_cached_doc("Company", programme.company)
	payment = frappe.new_doc("Payment Entry")
	payment.update(
		{
			"payment_type": "Receive",
			"company": programme.company,
			"posting_date": today(),
			"party_type": "Customer",
			"party": claim.customer,
			"paid_from": programme.receivable_account,
			"paid_to": company.default_bank_account or company.default_cash_account,
			"paid_amount": claim.outstanding_amount,
			"received_amount": claim.outstanding_amount,
			"source_exchange_rate": 1,
			"target_exchange_rate": 1,
			"reference_no": claim.name,
			"reference_date": today(),
			"budget_plan": claim.budget_plan,
			"cost_center": programme.cost_center,
			"participant": claim.participant,
			"budget_programme": claim.programme,
		}
	)
	payment.append(
		"references",
		{
			"reference_doctype": "Journal Entry",
			"reference_name": claim.journal_entry,
			"total_amount": claim.amount,
			"outstanding_amount": claim.outstanding_amount,
			"allocated_amount": claim.outstanding_amount,
		},
	)
	payment.setup_party_account_field()
	payment.set_missing_values()
	return payment


def validate_journal_entry(doc, method=None):
	if not doc.get("repayment_claim"):
		return
	claim = frappe.get_doc("Repayment Claim", doc.repayment_claim)
	lock_plans([claim.budget_plan])
	other = frappe.db.sql(
		"select name from `tabJournal Entry` where repayment_claim = %s and docstatus < 2 and name != %s for update",
		(claim.name, doc.name or ""),
	)
	if other:
		frappe.throw(
			_("Repayment claim {0} is already booked in {1}.").format(claim.name, other[0][0]),
			title=_("Already booked"),
		)
	if abs(flt(doc.total_debit) - flt(claim.amount)) > rules.payout.CENT:
		frappe.throw(
			_("Repayment claim {0} is for {1}.").format(
				claim.name, fmt_money(claim.amount, currency=claim.currency)
			)
		)


def on_journal_entry_change(doc, method=None):
	if doc.get("repayment_claim"):
		refresh_claim(doc.repayment_claim)
	invoices = [row.reference_name for row in doc.accounts if row.reference_type == "Purchase Invoice"]
	if invoices:
		refresh_plans(
			frappe.get_all("Purchase Invoice", filters={"name": ("in", invoices)}, pluck="budget_plan")
		)


# Write-back: the plan's lines, the advances and the claims follow the documents.


def refresh_plans(names, exclude_invoice=None):
	for name in sorted(set(filter(None, names))):
		update_line_payouts(name, exclude_invoice)


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


# The citizen in ERPNext: a supplier for payouts, a customer for repayment claims.


def citizen_supplier(participant):
	return frappe.db.get_value("Supplier", {"participant": participant}, "name")


def ensure_citizen_supplier(participant, programme):
	"""The citizen as a supplier; no bank details, since payouts go to the citizen's NemKonto."""
	return ensure_citizen_party("Supplier", participant, programme.company, programme.advance_account)


def ensure_citizen_customer(participant, programme):
	"""The citizen as a customer, for repayment claims."""
	return ensure_citizen_party("Customer", participant, programme.company, programme.receivable_account)


def ensure_citizen_party(doctype, participant, company, account):
	existing = frappe.db.get_value(doctype, {"participant": participant}, "name")
	if existing:
		return existing
	prefix = doctype.lower()
	party = frappe.get_doc(
		{
			"doctype": doctype,
			f"{prefix}_name": citizen_party_name(participant),
			f"{prefix}_group": CITIZEN_GROUP,
			f"{prefix}_type": "Individual",
			"participant": participant,
			"accounts": [{"company": company, "account": account}],
		}
	)
	return party.insert().name


def citizen_party_name(participant):
	# The participant's id keeps two citizens with the same name apart.
	return "{} ({})".format(frappe.db.get_value("Participant", participant, "full_name"), participant)


CITIZEN_GROUP = "Borgerbudget Citizens"

# Created per company by setup.site.ensure_payout_accounts; the programme's defaults.
# The advance account is a Payable-type asset: the citizen is its party, as a supplier.
PAYOUT_ACCOUNTS = {
	"Expense": "Borgerbudgetter",
	"Payable": "Forskud til borgere",
	"Receivable": "Tilbagebetalingskrav fra borgere",
}


def default_payout_account(company, kind):
	return frappe.db.get_value(
		"Account", {"company": company, "account_name": PAYOUT_ACCOUNTS[kind], "is_group": 0}
	)


def receipt_due_date(paid_on, programme):
	return add_days(
		getdate(paid_on),
		frappe.get_cached_value("Budget Programme", programme, "receipt_deadline_days") or 14,
	)


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
