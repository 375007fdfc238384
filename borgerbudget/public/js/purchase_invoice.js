// Linking a supplier's invoice to a budget line: pick the plan on the item, then its line.
frappe.ui.form.on("Purchase Invoice Item", {
	budget_plan(frm, cdt, cdn) {
		const item = locals[cdt][cdn];
		if (!item.budget_plan) return frappe.model.set_value(cdt, cdn, "budget_line", "");
		frappe.db.get_doc("Budget Plan", item.budget_plan).then((plan) => {
			const lines = (plan.lines || []).filter((line) => line.approved && !line.closed);
			if (!lines.length) {
				frappe.msgprint(__("Plan {0} has no approved budget lines.", [plan.name]));
				return;
			}
			borgerbudget.choose_budget_line(lines, plan.currency, (line) =>
				frappe.model.set_value(cdt, cdn, "budget_line", line.name)
			);
		});
	},
});
