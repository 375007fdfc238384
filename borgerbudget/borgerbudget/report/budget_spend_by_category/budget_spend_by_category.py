# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

from frappe import _
from frappe.utils import flt

from borgerbudget import evaluation, rules


def execute(filters=None):
	rows = evaluation.spend_by_category(filters)
	total = sum(flt(row.approved) for row in rows)
	for row in rows:
		row.category = row.category or _("(no category)")
		row.share = rules.evaluation.share(flt(row.approved), total)
	columns = [
		{"fieldname": "category", "label": _("Category"), "fieldtype": "Data", "width": 220},
		{"fieldname": "line_count", "label": _("Approved Lines"), "fieldtype": "Int", "width": 120},
		{"fieldname": "approved", "label": _("Approved"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "share", "label": _("Share of Approved (%)"), "fieldtype": "Percent", "width": 140},
		{"fieldname": "invoiced", "label": _("Invoiced"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "paid", "label": _("Paid"), "fieldtype": "Currency", "width": 140},
	]
	chart = {
		"data": {
			"labels": [row.category for row in rows],
			"datasets": [{"name": _("Approved"), "values": [flt(row.approved) for row in rows]}],
		},
		"type": "donut",
		"fieldtype": "Currency",
	}
	summary = [
		{"label": _("Approved"), "value": total, "datatype": "Currency"},
		{"label": _("Invoiced"), "value": sum(flt(row.invoiced) for row in rows), "datatype": "Currency"},
		{"label": _("Paid"), "value": sum(flt(row.paid) for row in rows), "datatype": "Currency"},
	]
	return columns, rows, None, chart, summary
