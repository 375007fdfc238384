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
		// The server says what happens next and how this user may vote (get_next_step, get_ballot).
		const onload = frm.doc.__onload || {};
		frm.set_intro(frappe.utils.escape_html(onload.next_step || ""), frm.doc.docstatus === 1 ? "green" : "blue");
		render_votes(frm, onload.votes || []);
		add_vote_buttons(frm, onload.ballot);
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

function add_vote_buttons(frm, ballot) {
	if (!ballot) return;
	if (ballot.vote) {
		const label = ballot.comment_required ? __("Comment and Vote") : __("Vote");
		frm.add_custom_button(ballot.mine ? __("Change My Vote") : label, () =>
			vote_dialog(frm, ballot, ballot.mine)
		).addClass("btn-primary");
	}
	if (ballot.for_members) {
		frm.add_custom_button(__("Record a Member's Vote"), () => vote_dialog(frm, ballot, null, true));
	}
}

function vote_dialog(frm, ballot, current, for_member) {
	const fields = [];
	if (for_member) {
		fields.push({
			fieldname: "voter",
			fieldtype: "Select",
			label: __("Member"),
			reqd: 1,
			options: ballot.members,
		});
	}
	fields.push(
		{
			fieldname: "vote",
			fieldtype: "Select",
			label: __("Vote"),
			reqd: 1,
			default: current ? current.vote : ballot.options[0].value,
			options: ballot.options,
			description: __("For or against approving the plan"),
		},
		{
			fieldname: "comment",
			fieldtype: "Small Text",
			label: __("Comment"),
			reqd: ballot.comment_required && !for_member ? 1 : 0,
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
