// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.listview_settings["Payout Batch"] = {
	get_indicator(doc) {
		const colours = { Draft: "red", Approved: "blue", Sent: "orange", Confirmed: "green", "Partly Rejected": "orange", Rejected: "red" };
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Build Payout Batch"), () =>
			frappe.prompt(
				[
					{ fieldname: "company", fieldtype: "Link", options: "Company", label: __("Company"), reqd: 1, default: frappe.defaults.get_user_default("Company") },
					{ fieldname: "bank_account", fieldtype: "Link", options: "Bank Account", label: __("Pay From"), reqd: 1, get_query: () => ({ filters: { is_company_account: 1 } }) },
					{ fieldname: "execution_date", fieldtype: "Date", label: __("Execution Date"), reqd: 1, default: frappe.datetime.get_today() },
					{ fieldname: "programme", fieldtype: "Link", options: "Budget Programme", label: __("Programme") },
				],
				(values) =>
					frappe
						.call({ method: "borgerbudget.borgerbudget.doctype.payout_batch.payout_batch.make_payout_batch", args: values })
						.then((r) => frappe.set_route("Form", "Payout Batch", r.message.name)),
				__("Build Payout Batch")
			)
		);
	},
};
