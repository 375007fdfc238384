"""The citizen's representatives, and revoking one: one step, at once."""

import frappe
from frappe import _
from frappe.utils import getdate, today

from borgerbudget import rules

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see this page."), frappe.PermissionError)
	# The citizen's own records, found by their user (citizens do not read Participant records).
	mine = frappe.get_all(
		"Participant", filters={"user": frappe.session.user}, pluck="name", ignore_permissions=True
	)
	rows = frappe.get_all(
		"Representative",
		filters={"participant": ("in", mine or [""])},
		fields=[
			"name",
			"representative_name",
			"representative",
			"scope",
			"valid_from",
			"valid_to",
			"revoked_on",
		],
		order_by="creation desc",
		ignore_permissions=True,
	)
	for row in rows:
		row.status = rules.representation.status(
			getdate(row.valid_from), row.valid_to and getdate(row.valid_to), row.revoked_on, getdate(today())
		)
	context.title = _("Your representatives")
	context.representatives = rows
	context.active = rules.representation.ACTIVE
	context.no_breadcrumbs = True
	return context
