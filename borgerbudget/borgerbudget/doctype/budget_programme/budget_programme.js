// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Budget Programme", {
	setup(frm) {
		const account_query = (root_type) => () => ({
			filters: { company: frm.doc.company, is_group: 0, root_type: root_type },
		});
		frm.set_query("expense_account", account_query("Expense"));
		frm.set_query("advance_account", account_query("Asset"));
		frm.set_query("receivable_account", account_query("Asset"));
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
	},
	company(frm) {
		["expense_account", "advance_account", "receivable_account", "cost_center"].forEach((field) =>
			frm.set_value(field, null)
		);
	},
});
