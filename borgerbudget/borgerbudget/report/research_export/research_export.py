# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""One row per participant for researchers: pseudonymised, with no CPR, no names, no birth dates and
no free text. Export it with the report's own Export."""

import frappe
from frappe import _

from borgerbudget import access_log, evaluation, rules


def execute(filters=None):
	meta = frappe.get_meta("Follow-up")
	columns = [
		{"fieldname": "pseudonym", "label": _("Pseudonym"), "fieldtype": "Data", "width": 150},
		{"fieldname": "programme", "label": _("Programme"), "fieldtype": "Data", "width": 180},
		{"fieldname": "cohort", "label": _("Cohort"), "fieldtype": "Data", "width": 140},
		{"fieldname": "course_variant", "label": _("Course Variant"), "fieldtype": "Data", "width": 110},
		{
			"fieldname": "recruitment_route",
			"label": _("Recruitment Route"),
			"fieldtype": "Data",
			"width": 150,
		},
		{"fieldname": "control_group", "label": _("Control Group"), "fieldtype": "Check", "width": 90},
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 130},
		{"fieldname": "age_band", "label": _("Age Band"), "fieldtype": "Data", "width": 90},
		{"fieldname": "enrolment_year", "label": _("Enrolment Year"), "fieldtype": "Int", "width": 100},
		{"fieldname": "course_days", "label": _("Days in Course"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "approved_budget",
			"label": _("Approved Budget"),
			"fieldtype": "Currency",
			"width": 120,
		},
		{"fieldname": "invoiced", "label": _("Invoiced"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "paid", "label": _("Paid"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "line_count", "label": _("Approved Lines"), "fieldtype": "Int", "width": 100},
		{"fieldname": "termination_reason", "label": _("Reason"), "fieldtype": "Data", "width": 200},
		{"fieldname": "outcome", "label": _("Outcome"), "fieldtype": "Data", "width": 120},
	] + [
		{
			"fieldname": f"{score}_change",
			"label": _("Change in {0}").format(_(meta.get_label(score))),
			"fieldtype": "Int",
			"width": 120,
		}
		for score in rules.evaluation.WELLBEING_SCORES
	]
	# Its rows are pseudonymised: the record names the run and its filters, not the participants,
	# whose names beside a pseudonym would undo it.
	access_log.record_report("Research Export", filters)
	return columns, evaluation.research_rows(filters)
