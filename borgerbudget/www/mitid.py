"""Where a MitID login that did not end in the portal lands: said in plain Danish."""

import frappe
from frappe import _

no_cache = 1


def get_context(context):
	status = frappe.form_dict.get("status")
	if status == "not-registered":
		context.title = _("You are not registered yet")
		context.message = _(
			"You logged in with MitID, but your jobcenter has not registered you for a citizen's budget yet. If you have agreed a course with your caseworker, ask them to register you, and try again afterwards."
		)
	else:
		context.title = _("The login did not succeed")
		context.message = _(
			"We could not log you in with MitID this time. Nothing has been saved. Try again, and contact your jobcenter if it keeps happening."
		)
	context.no_breadcrumbs = True
	return context
