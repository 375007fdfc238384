"""doc_events on Payment Entry: paying invoices (one at a time or as a run) and advancing money
to the citizen."""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from borgerbudget import rules
from borgerbudget.accounting.builders import DIMENSIONS
from borgerbudget.accounting.money import check_declaration, get_plan, lock_plans, payable_line
from borgerbudget.accounting.parties import citizen_supplier
from borgerbudget.accounting.write_back import refresh_advance, refresh_claim, refresh_plans


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


def advance_payment(advance, exclude=None, drafts=False, lock=False):
	"""The advance's Payment Entry (submitted, or also a draft): one the bank refused and that was
	booked back (accounting/reversal.py) no longer counts."""
	rows = frappe.db.sql(
		f"""select pe.name, pe.paid_amount, pe.posting_date from `tabPayment Entry` pe
		where pe.budget_advance = %s and pe.docstatus {"< 2" if drafts else "= 1"} and pe.name != %s
			and not exists (select 1 from `tabJournal Entry` je
				where je.reverses_payment = pe.name and je.docstatus = 1)
		order by pe.creation desc limit 1 {"for update" if lock else ""}""",
		(advance, exclude or ""),
		as_dict=True,
	)
	return rows[0] if rows else None


def validate_advance_payment(doc):
	advance = frappe.get_doc("Budget Advance", doc.budget_advance)
	other = advance_payment(advance.name, exclude=doc.name, drafts=True, lock=True)
	if other:
		frappe.throw(
			_("Advance {0} already has Payment Entry {1}.").format(advance.name, other.name),
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
