"""Each company with a programme gets the receipt-free allowance's account (set on a programme
when it allows the allowance)."""

import frappe

from borgerbudget.setup.site import ensure_payout_accounts


def execute():
	for company in set(frappe.get_all("Budget Programme", pluck="company")):
		ensure_payout_accounts(company)
