"""A request that meets a deadlock is run again, a bounded number of times.

Two transactions that lock rows in crossing order (here: ERPNext's own documents and their
ledgers, which the app does not order) make MariaDB roll one of them back whole (error 1213).
Nothing of it is kept, so running the same request again is safe: the desk's and the API's save,
submit, cancel and workflow calls, the web forms, the app's own money methods and the citizen
portal's saves go through `retrying`, and frappe's own REST writes (/api/resource) are run again after the fact by
`rerun_rest_write`. A retry is written to the Error Log ("Deadlock retried"), where an admin sees how often
it happens; only when every attempt meets a deadlock does the user get a clear "the system was
busy, nothing was saved" (HTTP 409), never a traceback.
"""

import copy
import functools
import importlib
import random
import re
import time

import frappe
from frappe import _

ATTEMPTS = 4


class SystemBusy(frappe.ValidationError):
	http_status_code = 409


def retrying(function):
	@functools.wraps(function)
	def call(*args, **kwargs):
		# A fresh copy each time: a method may change the arguments it was given.
		return attempts(
			lambda: function(*copy.deepcopy(args), **copy.deepcopy(kwargs)),
			f"{function.__module__}.{function.__qualname__}",
		)

	return call


def attempts(once, label, first=1):
	"""`once()`, run again after each deadlock up to ATTEMPTS in all (`first` counts one already failed)."""
	for attempt in range(first, ATTEMPTS + 1):
		try:
			return once()
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			frappe.local.message_log = []
			if attempt == ATTEMPTS:
				frappe.throw(
					_("The system was busy and nothing was saved. Please try again."),
					SystemBusy,
					title=_("System busy"),
				)
			pause(label, attempt)


def pause(label, attempt):
	"""Log the retry and wait a moment. The attempt was rolled back, so the transaction holds only the
	log, and committing it keeps the count even if a later attempt fails too."""
	frappe.log_error(
		title="Deadlock retried",
		message=f"{label}, attempt {attempt} of {ATTEMPTS}, by {frappe.session.user}",
	)
	frappe.db.commit()
	time.sleep(random.uniform(0.02, 0.1) * attempt)


# Inserts, updates and deletes of a record; not `run_method` (a POST to a named record), whose method may do
# things outside the database that a second run would do again.
REST_WRITE = re.compile(
	r"^/api/(?:v1/|v2/document/(?=.))?(?:resource/)?(?P<doctype>[^/]+)(?:/(?P<name>[^/]+))?/?$"
)


def rerun_rest_write(response, request):
	"""after_request: a write through frappe's REST routes that met a deadlock is run again.

	frappe routes /api/resource POST, PUT and DELETE to functions of its own that no hook can wrap,
	so this is the one place to retry them: by now frappe has rolled the request back and built its
	500 answer, which is replaced by the answer of the run that got through (or by the refusal).
	"""
	if not (
		response is not None
		and response.status_code == 500
		and request.method in ("POST", "PUT", "PATCH", "DELETE")
		and rest_write_of_app(request)
		and deadlocked(frappe.local.response)
	):
		return
	from frappe.api import handle
	from frappe.app import handle_exception, make_form_dict

	from borgerbudget.lost_database import is_lost

	def once():
		frappe.local.response = frappe._dict({"docs": []})
		frappe.local.error_log = []
		frappe.local.message_log = []
		make_form_dict(request)  # a run may have consumed some of its arguments
		answer = handle(request)
		frappe.db.commit()
		return answer

	label = f"{request.method} {request.path}"
	try:
		frappe.db.rollback()
		pause(label, 1)
		answer = attempts(once, label, first=2)
	except Exception as error:
		if not is_lost(error):
			frappe.db.rollback()
		answer = handle_exception(error)  # frappe's, as the app wraps it for a lost database
	response.status_code = answer.status_code
	response.headers = answer.headers
	response.set_data(answer.get_data())


def rest_write_of_app(request) -> bool:
	"""A REST insert, update or delete of one of this app's doctypes (whose writes are all in the
	database); other apps' documents are left to them."""
	from urllib.parse import unquote

	from borgerbudget.permissions import is_app_doctype

	path = request.path
	if not (path.startswith(("/api/resource/", "/api/v1/resource/", "/api/v2/document/"))):
		return False
	found = REST_WRITE.match(path.replace("/api/v1/resource/", "/api/resource/"))
	if not found or (request.method == "POST" and found["name"]):
		return False  # POST to a named record runs one of its methods
	return is_app_doctype(unquote(found["doctype"]))


def deadlocked(answer):
	"""Whether frappe's JSON error answer (v1 or v2 of its API) is for a deadlock."""
	names = [answer.get("exc_type")] + [error.get("type") for error in answer.get("errors") or []]
	return "QueryDeadlockError" in names


def _frappe(path, methods=("POST", "PUT")):
	"""frappe's whitelisted method at `path`, whitelisted again with retries.

	functools.wraps gives the wrapper frappe's module, signature and type hints: frappe checks the
	arguments against its own hints, and this app's require_type_annotated_api_methods (which a
	frappe that reads it applies by the function's module) does not reach it."""
	module, name = path.rsplit(".", 1)
	return frappe.whitelist(methods=list(methods))(retrying(getattr(importlib.import_module(module), name)))


savedocs = _frappe("frappe.desk.form.save.savedocs")
cancel_doc = _frappe("frappe.desk.form.save.cancel")
insert = _frappe("frappe.client.insert")
save = _frappe("frappe.client.save")
submit = _frappe("frappe.client.submit")
cancel = _frappe("frappe.client.cancel")
set_value = _frappe("frappe.client.set_value")
apply_workflow = _frappe("frappe.model.workflow.apply_workflow", methods=("GET", "POST", "PUT"))
