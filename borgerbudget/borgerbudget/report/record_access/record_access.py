# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""For the auditor: who opened a citizen's records, when and by which route (desk, REST, report,
export, print). By participant it answers "who looked at my case", by user "what did this user
open". The entries are frappe's Access Log, written by borgerbudget/access_log.py."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from borgerbudget import access_log


def execute(filters=None):
	# The report's roles and Access Log's own permission say the same; the log is too sensitive to
	# rest on one of them.
	if not frappe.has_permission("Access Log", "report"):
		frappe.throw(_("Only the auditor reads who opened a record."), frappe.PermissionError)
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns():
	return [
		{"fieldname": "timestamp", "label": _("Timestamp"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "full_name", "label": _("Full Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "doctype", "label": _("Document Type"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "record",
			"label": _("Record"),
			"fieldtype": "Dynamic Link",
			"options": "doctype_name",
			"width": 170,
		},
		{"fieldname": "route", "label": _("Opened Via"), "fieldtype": "Data", "width": 100},
		{"fieldname": "report", "label": _("Report"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "participant",
			"label": _("Participant"),
			"fieldtype": "Link",
			"options": "Participant",
			"width": 130,
		},
		{"fieldname": "doctype_name", "label": _("Document Type"), "fieldtype": "Data", "hidden": 1},
	]


def route_label(method):
	labels = {
		access_log.DESK: _("Desk"),
		access_log.REST: _("REST"),
		access_log.REPORT: _("Report"),
		access_log.EXPORT: _("Export"),
		access_log.PRINT: _("Print"),
	}
	return labels.get(method, method)


def data(filters):
	log = frappe.qb.DocType("Access Log")
	user = frappe.qb.DocType("User")
	query = (
		frappe.qb.from_(log)
		.left_join(user)
		.on(user.name == log.user)
		.select(
			log.timestamp,
			log.user,
			user.full_name,
			log.export_from,
			log.reference_document,
			log.method,
			log.report_name,
			log.participant,
		)
		# A citizen's records, and the app's reports that name no one (a pseudonymised export).
		.where(
			log.participant.isnotnull()
			| (log.method.isin([access_log.REPORT, access_log.EXPORT]) & log.report_name.isnotnull())
		)
		.orderby(log.timestamp, order=frappe.qb.desc)
	)
	if filters.participant:
		query = query.where(log.participant == filters.participant)
	if filters.user:
		query = query.where(log.user == filters.user)
	if filters.doctype:
		query = query.where(log.export_from == filters.doctype)
	if filters.from_date:
		query = query.where(log.timestamp >= getdate(filters.from_date))
	if filters.to_date:
		query = query.where(log.timestamp < add_days(getdate(filters.to_date), 1))
	return [
		{
			"timestamp": row.timestamp,
			"user": row.user,
			"full_name": row.full_name,
			"doctype": _(row.export_from) if row.export_from else None,
			"doctype_name": row.export_from,
			"record": row.reference_document,
			"route": route_label(row.method),
			"report": _(row.report_name) if row.report_name else None,
			"participant": row.participant,
		}
		for row in query.run(as_dict=True)
	]
