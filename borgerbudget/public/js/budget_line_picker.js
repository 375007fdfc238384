// Asks which budget line a payout is for (at once when there is only one), in desk forms of both apps.
frappe.provide("borgerbudget");

borgerbudget.choose_budget_line = (lines, currency, then) => {
	if (lines.length === 1) return then(lines[0]);
	frappe.prompt(
		{
			fieldname: "line",
			fieldtype: "Select",
			label: __("Budget Line"),
			reqd: 1,
			options: lines.map((line) => ({
				value: line.name,
				label: `${line.idx}. ${line.description} (${format_currency(line.remaining_amount, currency)})`,
			})),
		},
		(values) => then(lines.find((line) => line.name === values.line)),
		__("Which budget line?")
	);
};
