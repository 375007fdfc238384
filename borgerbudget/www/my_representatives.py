"""The citizen's representatives, and revoking one: one step, at once."""

import frappe
from frappe import _

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.representative.representative import status_of

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
		row.status = status_of(row)
	context.title = _("Your representatives")
	context.representatives = rows
	# A representation that has not begun yet can be taken back too.
	context.revocable = (rules.representation.ACTIVE, rules.representation.NOT_YET)
	context.read = rules.representation.READ
	context.no_breadcrumbs = True
	return context
