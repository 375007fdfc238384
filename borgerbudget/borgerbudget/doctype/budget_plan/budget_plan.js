// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Budget Plan", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.__onload && frm.doc.__onload.deadline_passed) {
			frm.dashboard.add_comment(
				__("The plan deadline {0} has passed. Extend it, or talk to the citizen.", [
					frappe.datetime.str_to_user(frm.doc.plan_deadline),
				]),
				"red",
				true
			);
		}
		show_next_step(frm);
		const onload = frm.doc.__onload || {};
		if (onload.can_submit) {
			frm.add_custom_button(__("Submit for Assessment"), () =>
				frm.call("submit_for_assessment").then(() => frm.reload_doc())
			);
		}
		if (onload.can_extend_deadline) {
			frm.add_custom_button(__("Extend Plan Deadline"), () => extend_deadline(frm));
		}
		frm.add_custom_button(__("One-Page Plan"), () =>
			frappe.utils.print(frm.doctype, frm.doc.name, "Randers One-Page Plan")
		);
		frm.set_df_property("lines", "description", budget_summary(frm));
		if (onload.approved) {
			add_payout_buttons(frm);
			add_requisition_button(frm);
			add_amendment_button(frm);
		}
	},
});

frappe.ui.form.on("Budget Line", {
	amount(frm) {
		frm.set_df_property("lines", "description", budget_summary(frm));
	},
	lines_remove(frm) {
		frm.set_df_property("lines", "description", budget_summary(frm));
	},
});

// The headline says what happens next; the button does it.
function show_next_step(frm) {
	const step = (frm.doc.__onload || {}).next_step;
	if (!step) return;
	frm.dashboard.set_headline_alert(frappe.utils.escape_html(step.text), step.colour);
	if (step.action === "assess") {
		const assess = frm.add_custom_button(__("Assess Plan"), () =>
			frappe.model.open_mapped_doc({
				method: "borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval.make_approval",
				frm: frm,
			})
		);
		assess.addClass("btn-primary");
	}
	if (step.approval) {
		frm.add_custom_button(__("Open Assessment"), () =>
			frappe.set_route("Form", "Budget Plan Approval", step.approval)
		);
	}
}

function budget_summary(frm) {
	const total = (frm.doc.lines || []).reduce((sum, line) => sum + flt(line.amount), 0);
	return __("Total {0} of {1}", [
		format_currency(total, frm.doc.currency),
		format_currency(frm.doc.maximum_amount, frm.doc.currency),
	]);
}

function extend_deadline(frm) {
	frappe.prompt(
		[
			{ fieldname: "new_deadline", fieldtype: "Date", label: __("New Deadline"), reqd: 1 },
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
		],
		(values) => frm.call("extend_deadline", values).then(() => frm.reload_doc()),
		__("Extend Plan Deadline")
	);
}

// Payouts: finance creates the ERPNext document for a line and checks it before saving.
function add_payout_buttons(frm) {
	const can = (frm.doc.__onload || {}).can_create || {};
	const open = (route) => (lines) => lines.length && borgerbudget.choose_budget_line(lines, frm.doc.currency, route);
	// The lines that can take a new invoice or advance, by payment route (the server's rule).
	const payable = (route) => {
		const names = ((frm.doc.__onload || {}).payable || {})[route] || [];
		return (frm.doc.lines || []).filter((line) => names.includes(line.name));
	};
	// A supplier's invoice, or the citizen's receipt-free allowance booked as their own invoice.
	for (const [route, label] of [
		["Supplier invoice", __("Purchase Invoice")],
		["Receipt-free allowance", __("Receipt-Free Allowance")],
	]) {
		if (!can["Purchase Invoice"] || !payable(route).length) continue;
		frm.add_custom_button(
			label,
			() =>
				open((line) =>
					frappe
						.call("borgerbudget.accounting.make_purchase_invoice", {
							budget_plan: frm.doc.name,
							budget_line: line.name,
						})
						.then((r) => {
							const doc = frappe.model.sync(r.message)[0];
							frappe.set_route("Form", doc.doctype, doc.name);
						})
				)(payable(route)),
			__("Create")
		);
	}
	if (can["Budget Advance"] && payable("Reimbursement to the citizen").length) {
		frm.add_custom_button(
			__("Advance to the Citizen"),
			() =>
				open((line) =>
					frappe.new_doc("Budget Advance", {
						budget_plan: frm.doc.name,
						budget_line: line.name,
						line_description: line.description,
						amount: line.remaining_amount,
					})
				)(payable("Reimbursement to the citizen")),
			__("Create")
		);
	}
	if (can["Repayment Claim"]) {
		frm.add_custom_button(__("Repayment Claim"), () => frappe.new_doc("Repayment Claim", { budget_plan: frm.doc.name }), __("Create"));
	}
}

// The supplier of an approved line is e-mailed the reference to put on the invoice.
function add_requisition_button(frm) {
	const onload = frm.doc.__onload || {};
	const names = onload.requisition_lines || [];
	const lines = (frm.doc.lines || []).filter((line) => names.includes(line.name));
	if (!onload.can_send_requisition || !lines.length) return;
	frm.add_custom_button(__("Send Requisition"), () =>
		borgerbudget.choose_budget_line(lines, frm.doc.currency, (line) =>
			frappe
				.call("borgerbudget.borgerbudget.doctype.budget_plan.budget_plan.send_requisition", {
					budget_plan: frm.doc.name,
					budget_line: line.name,
				})
				.then((r) => {
					frappe.show_alert({
						message: __("Requisition {0} sent to {1}", [line.payment_reference, r.message]),
						indicator: "green",
					});
					frm.reload_doc();
				})
		)
	);
}

// A change to the approved plan (seed 004: "mindre ændringer på sigt").
function add_amendment_button(frm) {
	const onload = frm.doc.__onload || {};
	if (onload.open_amendment) {
		frm.add_custom_button(__("Open Change {0}", [onload.open_amendment]), () =>
			frappe.set_route("Form", "Budget Plan Amendment", onload.open_amendment)
		);
	} else if ((onload.can_create || {})["Budget Plan Amendment"]) {
		frm.add_custom_button(
			__("Change the Plan"),
			() =>
				frappe.model.open_mapped_doc({
					method: "borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment.make_amendment",
					frm: frm,
				}),
			__("Create")
		);
	}
}
