// Copyright (c) 2026, Borgerbudget contributors
// For license information, please see license.txt

frappe.ui.form.on("Draw", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1) {
			frm.set_intro(
				__("Submitting the draw picks the places from the eligible participants in Screening. It cannot be undone.")
			);
			return;
		}
		frm.add_custom_button(__("Verify Draw"), () =>
			frm.call("verify").then((r) => {
				const ok = r.message.fingerprint_matches && r.message.result_matches;
				frappe.msgprint({
					title: ok ? __("The draw checks out") : __("The draw does not match"),
					indicator: ok ? "green" : "red",
					message: ok
						? __("Recomputed from the recorded seed and pool, the draw gives the same fingerprint and the same result.")
						: __("The recorded pool or result differs from what the seed gives."),
				});
			})
		);
	},
});
