// The filters every evaluation report shares: per programme, per cohort and per variant.
frappe.provide("borgerbudget");

borgerbudget.evaluation_filters = (extra = []) => [
	{ fieldname: "programme", label: __("Programme"), fieldtype: "Link", options: "Budget Programme" },
	{ fieldname: "cohort", label: __("Cohort"), fieldtype: "Link", options: "Cohort" },
	{
		fieldname: "course_variant",
		label: __("Course Variant"),
		fieldtype: "Select",
		options: [
			{ value: "", label: "" },
			{ value: "Collective", label: __("Collective") },
			{ value: "Individual", label: __("Individual") },
		],
	},
	{
		fieldname: "recruitment_route",
		label: __("Recruitment Route"),
		fieldtype: "Select",
		options: [
			{ value: "", label: "" },
			{ value: "Random draw", label: __("Random draw") },
			{ value: "Designated by caseworker", label: __("Designated by caseworker") },
		],
	},
	...extra,
];
