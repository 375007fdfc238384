// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

// Open requests with their legal deadline: red once it has passed.
frappe.listview_settings["Insight Request"] = {
	add_fields: ["status", "deadline"],
	get_indicator(doc) {
		if (doc.status === "Delivered") return [__("Delivered"), "green", "status,=,Delivered"];
		if (doc.deadline && doc.deadline < frappe.datetime.get_today()) {
			return [__("Overdue"), "red", "status,=,Open|deadline,<," + frappe.datetime.get_today()];
		}
		return [__("Open"), "orange", "status,=,Open"];
	},
};
