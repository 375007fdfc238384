"""doc_events on Journal Entry: booking a repayment claim on the citizen."""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from borgerbudget import rules
from borgerbudget.accounting.money import lock_plans
from borgerbudget.accounting.write_back import refresh_advance, refresh_claim, refresh_plans


def validate_journal_entry(doc, method=None):
	if doc.get("reverses_payment") and not doc.flags.booked_back_by_app:
		# It makes an advance unpaid again (payment_entry.advance_payment): only the app's own
		# reversal of a refused payment (accounting/reversal.py) may say so.
		frappe.throw(
			_(
				"Only a payment the bank refused is booked back, by the payout batch; leave Reverses Payment empty."
			),
			frappe.PermissionError,
		)
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
	advance = doc.get("reverses_payment") and frappe.db.get_value(
		"Payment Entry", doc.reverses_payment, "budget_advance"
	)
	if advance:
		refresh_plans([refresh_advance(advance)])
	invoices = [row.reference_name for row in doc.accounts if row.reference_type == "Purchase Invoice"]
	if invoices:
		refresh_plans(
			frappe.get_all("Purchase Invoice", filters={"name": ("in", invoices)}, pluck="budget_plan")
		)
