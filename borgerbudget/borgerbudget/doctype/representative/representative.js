// Revoking is one step and takes effect at once; the server decides who may (Representative.revoke).
frappe.ui.form.on("Representative", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.revoked_on) return;
		frm.add_custom_button(__("Revoke"), () =>
			frappe.confirm(__("Revoke this representation now? It ends at once."), () =>
				frm.call("revoke").then(() => frm.reload_doc())
			)
		);
	},
});
