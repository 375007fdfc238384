# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

from frappe import _

from borgerbudget import evaluation, rules


def execute(filters=None):
	counts = evaluation.stage_counts(filters)
	total = sum(counts.values())
	columns = [
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 220},
		{"fieldname": "participants", "label": _("Participants"), "fieldtype": "Int", "width": 120},
		{"fieldname": "share", "label": _("Share (%)"), "fieldtype": "Percent", "width": 120},
	]
	data = [
		{"stage": _(stage), "participants": count, "share": rules.evaluation.share(count, total)}
		for stage, count in counts.items()
	]
	chart = {
		"data": {
			"labels": [row["stage"] for row in data],
			"datasets": [{"name": _("Participants"), "values": list(counts.values())}],
		},
		"type": "bar",
	}
	summary = [
		{"label": _("Participants"), "value": total, "datatype": "Int"},
		{
			"label": _(rules.evaluation.IN_COURSE),
			"value": counts[rules.evaluation.IN_COURSE],
			"datatype": "Int",
			"indicator": "Blue",
		},
		{
			"label": _(rules.evaluation.COURSE_ENDED),
			"value": counts[rules.evaluation.COURSE_ENDED],
			"datatype": "Int",
			"indicator": "Green",
		},
	]
	return columns, data, None, chart, summary
