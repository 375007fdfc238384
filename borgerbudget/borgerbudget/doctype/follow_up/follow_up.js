// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Follow-up", {
	participant(frm) {
		if (!frm.doc.participant || !frm.is_new()) return;
		frappe
			.call("borgerbudget.borgerbudget.doctype.follow_up.follow_up.plan_rows", { participant: frm.doc.participant })
			.then((r) => {
				for (const table of ["goals", "lines"]) {
					frm.clear_table(table);
					for (const row of r.message[table]) frm.add_child(table, row);
					frm.refresh_field(table);
				}
			});
	},
	onload(frm) {
		if (frm.is_new() && frm.doc.participant && !(frm.doc.goals || []).length) frm.trigger("participant");
	},
});
