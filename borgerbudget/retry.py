"""A request that meets a deadlock is run again, a bounded number of times.

Two transactions that lock rows in crossing order (here: ERPNext's own documents and their
ledgers, which the app does not order) make MariaDB roll one of them back whole (error 1213).
Nothing of it is kept, so running the same request again is safe: the desk's and the API's save,
submit, cancel and workflow calls, the web forms and the app's own money methods go through
`retrying`. A retry is written to the Error Log ("Deadlock retried"), where an admin sees how often
it happens; only when every attempt meets a deadlock does the user get a clear "the system was
busy, nothing was saved" (HTTP 409), never a traceback.
"""

import copy
import functools
import importlib
import random
import time

import frappe
from frappe import _

ATTEMPTS = 4


class SystemBusy(frappe.ValidationError):
	http_status_code = 409


def retrying(function):
	@functools.wraps(function)
	def call(*args, **kwargs):
		for attempt in range(1, ATTEMPTS + 1):
			try:
				# A fresh copy each time: a method may change the arguments it was given.
				return function(*copy.deepcopy(args), **copy.deepcopy(kwargs))
			except frappe.QueryDeadlockError:
				frappe.db.rollback()
				frappe.local.message_log = []
				if attempt == ATTEMPTS:
					frappe.throw(
						_("The system was busy and nothing was saved. Please try again."),
						SystemBusy,
						title=_("System busy"),
					)
				note_retry(function, attempt)
				time.sleep(random.uniform(0.02, 0.1) * attempt)

	return call


def note_retry(function, attempt):
	frappe.log_error(
		title="Deadlock retried",
		message=f"{function.__module__}.{function.__qualname__}, attempt {attempt} of {ATTEMPTS}, by {frappe.session.user}",
	)


def _frappe(path, methods=("POST", "PUT")):
	"""frappe's whitelisted method at `path`, whitelisted again with retries."""
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
