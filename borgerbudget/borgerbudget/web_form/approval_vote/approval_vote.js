frappe.ready(function () {});
