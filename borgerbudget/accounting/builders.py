"""The ERPNext documents the app makes from budget lines, advances and claims, one builder per
document: each returns an unsaved document for the form, where finance checks it before saving
(`create_purchase_invoice` saves it, for integrations)."""

import frappe
from frappe import _
from frappe.utils import flt, today

from borgerbudget import rules
from borgerbudget.accounting.money import check_declaration, get_plan, line_money, payable_line
from borgerbudget.accounting.parties import ensure_citizen_customer, ensure_citizen_supplier
from borgerbudget.input import amount_argument
from borgerbudget.retry import retrying

# The fields of the accounting dimensions set-up adds (install.create_accounting_dimensions).
DIMENSIONS = ("participant", "budget_programme")


def set_accounting(row, plan, programme, line):
	"""The programme's expense account (the allowance's own for a receipt-free allowance) and cost
	center, and the dimensions, on an invoice item."""
	row.expense_account = (
		programme.allowance_account
		if line.payment_route == rules.plan.ALLOWANCE and programme.allowance_account
		else programme.expense_account
	)
	row.cost_center = programme.cost_center
	row.participant = plan.participant
	row.budget_programme = plan.programme


@frappe.whitelist()
def make_purchase_invoice(budget_plan: str, budget_line: str, amount: float | str | None = None):
	"""An unsaved Purchase Invoice from the line's supplier for what is left of the line,
	completed for the form, where finance checks it before saving."""
	invoice = build_purchase_invoice(budget_plan, budget_line, amount)
	if invoice.supplier:
		invoice.set_missing_values()
	return invoice


@frappe.whitelist(methods=["POST"])
@retrying
def create_purchase_invoice(
	budget_plan: str,
	budget_line: str,
	amount: float | str | None = None,
	bill_no: str | None = None,
	bill_date: str | None = None,
	submit: bool | int | str = False,
):
	"""Register a supplier's invoice for a line in one call (for integrations): saved, and
	submitted if asked. The same limits apply as in the desk; ERPNext completes it on insert."""
	invoice = build_purchase_invoice(budget_plan, budget_line, amount)
	invoice.update({"bill_no": bill_no, "bill_date": bill_date})
	invoice.insert()
	if frappe.utils.sbool(submit):
		invoice.submit()
	return invoice


def build_purchase_invoice(budget_plan, budget_line, amount=None, plan=None):
	"""`plan`: get_plan(budget_plan), when the caller has read it already."""
	frappe.has_permission("Purchase Invoice", "create", throw=True)
	frappe.has_permission("Budget Plan", "read", budget_plan, throw=True)
	amount = amount_argument(amount, "Amount")
	plan = plan or get_plan(budget_plan)
	line = payable_line(plan, budget_line)
	if line.payment_route == rules.plan.REIMBURSEMENT:
		frappe.throw(
			_(
				"Budget line {0} is reimbursed to the citizen against receipts: create an advance instead."
			).format(line.idx)
		)
	programme = frappe.get_cached_doc("Budget Programme", plan.programme)
	supplier = line.supplier
	if line.payment_route == rules.plan.ALLOWANCE:
		# Booked as the citizen's own invoice, due at once: a payout batch pays it to their NemKonto.
		check_declaration(plan.participant)
		supplier = ensure_citizen_supplier(plan.participant, programme)
	invoice = frappe.new_doc("Purchase Invoice")
	invoice.update(
		{
			"company": programme.company,
			"currency": plan.currency,
			"supplier": supplier,
			"posting_date": today(),
			"set_posting_time": 1,
		}
	)
	# What is left of the line, when no amount is asked for (the invoice's validation checks either).
	amount = (
		flt(amount) or rules.payout.LineMoney(flt(line.amount), **line_money(plan.name)[line.name]).remaining
	)
	if amount <= 0:
		frappe.throw(
			_("Budget line {0} ({1}) has nothing left to invoice.").format(
				line.idx, frappe.bold(line.description)
			),
			title=_("Over the approved amount"),
		)
	if line.payment_route == rules.plan.ALLOWANCE:
		# Owed to the citizen until paid, not an advance to settle: the company's payables account.
		invoice.credit_to = frappe.get_cached_value("Company", programme.company, "default_payable_account")
		invoice.due_date = today()
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
	set_accounting(item, plan, programme, line)
	return item


@frappe.whitelist()
@retrying
def make_advance_payment(budget_advance: str):
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


@frappe.whitelist()
@retrying
def make_settlement_invoice(budget_advance: str):
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
def make_repayment_journal_entry(repayment_claim: str):
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
def make_claim_payment(repayment_claim: str):
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
