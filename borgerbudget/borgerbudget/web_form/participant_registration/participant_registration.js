frappe.ready(function () {
	// Eligibility, masking and deadlines are computed on the server when the form is saved.
});
