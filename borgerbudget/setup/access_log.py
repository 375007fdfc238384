"""The record of who opened a citizen's record (borgerbudget/access_log.py) lives in frappe's Access
Log: its `participant` field, the index the auditor's per-user question needs, and the auditor's
read; and their removal on uninstall. Access Log is otherwise frappe's: System Manager only."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from borgerbudget.permissions import AUDITOR

ACCESS_LOG_FIELDS = {
	"Access Log": [
		{
			"fieldname": "participant",
			"label": "Participant",
			"fieldtype": "Link",
			"options": "Participant",
			"insert_after": "reference_document",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"in_standard_filter": 1,
		}
	]
}
# "What did this user open", newest first.
USER_INDEX = ("user", "timestamp")
AUDITOR_RIGHTS = ("read", "report", "export")


def setup_access_log():
	create_custom_fields(ACCESS_LOG_FIELDS, ignore_validate=True)
	frappe.db.add_index("Access Log", list(USER_INDEX))
	grant_auditor_read()


def grant_auditor_read():
	"""The auditor reads the log (and its report); caseworkers never browse who looked at what."""
	from frappe.permissions import add_permission, update_permission_property

	# Once granted, a site's own changes to the rule are kept.
	if frappe.db.exists("Custom DocPerm", {"parent": "Access Log", "role": AUDITOR, "permlevel": 0}):
		return
	add_permission("Access Log", AUDITOR)
	for ptype in AUDITOR_RIGHTS[1:]:
		update_permission_property("Access Log", AUDITOR, 0, ptype, 1, validate=False)


def remove_access_log_setup():
	for doctype, fields in ACCESS_LOG_FIELDS.items():
		for df in fields:
			frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]})
		frappe.clear_cache(doctype=doctype)
