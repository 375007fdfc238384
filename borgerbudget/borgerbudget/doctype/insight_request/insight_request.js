// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Insight Request", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.status === "Open" && frm.doc.deadline) {
			const overdue = frm.doc.deadline < frappe.datetime.get_today();
			frm.dashboard.add_comment(
				__("Answer by {0}.", [frappe.datetime.str_to_user(frm.doc.deadline)]),
				overdue ? "red" : "orange",
				true
			);
		}
		if (frm.doc.status === "Open" && frm.perm[0].write) {
			frm.add_custom_button(__("Deliver"), () =>
				borgerbudget.insight_dialog(frm.doc.participant, frm.doc.name, () => frm.reload_doc())
			);
		}
	},
});
