// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.listview_settings["E-Invoice"] = {
	get_indicator(doc) {
		const colours = { Drafted: "green", Unmatched: "orange", "Needs Supplier": "orange", Refused: "red", Duplicate: "gray" };
		return [__(doc.status), colours[doc.status] || "blue", "status,=," + doc.status];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Upload E-Invoices"), () => {
			new frappe.ui.FileUploader({
				allow_multiple: true,
				make_attachments_public: false,
				restrictions: { allowed_file_types: [".xml", ".zip"] },
				on_success(file) {
					frappe
						.call("borgerbudget.einvoice.intake.take_in_file", { file: file.name })
						.then((r) => {
							const rows = (r.message || []).map(
								(row) => `<li>${row.name}: ${__(row.status)}${row.reason ? " – " + frappe.utils.escape_html(row.reason) : ""}</li>`
							);
							frappe.msgprint({ title: __("E-Invoices Received"), message: `<ul>${rows.join("")}</ul>` });
							listview.refresh();
						});
				},
			});
		});
	},
};
