// The assessment web form: its state and the workflow's next actions as buttons. The actions
// go through frappe's apply_workflow, the same server path as the desk's Actions menu.
// (Rendered with Jinja: approval_messages comes from borgerbudget.portal.approval_form_context.)
Object.assign(frappe._messages, {{ approval_messages | json }});

frappe.ready(() => {
	const form = frappe.web_form;
	if (!form || !form.doc || !form.doc.name || frappe.web_form_doc.is_list) return;
	const doc = form.doc;
	const $bar = $(`<div class="approval-state alert alert-info"></div>`);
	$(".web-form-wrapper").before($bar);
	$bar.html(
		`<div><b>${__("Status")}:</b> ${__(doc.workflow_state)}` +
			(doc.classification ? ` · ${__(doc.classification)}` : "") +
			`</div>`
	);
	if (doc.docstatus !== 0) return;
	frappe
		.call("frappe.model.workflow.get_transitions", { doc: { doctype: doc.doctype, name: doc.name } })
		.then((r) => {
			const transitions = r.message || [];
			if (!transitions.length) return;
			const $actions = $(`<div class="mt-2"><b>${__("Next step")}:</b> </div>`).appendTo($bar);
			transitions.forEach((transition) => {
				$(`<button class="btn btn-sm btn-primary ml-2"></button>`)
					.text(__(transition.action))
					.on("click", () => {
						if (frappe.form_dirty) {
							frappe.msgprint(__("Save your changes first."));
							return;
						}
						frappe
							.call("frappe.model.workflow.apply_workflow", {
								doc: { doctype: doc.doctype, name: doc.name },
								action: transition.action,
							})
							.then(() => window.location.reload());
					})
					.appendTo($actions);
			});
		});
});
