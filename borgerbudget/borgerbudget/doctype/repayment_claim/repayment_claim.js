// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Repayment Claim", {
	setup(frm) {
		frm.set_query("budget_advance", () => ({
			filters: { budget_plan: frm.doc.budget_plan, outstanding_amount: [">", 0] },
		}));
	},
	refresh(frm) {
		if (frm.is_new()) {
			frm.set_intro(__("Talk to the citizen before claiming money back, and write down what was said."));
			return;
		}
		if (frm.doc.journal_entry && flt(frm.doc.outstanding_amount) > 0 && frappe.model.can_create("Payment Entry")) {
			frm.add_custom_button(__("Record Repayment"), () =>
				frappe
					.call("borgerbudget.accounting.make_claim_payment", { repayment_claim: frm.doc.name })
					.then((r) => {
						const doc = frappe.model.sync(r.message)[0];
						frappe.set_route("Form", doc.doctype, doc.name);
					})
			);
		}
		if (!frm.doc.journal_entry && frappe.model.can_create("Journal Entry")) {
			frm.add_custom_button(__("Book Claim"), () =>
				frappe
					.call("borgerbudget.accounting.make_repayment_journal_entry", { repayment_claim: frm.doc.name })
					.then((r) => {
						const doc = frappe.model.sync(r.message)[0];
						frappe.set_route("Form", doc.doctype, doc.name);
					})
			).addClass("btn-primary");
		}
	},
});
