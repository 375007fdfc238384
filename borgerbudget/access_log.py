"""Who opened a citizen's record: every open of a participant's record by a staff user, on every
route (the desk's form, REST, the app's reports, exports and prints), in frappe's own Access Log,
with the app's `participant` field (setup/access_log.py) so a citizen's case can be answered for.

Entries are collected during the request and written in one insert after the response has gone
out (frappe's `after_response`), so a form load does not wait for them. Outside a request (a test,
the console) they are written at once, in the caller's transaction.
"""

import re

import frappe

from borgerbudget import permissions

DESK = "Desk"
REST = "REST"
REPORT = "Report"
EXPORT = "Export"
PRINT = "Print"
ROUTES = (DESK, REST, REPORT, EXPORT, PRINT)

# The benchmark's server turns this off to measure what the record costs; nothing else does.
RECORDING = True

# The app's records of a citizen, by their participant field. The logs themselves are not
# records of the case, and notes and votes are opened with their plan or approval.
NOT_LOGGED = frozenset({"CPR Access Log", "MitID Login", "Representative Action"})
LOGGED = {
	doctype: field
	for doctype, field in permissions.PARTICIPANT_OF.items()
	if isinstance(field, str) and doctype not in NOT_LOGGED
}

# frappe's REST routes that read one document.
REST_DOCUMENT = re.compile(r"^/api/(?:resource|v2/document)/([^/]+)/([^/]+)/?$")
REPORTVIEW_EXPORT = "frappe.desk.reportview.export_query"
QUERY_REPORT_EXPORT = "frappe.desk.query_report.export_query"
DOWNLOAD_PDF = "frappe.utils.print_format.download_pdf"
CLIENT_GET = "frappe.client.get"

FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"user",
	"timestamp",
	"export_from",
	"reference_document",
	"participant",
	"method",
	"report_name",
	"filters",
	"file_type",
)


def is_staff(user=None) -> bool:
	"""A desk user at work: not a citizen or their representative (website users), not a job or
	the console (Administrator outside a request)."""
	user = user or frappe.session.user
	if user == "Guest":
		return False
	if user == "Administrator":
		return bool(getattr(frappe.local, "request", None))
	return frappe.get_cached_value("User", user, "user_type") == "System User" and not permissions.is_citizen(
		user
	)


def participant_of(doctype, name):
	field = LOGGED.get(doctype)
	if not field or not name:
		return None
	if field == "name":
		return name
	return frappe.db.get_value(doctype, name, field)


def record(route, doctype=None, name=None, participant=None, **details):
	"""An entry for the session user (when staff). `participant` may be left out for a record of
	a logged doctype: it is then looked up when the entry is written, after the response."""
	user = frappe.session.user
	if not RECORDING or not is_staff(user):
		return
	entry = {
		"user": user,
		"timestamp": frappe.utils.now(),
		"export_from": doctype,
		"reference_document": name,
		"participant": participant,
		"method": route,
		**details,
	}
	_queue(lambda: [entry])


def record_many(route, participants, **details):
	"""One entry per participant shown (a report's rows, an export), or one naming none."""
	for participant in sorted(set(filter(None, participants))) or [None]:
		record(route, participant=participant, **details)


def _queue(make_entries):
	request = getattr(frappe.local, "request", None)
	if not (request and hasattr(request, "after_response")):
		_write(make_entries())
		return
	pending = frappe.flags.get("access_log_pending")
	if pending is None:
		pending = frappe.flags.access_log_pending = []
		request.after_response.add(_flush)
	pending.append(make_entries)


def _flush():
	"""After the response: the request's entries in one insert and their own commit."""
	pending = frappe.flags.pop("access_log_pending", None) or []
	try:
		_write([entry for make_entries in pending for entry in make_entries()])
		frappe.db.commit()
	except Exception:
		# After the response nothing may escape: frappe would skip closing the request.
		frappe.db.rollback()
		frappe.log_error("Access Log not written")
		frappe.db.commit()


@frappe.write_only()  # a report run on the read replica still logs on the primary
def _write(entries):
	rows = []
	for entry in entries:
		if (
			entry.get("participant") is None
			and entry.get("reference_document")
			and entry.get("export_from") in LOGGED
		):
			entry["participant"] = participant_of(entry["export_from"], entry["reference_document"])
			if not entry["participant"]:
				# Not a citizen's record: an ordinary supplier, an e-invoice matched to no one.
				continue
		if entry.get("filters") is not None and not isinstance(entry["filters"], str):
			entry["filters"] = frappe.as_json(entry["filters"], indent=None)
		entry.update(
			name=frappe.generate_hash(length=10),
			creation=entry["timestamp"],
			modified=entry["timestamp"],
			owner=entry["user"],
			modified_by=entry["user"],
		)
		rows.append(tuple(entry.get(field) for field in FIELDS))
	if rows:
		frappe.db.bulk_insert("Access Log", FIELDS, rows)


def called_method(request=None) -> str | None:
	"""The whitelisted method a request calls: /api/method/<method>, or the desk's older form
	posts (cmd=<method>), which its exports use."""
	request = request or frappe.local.request
	if request.path.startswith("/api/method/"):
		return request.path[len("/api/method/") :].strip("/")
	return frappe.form_dict.get("cmd")


def report_route() -> str:
	"""A report's rows are seen in the desk's report (REST alike) or exported to a file."""
	request = getattr(frappe.local, "request", None)
	return EXPORT if request and called_method(request) == QUERY_REPORT_EXPORT else REPORT


# The routes, each where it can see which record was opened.


def record_form(doctype, name):
	"""The desk's form (permissions.getdoc, after frappe's own)."""
	if doctype in LOGGED:
		docs = frappe.response.get("docs") or []
		doc = docs[-1] if docs else None
		participant = None
		if doc is not None and doc.doctype == doctype:
			participant = doc.name if LOGGED[doctype] == "name" else doc.get(LOGGED[doctype])
		record(DESK, doctype, name, participant)


def record_report(report_name, filters, participants=()):
	"""A run (or an export) of one of the app's reports that shows participants' rows."""
	record_many(report_route(), participants, report_name=report_name, filters=filters or None)


def after_request(response=None, request=None):
	"""hooks.py after_request: the routes that are not the app's own methods. Only what was
	answered (200) is recorded; the participant is looked up after the response."""
	if not RECORDING or not response or response.status_code != 200 or not request:
		return
	if not getattr(frappe.local, "initialised", False) or not is_staff():
		return
	if request.method == "GET" and (match := REST_DOCUMENT.match(request.path)):
		doctype, name = match.groups()
		if doctype in LOGGED:
			record(REST, doctype, name)
		return
	if request.path == "/printview":
		doctype, name = frappe.form_dict.get("doctype"), frappe.form_dict.get("name")
		if doctype in LOGGED and isinstance(name, str):
			# frappe writes its own entry for a print ("Print"): it is given the participant.
			user = frappe.session.user
			_queue(lambda: _name_printed(user, doctype, name))
		return
	method = called_method(request)
	if method == CLIENT_GET:
		doctype, name = frappe.form_dict.get("doctype"), frappe.form_dict.get("name")
		if doctype in LOGGED and isinstance(name, str):
			record(REST, doctype, name)
	elif method == DOWNLOAD_PDF:
		doctype, name = frappe.form_dict.get("doctype"), frappe.form_dict.get("name")
		if doctype in LOGGED and isinstance(name, str):
			record(PRINT, doctype, name, file_type="PDF")
	elif method == REPORTVIEW_EXPORT:
		_record_export(dict(frappe.form_dict))


def _name_printed(user, doctype, name):
	table = frappe.qb.DocType("Access Log")
	participant = participant_of(doctype, name)
	if participant:
		(
			frappe.qb.update(table)
			.set(table.participant, participant)
			.where(
				(table.user == user)
				& (table.export_from == doctype)
				& (table.reference_document == name)
				& (table.method == PRINT)
				& table.participant.isnull()
			)
		).run()
	return []


def _record_export(form):
	"""frappe's report view export writes its own entry (the doctype and the filters, no method);
	the app's name every participant in the file: the export's own query, run again after the
	response, as the same user and within the same permissions."""
	doctype = form.get("doctype")
	if doctype not in LOGGED:
		return

	def entries():
		filters = frappe.parse_json(form.get("filters")) or {}
		if selected := form.get("selected_items"):
			filters = {"name": ("in", frappe.parse_json(selected))}
		field = LOGGED[doctype]
		participants = frappe.get_list(
			doctype,
			filters=filters,
			or_filters=frappe.parse_json(form.get("or_filters")) or None,
			pluck=field,
			distinct=True,
			limit_page_length=0,
		)
		details = {
			"export_from": doctype,
			"method": EXPORT,
			"report_name": form.get("report_name") or form.get("title"),
			"filters": form.get("filters"),
			"file_type": form.get("file_format_type"),
			"user": frappe.session.user,
			"timestamp": frappe.utils.now(),
		}
		return [
			{**details, "participant": participant} for participant in sorted(set(filter(None, participants)))
		]

	_queue(entries)
