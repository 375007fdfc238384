frappe.listview_settings["Budget Plan Amendment"] = {
	get_indicator(doc) {
		const colours = {
			Draft: "gray",
			"Awaiting Assessment": "orange",
			Approved: "green",
			"Needs Revision": "yellow",
			Rejected: "red",
			Cancelled: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
