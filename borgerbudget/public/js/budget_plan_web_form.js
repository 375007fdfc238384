// The plan tool in the portal (citizen) and in the caseworker's web form: a running total
// against the maximum, the deadline, notes meant for the citizen, and "submit for assessment".
// Every rule is checked again on the server when the plan is saved or submitted.
// (Rendered with Jinja: plan_messages comes from borgerbudget.portal.plan_form_context.)
Object.assign(frappe._messages, {{ plan_messages | json }});
// The plan's statuses as the server names them (rules/plan.py).
const PLAN_STATUS = {{ plan_statuses | json }};

frappe.ready(() => {
	const form = frappe.web_form;
	if (!form || !form.doc || !form.doc.name || frappe.web_form_doc.is_list) return;
	const doc = form.doc;
	const money = (value) => format_currency(value || 0, doc.currency || "DKK");

	const $summary = $(`<div class="budget-plan-summary alert alert-info" style="font-size: 1.05rem"></div>`);
	$(".web-form-wrapper").before($summary);

	function refresh_summary() {
		const lines = form.get_value("lines") || doc.lines || [];
		const total = lines.reduce((sum, line) => sum + flt(line.amount), 0);
		const over = total > flt(doc.maximum_amount);
		$summary
			.toggleClass("alert-danger", over)
			.toggleClass("alert-info", !over)
			.html(
				`<div><b>${__("Total")}:</b> ${money(total)} / ${money(doc.maximum_amount)}
				${over ? " – " + __("over the maximum") : ""}</div>` +
					(doc.plan_deadline
						? `<div><b>${__("Plan Deadline")}:</b> ${frappe.datetime.str_to_user(doc.plan_deadline)}</div>`
						: "") +
					`<div><b>${__("Status")}:</b> ${__(doc.status)}</div>`
			);
	}
	refresh_summary();
	// Typing an amount, adding or removing a line: each ends in one of these events on the form.
	let pending = false;
	$(".web-form-wrapper").on("input change click", () => {
		if (pending) return;
		pending = true;
		setTimeout(() => {
			pending = false;
			refresh_summary();
		}, 50);
	});

	frappe.call({
		method: "frappe.client.get_list",
		args: {
			doctype: "Budget Plan Note",
			filters: { budget_plan: doc.name, visible_to_citizen: 1 },
			fields: ["note", "creation"],
			order_by: "creation desc",
		},
		callback: (r) => {
			if (!r.message || !r.message.length) return;
			const notes = r.message
				.map((n) => `<li>${frappe.utils.escape_html(n.note)}</li>`)
				.join("");
			$summary.after(
				`<div class="alert alert-secondary"><b>${__("From your caseworker")}</b><ul>${notes}</ul></div>`
			);
		},
	});

	if (doc.status === PLAN_STATUS.approved) {
		frappe.call("borgerbudget.portal.get_payout_overview", { budget_plan: doc.name }).then((r) => {
			const rows = (r.message || [])
				.map(
					(line) => `<tr><td>${frappe.utils.escape_html(line.description || "")}</td>
					<td class="text-right">${money(line.amount)}</td>
					<td>${frappe.utils.escape_html(line.status)}${
						line.advance
							? ` – <a href="/my-receipts/${encodeURIComponent(line.advance)}/edit">${__("Upload receipts")}</a>`
							: ""
					}</td></tr>`
				)
				.join("");
			if (rows) {
				$summary.after(
					`<div class="payout-overview"><h5>${__("Your money")}</h5><table class="table table-sm">${rows}</table>
					<a class="btn btn-sm btn-default" href="/my-change?plan=${encodeURIComponent(doc.name)}">${__(
						"Ask for a change"
					)}</a></div>`
				);
			}
		});
	}

	if (form.name === "my-budget-plan") {
		// Insight (GDPR art. 15): everything stored about the citizen, from /my-data.
		$summary.append(`<div class="mt-1 small"><a href="/my-data">${__("My data: everything we store about you")}</a></div>`);
	}

	if (doc.status === PLAN_STATUS.submitted && form.name === "budget-plan") {
		$summary.append(
			`<div class="mt-2"><a class="btn btn-sm btn-primary" href="/plan-assessment/new?budget_plan=${encodeURIComponent(
				doc.name
			)}">${__("Assess This Plan")}</a></div>`
		);
	}

	if (PLAN_STATUS.editable.includes(doc.status) && frappe.web_form_doc.in_edit_mode) {
		const $submit = $(
			`<button type="button" class="btn btn-default btn-md submit-for-assessment">${__(
				"Submit for Assessment"
			)}</button>`
		);
		$(".web-form-footer .right-area, .web-form-footer").first().prepend($submit);
		$submit.on("click", () => {
			if (frappe.form_dirty) {
				frappe.msgprint(__("Save your changes first."));
				return;
			}
			frappe.confirm(__("Submit the plan to your caseworker? You cannot change it afterwards."), () =>
				frappe.call({
					method: "run_doc_method",
					args: { dt: "Budget Plan", dn: doc.name, method: "submit_for_assessment" },
					freeze: true,
					callback: (r) => {
						if (!r.exc) {
							frappe.msgprint(__("Your plan has been submitted for assessment."));
							setTimeout(() => (window.location.href = `/${form.route}/${doc.name}`), 1500);
						}
					},
				})
			);
		});
	}
});
