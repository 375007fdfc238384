// Insight (GDPR art. 15): the caseworker's export of a participant's data, from the Participant
// and the Insight Request forms. The server checks who may export, and logs every export.
frappe.provide("borgerbudget");

borgerbudget.insight_dialog = function (participant, request, after) {
	const dialog = new frappe.ui.Dialog({
		title: __("Insight"),
		fields: [
			{
				fieldname: "file_format",
				fieldtype: "Select",
				label: __("Format"),
				options: [
					{ value: "pdf", label: __("PDF for people") },
					{ value: "json", label: __("JSON for machines") },
				],
				default: "pdf",
				reqd: 1,
			},
			{
				fieldname: "internal",
				fieldtype: "Check",
				label: __("Include internal notes"),
				description: __("Marked as internal: decide what the citizen is given of them."),
				default: 1,
			},
			{
				fieldname: "insight_request",
				fieldtype: "Link",
				label: __("Deliver Request"),
				options: "Insight Request",
				default: request || "",
				get_query: () => ({ filters: { participant, status: "Open" } }),
				description: __("The export is registered as the answer to this request."),
			},
		],
		primary_action_label: __("Download"),
		primary_action(values) {
			open_url_post("/api/method/borgerbudget.insight.caseworker_export", {
				participant,
				file_format: values.file_format,
				internal: values.internal ? 1 : 0,
				insight_request: values.insight_request || "",
			});
			dialog.hide();
			if (after) setTimeout(after, 2000);
		},
	});
	dialog.show();
};
