"""A representative chooses whose plan to work on, when they act for more than one citizen."""

import frappe
from frappe import _

from borgerbudget import rules
from borgerbudget.representation import choices

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see this page."), frappe.PermissionError)
	context.title = _("Whose plan are you working on?")
	context.citizens = choices()
	context.read = rules.representation.READ
	context.no_breadcrumbs = True
	return context
