frappe.listview_settings["Participant"] = {
	get_indicator(doc) {
		const colours = {
			Screening: "blue",
			Offered: "orange",
			Accepted: "purple",
			Declined: "gray",
			"Not Eligible": "red",
			Enrolled: "green",
		};
		return [__(doc.status), colours[doc.status], "status,=," + doc.status];
	},
};
