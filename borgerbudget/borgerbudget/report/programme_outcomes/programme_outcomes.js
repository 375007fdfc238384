// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.query_reports["Programme Outcomes"] = {
	filters: borgerbudget.evaluation_filters([
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Programme", "Cohort", "Course Variant", "Recruitment Route"].map((value) => ({ value, label: __(value) })),
			default: "Programme",
		},
	]),
};
