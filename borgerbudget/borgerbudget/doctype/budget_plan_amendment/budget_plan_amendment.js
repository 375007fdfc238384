// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Budget Plan Amendment", {
	refresh(frm) {
		const doc = frm.doc;
		if (doc.docstatus === 0) {
			frm.set_intro(
				__(
					"Change the lines below, then save to see the changes against the approved plan. Changes that add at most {0} of new money are approved by rule when you submit; larger ones are assessed.",
					[format_currency(doc.green_threshold, doc.currency)]
				),
				"blue"
			);
		} else if (doc.status === "Awaiting Assessment") {
			frm.set_intro(__("Waiting for the assessment of the changed lines."), "orange");
			if (!doc.approval && frappe.model.can_create("Budget Plan Approval")) {
				frm.add_custom_button(__("Assess Change"), () =>
					frappe.model.open_mapped_doc({
						method: "borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment.make_approval",
						frm: frm,
					})
				).addClass("btn-primary");
			}
		} else if (doc.status === "Approved") {
			frm.set_intro(
				doc.route === "Green by Rule"
					? __("Approved by rule and applied to the plan.")
					: __("Approved after assessment and applied to the plan."),
				"green"
			);
		}
		if (doc.approval) {
			frm.add_custom_button(__("Open Assessment"), () => frappe.set_route("Form", "Budget Plan Approval", doc.approval));
		}
		frm.add_custom_button(__("Budget Plan"), () => frappe.set_route("Form", "Budget Plan", doc.budget_plan));
	},
});
