"""The citizen's e-mail for notifications (a MitID login brings none)."""

import frappe
from frappe import _

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see this page."), frappe.PermissionError)
	context.title = _("Your e-mail")
	# The citizen's own record, found by their user (citizens do not read Participant records).
	context.email = (
		frappe.get_all(
			"Participant",
			filters={"user": frappe.session.user},
			pluck="email",
			limit=1,
			ignore_permissions=True,
		)
		or [""]
	)[0]
	context.no_breadcrumbs = True
	return context
