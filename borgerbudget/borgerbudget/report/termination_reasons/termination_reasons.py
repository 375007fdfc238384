# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint

from borgerbudget import evaluation, rules


def execute(filters=None):
	rows = evaluation.termination_reasons(filters)
	total = sum(cint(row.ended) for row in rows)
	for row in rows:
		row.reason = _(row.reason) if row.reason else _("(no reason)")
		row.share = rules.evaluation.share(cint(row.ended), total)
	columns = [
		{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Data", "width": 260},
		{"fieldname": "ended", "label": _("Courses Ended"), "fieldtype": "Int", "width": 110},
		{"fieldname": "share", "label": _("Share (%)"), "fieldtype": "Percent", "width": 100},
	] + [
		{"fieldname": frappe.scrub(outcome), "label": _(outcome), "fieldtype": "Int", "width": 110}
		for outcome in rules.evaluation.OUTCOMES
	]
	chart = {
		"data": {
			"labels": [row.reason for row in rows],
			"datasets": [{"name": _("Courses Ended"), "values": [cint(row.ended) for row in rows]}],
		},
		"type": "pie",
	}
	return columns, rows, None, chart
