// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Budget Advance", {
	refresh(frm) {
		frm.set_df_property("amount", "read_only", frm.doc.payment_entry ? 1 : 0);
		if (frm.is_new()) return;
		const status_colour = {
			"Awaiting Payment": "orange",
			"Awaiting Receipts": "blue",
			"Receipts Received": "blue",
			"Receipts Overdue": "red",
			Settled: "green",
			Claimed: "grey",
		};
		frm.page.set_indicator(__(frm.doc.status), status_colour[frm.doc.status]);
		const open_built = (method) =>
			frappe.call(method, { budget_advance: frm.doc.name }).then((r) => {
				const doc = frappe.model.sync(r.message)[0];
				frappe.set_route("Form", doc.doctype, doc.name);
			});
		if (!frm.doc.payment_entry && frappe.model.can_create("Payment Entry")) {
			frm.add_custom_button(__("Pay Advance"), () => open_built("borgerbudget.accounting.make_advance_payment")).addClass(
				"btn-primary"
			);
		}
		const unsettled = (frm.doc.receipts || []).filter((row) => !row.purchase_invoice);
		if (frm.doc.payment_entry && unsettled.length && frappe.model.can_create("Purchase Invoice")) {
			frm.add_custom_button(__("Settle Against Receipts"), () =>
				open_built("borgerbudget.accounting.make_settlement_invoice")
			);
		}
		if (flt(frm.doc.outstanding_amount) > 0 && frappe.model.can_create("Repayment Claim")) {
			frm.add_custom_button(__("Repayment Claim"), () =>
				frappe.new_doc("Repayment Claim", {
					budget_plan: frm.doc.budget_plan,
					budget_advance: frm.doc.name,
					amount: frm.doc.outstanding_amount - unsettled.reduce((sum, row) => sum + flt(row.amount), 0),
				})
			);
		}
	},
});
