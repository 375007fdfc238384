"""Supplier lines approved before lines had payment references get one."""

import frappe

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.budget_plan.budget_plan import new_payment_reference


def execute():
	lines = frappe.get_all(
		"Budget Line",
		filters={
			"parenttype": "Budget Plan",
			"approved": 1,
			"payment_route": rules.plan.SUPPLIER_INVOICE,
			"payment_reference": ("is", "not set"),
		},
		pluck="name",
	)
	for line in lines:
		# Only the new field: a plan's save would recompute its money, which this does not change.
		frappe.db.set_value(
			"Budget Line", line, "payment_reference", new_payment_reference(), update_modified=False
		)
