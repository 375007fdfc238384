// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.query_reports["Record Access"] = {
	filters: [
		{
			fieldname: "participant",
			label: __("Participant"),
			fieldtype: "Link",
			options: "Participant",
		},
		{
			fieldname: "user",
			label: __("User"),
			fieldtype: "Link",
			options: "User",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
		},
		{
			fieldname: "doctype",
			label: __("Document Type"),
			fieldtype: "Link",
			options: "DocType",
		},
	],
};
