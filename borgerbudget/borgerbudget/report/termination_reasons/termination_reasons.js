// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.query_reports["Termination Reasons"] = {
	filters: borgerbudget.evaluation_filters(),
};
