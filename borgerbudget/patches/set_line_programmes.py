"""Budget lines made before lines carried their plan's programme get it."""

import frappe


def execute():
	# Only the new field, in one statement: a plan's save would recompute its money.
	frappe.db.sql(
		"""update `tabBudget Line` bl join `tabBudget Plan` bp on bp.name = bl.parent
		set bl.programme = bp.programme
		where bl.parenttype = 'Budget Plan' and not (bl.programme <=> bp.programme)"""
	)
