# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt

from borgerbudget import evaluation

# The participants green, the control group grey, the national reference blue (also on the workspace).
COLOURS = ("#29CD42", "#B9C0C7", "#5E64FF")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = filters.group_by or "Programme"
	rows = evaluation.outcomes(filters, group_by)
	for row in rows:
		row.grp = (
			_(row.grp) if group_by in ("Course Variant", "Recruitment Route") else row.grp or _("(none)")
		)
	columns = [
		{"fieldname": "grp", "label": _(group_by), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "participants",
			"label": _("Participants with an Approved Plan"),
			"fieldtype": "Int",
			"width": 110,
		},
		{
			"fieldname": "average_budget",
			"label": _("Average Approved Budget"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "average_invoiced",
			"label": _("Average Invoiced"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "maximum",
			"label": _("Maximum per Participant"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "budget_share",
			"label": _("Budget of Maximum (%)"),
			"fieldtype": "Percent",
			"width": 110,
		},
		{"fieldname": "ended", "label": _("Courses Ended"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "job_or_education",
			"label": _("In Job or Education"),
			"fieldtype": "Int",
			"width": 100,
		},
		{"fieldname": "share", "label": _("Job or Education (%)"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "control_size", "label": _("Control Group"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "control_share",
			"label": _("Control Group in Job or Education (%)"),
			"fieldtype": "Percent",
			"width": 130,
		},
		{
			"fieldname": "versus_control",
			"label": _("Difference from Control (Points)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 120,
		},
		{
			"fieldname": "reference_rate",
			"label": _("National Reference Rate (%)"),
			"fieldtype": "Percent",
			"width": 120,
		},
		{
			"fieldname": "versus_reference",
			"label": _("Difference from Reference (Points)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 120,
		},
		{"fieldname": "self_supporting", "label": _("Self-supporting"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "yearly_saving",
			"label": _("Estimated Yearly Saving"),
			"fieldtype": "Currency",
			"width": 150,
		},
	]
	# Only groups with ended courses have a share to set against the control group and the reference.
	ended = [row for row in rows if row.ended]
	chart = {
		"data": {
			"labels": [row.grp for row in ended],
			"datasets": [
				{"name": _("Job or Education (%)"), "values": [flt(row.share) for row in ended]},
				{
					"name": _("Control Group in Job or Education (%)"),
					"values": [flt(row.control_share) for row in ended],
				},
				{
					"name": _("National Reference Rate (%)"),
					"values": [flt(row.reference_rate) for row in ended],
				},
			],
		},
		"type": "bar",
		"colors": list(COLOURS),
	}
	total = evaluation.outcomes(filters)
	total = total[0] if total else frappe._dict()
	summary = [
		{"label": _("Average Approved Budget"), "value": flt(total.average_budget), "datatype": "Currency"},
		{"label": _("Maximum per Participant"), "value": flt(total.maximum), "datatype": "Currency"},
		{
			"label": _("Job or Education (%)"),
			"value": flt(total.share),
			"datatype": "Percent",
			"indicator": "Green",
		},
		{
			"label": _("Estimated Yearly Saving"),
			"value": flt(total.yearly_saving),
			"datatype": "Currency",
			"indicator": "Green",
		},
	]
	message = _(
		"Shares are of the courses that have ended. Self-supporting means in a job or self-employed at the end; the saving is their number times the programme's yearly saving per person."
	)
	return columns, rows, message, chart, summary
