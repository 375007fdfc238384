"""Programmes made before payouts existed get the company's payout accounts."""

import frappe

from borgerbudget.setup.site import ensure_payout_accounts


def execute():
	for programme in frappe.get_all("Budget Programme", fields=["name", "company"]):
		ensure_payout_accounts(programme.company)
		doc = frappe.get_doc("Budget Programme", programme.name)
		if not (doc.advance_account and doc.receivable_account):
			doc.set_missing_values()
			doc.save()
