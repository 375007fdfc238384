"""Taking back a payment the bank refused.

A Payment Entry that pays only what was refused is cancelled, when its period is still open. When
the period is closed, or the entry also paid other invoices the bank did pay, the refused amount is
booked back instead: a Journal Entry dated today, bank debited, the supplier's (or the citizen's
advance) account credited against the invoice, so the invoice is due again. Its `reverses_payment`
names the entry it undoes; a Budget Advance counts an entry so reversed as unpaid."""

import frappe
from frappe import _
from frappe.utils import flt, formatdate, getdate, today


def closed_because(company, posting_date, doctype="Payment Entry"):
	"""Why ERPNext would refuse to cancel an entry of that date now, or None. The same three rules
	ERPNext applies when it reverses the ledger (general_ledger.make_reverse_gl_entries): a closed
	Accounting Period, the accounts frozen up to a date, a Period Closing Voucher."""
	posting_date = getdate(posting_date)
	period = frappe.db.sql(
		"""select ap.name from `tabAccounting Period` ap join `tabClosed Document` cd on cd.parent = ap.name
		where ap.company = %s and cd.closed = 1 and cd.document_type = %s
			and %s between ap.start_date and ap.end_date limit 1""",
		(company, doctype, posting_date),
	)
	if period:
		return _("the accounting period {0} is closed").format(period[0][0])
	frozen = frappe.db.get_single_value("Accounts Settings", "acc_frozen_upto")
	if frozen and posting_date <= getdate(frozen):
		modifier = frappe.db.get_single_value("Accounts Settings", "frozen_accounts_modifier")
		if frappe.session.user == "Administrator" or modifier not in frappe.get_roles():
			return _("the accounts are frozen up to {0}").format(formatdate(frozen))
	closed_to = frappe.db.get_value(
		"Period Closing Voucher", {"docstatus": 1, "company": company}, "max(period_end_date)"
	)
	if closed_to and posting_date <= getdate(closed_to):
		return _("the books are closed up to {0}").format(formatdate(closed_to))
	return None


def take_back(payment_entry, refused, everything):
	"""Undo `refused` ([(reference doctype, name, amount, end-to-end id)]) of `payment_entry`;
	`everything` says they are all the entry paid. Returns, for each, the Journal Entry that booked
	it back, or None when the entry was cancelled."""
	payment = frappe.get_doc("Payment Entry", payment_entry)
	if payment.docstatus != 1:
		return [None] * len(refused)
	closed = closed_because(payment.company, payment.posting_date)
	if everything and not closed:
		payment.flags.ignore_links = True  # the batch keeps naming it, as the record of what was sent
		payment.cancel()
		return [None] * len(refused)
	why = closed or _("the Payment Entry also paid what the bank did not refuse")
	return [reverse(payment, *row, why=why).name for row in refused]


def reverse(payment, reference_doctype, reference_name, amount, end_to_end_id, why):
	"""A Journal Entry dated today taking `amount` of `payment` back into the bank account."""
	party = {"party_type": payment.party_type, "party": payment.party}
	against = (
		{"reference_type": reference_doctype, "reference_name": reference_name}
		if reference_doctype == "Purchase Invoice"
		else {}
	)
	dimensions = {field: payment.get(field) for field in ("participant", "budget_programme", "cost_center")}
	if reference_doctype == "Purchase Invoice":
		dimensions.update(
			frappe.db.get_value(
				"Purchase Invoice", reference_name, ["participant", "budget_programme"], as_dict=True
			)
			or {}
		)
	entry = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": "Bank Entry",
			"company": payment.company,
			"posting_date": today(),
			"cheque_no": end_to_end_id or payment.reference_no,
			"cheque_date": today(),
			"reverses_payment": payment.name,
			"user_remark": _("The bank refused {0} of {1} ({2}); booked back, as {3}.").format(
				reference_name, payment.name, end_to_end_id, why
			),
			"accounts": [
				{
					"account": payment.paid_from,
					"debit_in_account_currency": flt(amount, 2),
					**dimensions,
				},
				{
					"account": payment.paid_to,
					"credit_in_account_currency": flt(amount, 2),
					**party,
					**against,
					**dimensions,
				},
			],
		}
	)
	entry.flags.booked_back_by_app = True
	entry.insert(ignore_permissions=True)
	entry.submit()
	return entry
