// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.query_reports["Budget Spend by Category"] = {
	filters: borgerbudget.evaluation_filters(),
};
