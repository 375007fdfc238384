"""ERPNext's Bank Account of a supplier: checked when saved, as a payout batch's file will need it."""

import frappe
from frappe import _

from borgerbudget.bank import pain001
from borgerbudget.bank.errors import MESSAGES, BankError


def validate_bank_account(doc, method=None):
	"""doc_event validate: a supplier's IBAN must validate, and a Danish account be a 4-digit
	registration number and an account number of at most 10 digits."""
	if doc.party_type != "Supplier" or doc.is_company_account:
		return
	try:
		pain001.check_account(
			doc.party or doc.account_name, iban=doc.iban, reg_no=doc.branch_code, account=doc.bank_account_no
		)
	except BankError as error:
		frappe.throw(_(MESSAGES[error.code]).format(**error.params), title=_("Bank details"))
