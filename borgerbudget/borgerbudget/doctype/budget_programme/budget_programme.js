// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Budget Programme", {
	setup(frm) {
		const account_query = (root_type, account_type) => () => ({
			filters: { company: frm.doc.company, is_group: 0, root_type, ...(account_type ? { account_type } : {}) },
		});
		frm.set_query("expense_account", account_query("Expense"));
		frm.set_query("advance_account", account_query("Asset", "Payable"));
		frm.set_query("receivable_account", account_query("Asset", "Receivable"));
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
	},
	refresh(frm) {
		const summary = frm.doc.__onload && frm.doc.__onload.payout_summary;
		if (frm.is_new() || !summary) return;
		const money = (value) => format_currency(value, frm.doc.currency);
		frm.dashboard.add_indicator(
			__("Spent {0} of {1}", [money(summary.spent), money(summary.budget)]),
			summary.spent > summary.budget ? "red" : "blue"
		);
		frm.dashboard.add_indicator(__("Approved {0}", [money(summary.approved)]), "green");
		frm.dashboard.add_indicator(
			__("Outstanding advances: {0} ({1})", [summary.open_advances, money(summary.advances_outstanding)]),
			summary.open_advances ? "orange" : "grey"
		);
		frm.dashboard.add_indicator(
			__("Overdue receipts: {0}", [summary.overdue_receipts]),
			summary.overdue_receipts ? "red" : "grey"
		);
		frm.dashboard.add_indicator(
			__("Open claims: {0} ({1})", [summary.open_claims, money(summary.claims_outstanding)]),
			summary.open_claims ? "orange" : "grey"
		);
		frm.add_custom_button(__("Budget Payouts"), () =>
			frappe.set_route("query-report", "Budget Payouts", { programme: frm.doc.name })
		);
		if (summary.due_invoices && frappe.model.can_create("Payment Entry")) {
			frm.add_custom_button(__("Pay Due Invoices ({0})", [summary.due_invoices]), () =>
				frappe.confirm(
					__("Create and submit a Payment Entry for each of the {0} due invoices?", [summary.due_invoices]),
					() =>
						frappe
							.call("borgerbudget.accounting.start_payment_run", { programme: frm.doc.name })
							.then(() => frappe.show_alert(__("The payment run has started; the result is added to the timeline.")))
				)
			);
		}
	},
	company(frm) {
		["expense_account", "advance_account", "receivable_account", "cost_center"].forEach((field) =>
			frm.set_value(field, null)
		);
	},
});
