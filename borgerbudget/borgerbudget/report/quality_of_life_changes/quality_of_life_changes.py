# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt

from borgerbudget import evaluation, rules


def execute(filters=None):
	found = {row.score: row for row in evaluation.wellbeing_changes(filters)}
	meta = frappe.get_meta("Follow-up")
	data = []
	for score in rules.evaluation.WELLBEING_SCORES:
		row = found.get(score) or frappe._dict(participants=0)
		row.score = _(meta.get_label(score))
		for average in ("first_average", "last_average", "change_average"):
			row[average] = flt(row.get(average), 2) if row.participants else None
		data.append(row)
	columns = [
		{"fieldname": "score", "label": _("Score"), "fieldtype": "Data", "width": 240},
		{
			"fieldname": "participants",
			"label": _("Participants Scored Twice or More"),
			"fieldtype": "Int",
			"width": 140,
		},
		{
			"fieldname": "first_average",
			"label": _("Average at First Follow-up"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 140,
		},
		{
			"fieldname": "last_average",
			"label": _("Average at Latest Follow-up"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 140,
		},
		{
			"fieldname": "change_average",
			"label": _("Average Change"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{"fieldname": "improved", "label": _("Improved"), "fieldtype": "Int", "width": 100},
		{"fieldname": "unchanged", "label": _("Unchanged"), "fieldtype": "Int", "width": 100},
		{"fieldname": "worse", "label": _("Worse"), "fieldtype": "Int", "width": 100},
	]
	chart = {
		"data": {
			"labels": [row.score for row in data],
			"datasets": [
				{"name": _("Average at First Follow-up"), "values": [flt(row.first_average) for row in data]},
				{"name": _("Average at Latest Follow-up"), "values": [flt(row.last_average) for row in data]},
			],
		},
		"type": "bar",
	}
	message = _("Self-reported on a scale from 1 (low) to 5 (high), from the first to the latest follow-up.")
	return columns, data, message, chart
