"""Mine data (GDPR art. 15): the citizen downloads everything stored about them, as a PDF and as
JSON; a representative, that of the citizens they represent (borgerbudget/insight.py)."""

import frappe
from frappe import _

from borgerbudget.representation import choices

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see this page."), frappe.PermissionError)
	# The citizen's own records (one per programme), found by their user.
	own = frappe.get_all(
		"Participant",
		filters={"user": frappe.session.user},
		fields=["name", "programme"],
		order_by="creation",
		ignore_permissions=True,
	)
	records = [
		frappe._dict(
			participant=row.name,
			label=_("Your data in {0}").format(
				frappe.db.get_value("Budget Programme", row.programme, "programme_name") or row.programme
			),
		)
		for row in own
	]
	records += [
		frappe._dict(participant=row.participant, label=_("Data about {0}").format(row.participant_name))
		for row in choices()
	]
	context.title = _("My data")
	context.records = records
	context.formats = [("pdf", _("Download PDF")), ("json", _("Download JSON"))]
	context.no_breadcrumbs = True
	return context
