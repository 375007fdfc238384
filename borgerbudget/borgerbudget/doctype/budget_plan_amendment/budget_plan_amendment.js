// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Budget Plan Amendment", {
	refresh(frm) {
		const doc = frm.doc;
		// The server says what happens next (Budget Plan Amendment.get_next_step).
		const step = (doc.__onload || {}).next_step;
		if (step) {
			frm.set_intro(frappe.utils.escape_html(step.text), step.colour);
		}
		if (step && step.assess) {
			frm.add_custom_button(__("Assess Change"), () =>
				frappe.model.open_mapped_doc({
					method: "borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment.make_approval",
					frm: frm,
				})
			).addClass("btn-primary");
		}
		if (doc.approval) {
			frm.add_custom_button(__("Open Assessment"), () => frappe.set_route("Form", "Budget Plan Approval", doc.approval));
		}
		frm.add_custom_button(__("Budget Plan"), () => frappe.set_route("Form", "Budget Plan", doc.budget_plan));
	},
});
