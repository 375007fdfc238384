// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Participant", {
	refresh(frm) {
		if (frm.is_new()) return;
		// The server says which steps and buttons apply (Participant.onload); its methods check again.
		const onload = frm.doc.__onload || {};
		for (const action of onload.intake_actions || []) {
			frm.add_custom_button(action.label, () => run_intake_action(frm, action), __("Intake"));
		}
		if (onload.course_running && frappe.model.can_create("Course Termination")) {
			frm.add_custom_button(__("End Course"), () =>
				frappe.new_doc("Course Termination", { participant: frm.doc.name })
			);
		}
		if (onload.course_running && frm.doc.course_end_date && frm.perm[0].write) {
			frm.add_custom_button(__("Extend Course"), () =>
				frappe.prompt(
					[
						{ fieldname: "new_end_date", fieldtype: "Date", label: __("New End"), reqd: 1 },
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
					],
					(values) => frm.call("extend_course", values).then(() => frm.reload_doc()),
					__("Extend Course")
				)
			);
		}
		if (onload.course_running && frm.doc.course_start_date && frappe.model.can_create("Follow-up")) {
			frm.add_custom_button(__("Record Follow-up"), () =>
				frappe.new_doc("Follow-up", { participant: frm.doc.name })
			);
		}
		if (frm.doc.follow_up_overdue) {
			frm.dashboard.add_comment(
				__("The follow-up planned for {0} is overdue.", [frappe.datetime.str_to_user(frm.doc.next_follow_up_date)]),
				"orange",
				true
			);
		}
		if (frm.doc.course_past_end) {
			frm.dashboard.add_comment(
				__("The course passed its end date, {0}. Extend it or end it.", [
					frappe.datetime.str_to_user(frm.doc.course_end_date),
				]),
				"red",
				true
			);
		}
		if (frm.doc.course_termination) {
			frm.dashboard.add_comment(
				__("The course ended on {0}.", [frappe.datetime.str_to_user(frm.doc.course_ended_on)]),
				"grey",
				true
			);
		}
		if (onload.open_insight_requests) {
			const open = onload.open_insight_requests;
			frm.add_custom_button(__("Export"), () => borgerbudget.insight_dialog(frm.doc.name, open[0]), __("Insight"));
			if (frappe.model.can_create("Insight Request")) {
				frm.add_custom_button(
					__("Register Request"),
					() => frappe.new_doc("Insight Request", { participant: frm.doc.name }),
					__("Insight")
				);
			}
			if (open.length) {
				frm.dashboard.add_comment(__("A request for insight is open: answer it with Insight > Export."), "orange", true);
			}
		}
		if (onload.can_reveal_cpr) {
			frm.add_custom_button(__("Reveal CPR Number"), () => reveal_cpr(frm));
		}
		if (frm.doc.plan_deadline) {
			frm.dashboard.add_comment(
				__("Plan deadline: {0}", [frappe.datetime.str_to_user(frm.doc.plan_deadline)]),
				"blue",
				true
			);
		} else if (onload.awaiting_decision && frm.doc.decision_deadline) {
			frm.dashboard.add_comment(
				__("The citizen must decide by {0}", [frappe.datetime.str_to_user(frm.doc.decision_deadline)]),
				"orange",
				true
			);
		}
	},
});

function run_intake_action(frm, action) {
	const call = (args) => frm.call(action.method, args).then(() => frm.reload_doc());
	if (action.ask_reason) {
		frappe.prompt(
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason for Declining") },
			(values) => call(values),
			__(action.label)
		);
	} else {
		call({});
	}
}

function reveal_cpr(frm) {
	frappe.prompt(
		{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
		(values) =>
			frm.call("reveal_cpr", values).then((r) =>
				frappe.msgprint({
					title: __("CPR Number"),
					message: __("{0}. This reveal has been logged.", [frappe.utils.escape_html(r.message)]),
				})
			),
		__("Reveal CPR Number")
	);
}
