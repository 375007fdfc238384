// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

// The batch's actions; the server decides who may take them (four eyes at approval) and checks again.
frappe.ui.form.on("Payout Batch", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1) return;
		frm.add_custom_button(__("Download Bank File"), () =>
			window.open(
				`/api/method/borgerbudget.borgerbudget.doctype.payout_batch.payout_batch.download_bank_file?batch=${encodeURIComponent(frm.doc.name)}`
			)
		);
		if (frm.doc.status === "Approved") {
			frm.add_custom_button(__("Mark as Sent to the Bank"), () =>
				frm.call("mark_sent").then(() => frm.reload_doc())
			);
		}
		frm.add_custom_button(__("Import the Bank's Answer"), () =>
			new frappe.ui.FileUploader({
				make_attachments_public: false,
				restrictions: { allowed_file_types: [".xml"] },
				on_success(file) {
					frm.call("import_bank_status", { file_url: file.file_url }).then((r) => {
						frappe.show_alert(__("{0} payments changed", [(r.message || {}).changed || 0]));
						frm.reload_doc();
					});
				},
			})
		);
	},
});
