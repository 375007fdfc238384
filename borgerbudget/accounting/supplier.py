"""The `doc_events` of ERPNext's Supplier: the CVR number that e-invoices are matched by."""

import frappe
from frappe import _

from borgerbudget import rules


def validate_supplier(doc, method=None):
	if not doc.get("cvr_number"):
		return
	cvr = rules.reference.normalise_cvr(doc.cvr_number)
	if not cvr:
		frappe.throw(
			_(
				"The CVR number {0} is not valid: it has 8 digits and passes the CVR register's modulus-11 check. Look it up on virk.dk."
			).format(frappe.bold(doc.cvr_number)),
			title=_("Invalid CVR number"),
		)
	doc.cvr_number = cvr
