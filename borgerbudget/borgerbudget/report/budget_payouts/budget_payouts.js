frappe.query_reports["Budget Payouts"] = {
	filters: [
		{
			fieldname: "programme",
			label: __("Programme"),
			fieldtype: "Link",
			options: "Budget Programme",
		},
	],
};
