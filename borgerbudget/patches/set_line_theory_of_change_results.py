"""Lines followed up before the verdict was kept on the line get the latest one."""

import frappe

from borgerbudget.borgerbudget.doctype.follow_up.follow_up import update_line_verdicts


def execute():
	lines = frappe.get_all(
		"Follow-up Line Result", filters={"parenttype": "Follow-up"}, pluck="budget_line", distinct=True
	)
	update_line_verdicts(filter(None, lines))
