# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint

from borgerbudget import evaluation, rules

# Achieved green, partly orange, not red, too early grey (also the workspace chart's colours).
COLOURS = ("#29CD42", "#ECAD4B", "#E24C4C", "#B9C0C7")


def execute(filters=None):
	rows = evaluation.theory_of_change(filters)
	for row in rows:
		row.category = row.category or _("(no category)")
	columns = (
		[
			{"fieldname": "category", "label": _("Category"), "fieldtype": "Data", "width": 220},
			{"fieldname": "lines", "label": _("Lines Assessed"), "fieldtype": "Int", "width": 110},
		]
		+ [
			{"fieldname": frappe.scrub(result), "label": _(result), "fieldtype": "Int", "width": 100}
			for result in rules.evaluation.THEORY_RESULTS
		]
		+ [
			{"fieldname": "achieved_share", "label": _("Achieved (%)"), "fieldtype": "Percent", "width": 110},
			{
				"fieldname": "invoiced",
				"label": _("Invoiced on the Lines"),
				"fieldtype": "Currency",
				"width": 140,
			},
			{
				"fieldname": "achieved_invoiced",
				"label": _("Invoiced on Achieved Lines"),
				"fieldtype": "Currency",
				"width": 150,
			},
		]
	)
	chart = {
		"data": {
			"labels": [row.category for row in rows],
			"datasets": [
				{"name": _(result), "values": [cint(row.get(frappe.scrub(result))) for row in rows]}
				for result in rules.evaluation.THEORY_RESULTS
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": list(COLOURS),
	}
	message = _(
		"The latest follow-up's verdict on each line. The achieved share leaves out lines where it is too early to tell."
	)
	return columns, rows, message, chart
