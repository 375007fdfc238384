// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

// Finance's actions on an e-invoice; the server says which apply (EInvoice.onload) and checks again.
frappe.ui.form.on("E-Invoice", {
	refresh(frm) {
		const actions = (frm.doc.__onload || {}).actions || {};
		if (frm.doc.reason) {
			frm.set_intro(frappe.utils.escape_html(frm.doc.reason), frm.doc.status === "Drafted" ? "green" : "orange");
		}
		const run = (method, args) => frm.call(method, args).then(() => frm.reload_doc());
		if (actions.supplier) {
			frm.add_custom_button(__("Create Supplier from Invoice"), () => run("create_supplier")).addClass("btn-primary");
		}
		if (actions.match) {
			frm.add_custom_button(__("Match to Budget Line"), () =>
				frappe.prompt(
					{
						fieldname: "budget_line",
						fieldtype: "Data",
						label: __("Payment Reference"),
						reqd: 1,
						description: __("The reference on the line's requisition, for example BB-7CT4-KNX"),
					},
					(values) => run("match_to_line", values),
					__("Match to Budget Line")
				)
			);
			frm.add_custom_button(__("Try the Match Again"), () => run("try_again"));
		}
		if (actions.reject) {
			frm.add_custom_button(__("Reject"), () =>
				frappe.prompt(
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
					(values) => run("reject", values),
					__("Reject E-Invoice")
				)
			);
		}
		if (actions.forward) {
			frm.add_custom_button(__("Not a Citizen's Budget"), () =>
				frappe.prompt(
					{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
					(values) => run("forward", values),
					__("Send On Outside Borgerbudget")
				)
			);
		}
	},
});
