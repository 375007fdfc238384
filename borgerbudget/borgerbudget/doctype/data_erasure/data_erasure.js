// The administrator's decision on a participant past retention. The server decides who may, and
// what erasure does (borgerbudget/erasure.py); this form only asks it.
frappe.ui.form.on("Data Erasure", {
	refresh(frm) {
		if (frm.doc.status !== "Proposed") return;
		frm.add_custom_button(__("Dry Run"), () =>
			frm.call("run_dry_run").then(({ message }) => show_dry_run(frm, message))
		);
		frm.add_custom_button(__("Keep"), () =>
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason To Keep"), reqd: 1 },
				({ reason }) => frm.call("keep", { reason }).then(() => frm.reload_doc()),
				__("Keep the personal data")
			)
		);
		frm.add_custom_button(__("Erase"), () =>
			frappe.confirm(
				__("Erase this citizen's personal data now? It cannot be undone."),
				() => frm.call("erase").then(() => frm.reload_doc())
			)
		).addClass("btn-danger");
	},
});

function show_dry_run(frm, { summary, money_open }) {
	const esc = frappe.utils.escape_html;
	let html = "";
	if (money_open.length) {
		html += `<div class="alert alert-warning">${__("Erasure is refused while money is open:")}<ul>${money_open
			.map((reason) => `<li>${esc(reason)}</li>`)
			.join("")}</ul></div>`;
	}
	html += `<table class="table table-bordered table-sm"><thead><tr><th>${__("What")}</th><th>${__(
		"Records"
	)}</th></tr></thead><tbody>`;
	for (const [what, names] of Object.entries(summary)) {
		html += `<tr><td>${esc(what)}</td><td>${names.map(esc).join(", ")}</td></tr>`;
	}
	html += "</tbody></table>";
	frm.get_field("dry_run").$wrapper.html(html);
}
