// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

const VOTE_METHOD = "borgerbudget.borgerbudget.doctype.approval_vote.approval_vote.cast_vote";

frappe.ui.form.on("Budget Plan Approval", {
	setup(frm) {
		const team_only = () => ({
			filters: { name: ["in", (frm.doc.__onload || {}).team_users || []] },
		});
		frm.set_query("user", "colleagues", team_only);
		frm.set_query("user", "team_members", team_only);
	},
	refresh(frm) {
		if (frm.doc.amendment) show_changes(frm);
		if (frm.is_new()) {
			frm.set_intro(__("Score the three criteria and write a note on each, then save."), "blue");
			return;
		}
		const onload = frm.doc.__onload || {};
		const votes = onload.votes || [];
		frm.set_intro(next_step(frm, votes, onload.team_lead), frm.doc.docstatus === 1 ? "green" : "blue");
		render_votes(frm, votes);
		add_vote_buttons(frm, votes, onload.team_lead);
	},
});

// An assessment of a change to an approved plan covers only the changed lines.
function show_changes(frm) {
	frappe.db.get_doc("Budget Plan Amendment", frm.doc.amendment).then((amendment) => {
		const money = (value) => format_currency(value, amendment.currency);
		render_changes(frm, amendment.changes || [], money);
	});
}

function render_changes(frm, changes, money) {
	const rows = changes
		.map(
			(c) => `<tr><td>${__(c.change)}</td><td>${frappe.utils.escape_html(c.description || "")}</td>
			<td class="text-right">${money(c.old_amount)}</td><td class="text-right">${money(c.new_amount)}</td>
			<td class="text-right">${money(c.difference)}</td><td>${frappe.utils.escape_html(c.changed_fields || "")}</td></tr>`
		)
		.join("");
	frm.get_field("changes_html").$wrapper.html(
		`<table class="table table-bordered small"><thead><tr><th>${__("Change")}</th><th>${__("Description")}</th>
		<th>${__("Before")}</th><th>${__("After")}</th><th>${__("Difference")}</th><th>${__("What Changed")}</th></tr></thead>
		<tbody>${rows}</tbody></table>`
	);
}

function next_step(frm, votes, team_lead) {
	const doc = frm.doc;
	const state = doc.workflow_state;
	if (doc.docstatus === 2) return __("Cancelled. Amend it to correct the assessment.");
	if (doc.docstatus === 1) {
		return __("Decision: {0} by {1} on {2}.", [
			__(doc.decision),
			frappe.user.full_name(doc.decided_by),
			frappe.datetime.str_to_user(doc.decided_on),
		]);
	}
	if (state === "Awaiting Assessment") {
		const suggestion = doc.suggested_classification
			? __("The scores suggest {0}.", [__(doc.suggested_classification)])
			: __("Score all three criteria to get a suggested classification.");
		return (
			suggestion +
			" " +
			__(
				"Green: approve under Actions. Yellow: choose colleagues, then Ask Colleagues. Red: Refer to Team. Or Return to Citizen with your comments."
			)
		);
	}
	if (state === "Awaiting Colleague Comments") {
		const answered = votes.filter((v) => v.kind === "Colleague comment").length;
		return __(
			"Waiting for comments: {0} of {1} colleagues have answered. Then approve the plan (green) or refer it to the team (red).",
			[answered, (doc.colleagues || []).length]
		);
	}
	if (state === "Awaiting Team Decision") {
		return __(
			"The team decides. {0} records the meeting date, who took part and the minutes; every member who took part votes. Quorum: {1}.",
			[frappe.user.full_name(team_lead), doc.quorum || __("set by the programme")]
		);
	}
	return "";
}

function render_votes(frm, votes) {
	const field = frm.get_field("votes_html");
	if (!votes.length) {
		field.$wrapper.html(`<p class="text-muted">${__("No comments or votes yet.")}</p>`);
		return;
	}
	const rows = votes
		.map(
			(v) => `<tr>
				<td>${frappe.utils.escape_html(v.voter_name || v.voter)}</td>
				<td>${__(v.kind)}</td>
				<td>${__(v.vote)}</td>
				<td>${frappe.utils.escape_html(v.comment || "")}</td>
			</tr>`
		)
		.join("");
	field.$wrapper.html(`<table class="table table-bordered table-sm">
		<thead><tr><th>${__("Voter")}</th><th>${__("Kind")}</th><th>${__("Vote")}</th><th>${__("Comment")}</th></tr></thead>
		<tbody>${rows}</tbody></table>`);
}

function add_vote_buttons(frm, votes, team_lead) {
	const doc = frm.doc;
	const me = frappe.session.user;
	if (doc.docstatus !== 0 || me === doc.caseworker) return;
	const asked =
		doc.workflow_state === "Awaiting Colleague Comments" &&
		(doc.colleagues || []).some((row) => row.user === me);
	const member =
		doc.workflow_state === "Awaiting Team Decision" &&
		(doc.team_members || []).some((row) => row.user === me);
	if (asked || member) {
		const mine = votes.find((v) => v.voter === me);
		const label = asked ? __("Comment and Vote") : __("Vote");
		frm.add_custom_button(mine ? __("Change My Vote") : label, () => vote_dialog(frm, asked, mine)).addClass(
			"btn-primary"
		);
	}
	if (doc.workflow_state === "Awaiting Team Decision" && me === team_lead) {
		frm.add_custom_button(__("Record a Member's Vote"), () => vote_dialog(frm, false, null, true));
	}
}

function vote_dialog(frm, comment_required, current, for_member) {
	const fields = [];
	if (for_member) {
		fields.push({
			fieldname: "voter",
			fieldtype: "Select",
			label: __("Member"),
			reqd: 1,
			options: (frm.doc.team_members || [])
				.filter((row) => row.user !== frm.doc.caseworker)
				.map((row) => ({ value: row.user, label: row.full_name || row.user })),
		});
	}
	fields.push(
		{
			fieldname: "vote",
			fieldtype: "Select",
			label: __("Vote"),
			reqd: 1,
			default: current ? current.vote : "For",
			options: ["For", "Against", "Abstain"].map((value) => ({ value, label: __(value) })),
			description: __("For or against approving the plan"),
		},
		{
			fieldname: "comment",
			fieldtype: "Small Text",
			label: __("Comment"),
			reqd: comment_required ? 1 : 0,
			default: current ? current.comment : "",
		}
	);
	frappe.prompt(
		fields,
		(values) =>
			frappe
				.call({ method: VOTE_METHOD, args: { approval: frm.doc.name, ...values } })
				.then(() => frm.reload_doc()),
		__("Your vote on the plan of {0}", [frm.doc.participant_name])
	);
}
