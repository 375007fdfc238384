"""When the database goes away during a request (restarted, failed over, the network cut), the user
gets a clear answer in their language (HTTP 503), never a traceback or a bare error page.

What frappe v15 does by itself is sound for the data: the request's transaction dies with its
connection and MariaDB rolls it back whole, and the next request opens a new connection, so the
server goes on by itself once the database is back. Its answer is not: a JSON error carrying the
traceback, or, for a write (frappe's rollback after the error runs on the dead connection and raises
again) and for a connection lost in the commit, an exception that escapes frappe, to which gunicorn
answers with its bare "Internal Server Error" page.

frappe gives no hook for a failing request, so `install` (a `before_request` hook) wraps the two
functions of `frappe.app` such an error passes through, `handle_exception` and `sync_database`:

- the connection is dropped for the rest of the request (`frappe.local.db = None`), so frappe does
  not use it again, for its rollback or to read whether to show tracebacks; a refusal for another
  reason (a deadlock, say) is rolled back here, where a connection lost meanwhile is caught;
- the answer is `DatabaseUnavailable` (503, with Retry-After) saying that nothing was saved, or,
  when the connection was lost inside the commit, that the change may or may not have been saved
  (MariaDB may have committed it before the connection went);
- lost after the commit (in the session's update), or in the rollback that ends a read, the
  request's own answer stands.

Until a worker process has run the hook once, frappe answers as before: only a request that fails
in frappe's own set-up (before the hooks; with Redis's cache warm it reads no database there) in a
worker that has not served one yet.
"""

import threading
import traceback
from contextlib import suppress
from html import escape

import frappe
import pymysql

# The connection is gone, as opposed to a statement refused (a deadlock, a duplicate, a timeout).
LOST = {
	1053,  # server shutdown in progress
	1927,  # connection was killed
	2002,  # cannot connect through the socket
	2003,  # cannot connect (refused)
	2006,  # server has gone away
	2013,  # lost connection during query
	2055,  # lost connection at reading or writing
}
RETRY_AFTER = "10"

TITLE = "Please try again in a moment"
NOTHING_SAVED = "The database could not be reached, and nothing was saved. Please try again in a moment."
MAYBE_SAVED = (
	"The connection to the database was lost while your change was being saved. "
	"Check whether it was saved before you try again."
)


class DatabaseUnavailable(frappe.ValidationError):
	http_status_code = 503


_installing = threading.Lock()


def install():
	"""before_request: wrap frappe.app's error handling and commit, once per process."""
	from frappe import app

	if getattr(app.handle_exception, "lost_database", False):
		return
	with _installing:
		if getattr(app.handle_exception, "lost_database", False):
			return
		app.handle_exception = _handle_exception(app.handle_exception)
		app.sync_database = _sync_database(app.sync_database)


def _handle_exception(frappe_handle):
	def handle_exception(e):
		if isinstance(e, DatabaseUnavailable):
			return frappe_handle(e)
		if not is_lost(e):
			response = frappe_handle(e)
			# A refusal (a deadlock, a validation) whose rollback finds the database gone.
			return response if rolled_back() else answer(False, frappe_handle)
		maybe_saved = in_commit(e)
		forget_connection()
		return answer(maybe_saved, frappe_handle)

	handle_exception.lost_database = True
	return handle_exception


def _sync_database(frappe_sync):
	def sync_database(rollback):
		try:
			return frappe_sync(rollback)
		except Exception as e:
			if not is_lost(e):
				raise
			from frappe.utils.error import log_error_snapshot

			log_error_snapshot(e)
			# The answer is built already; after_request replaces it (`answer_lost_commit`).
			frappe.local.flags.lost_database_in_commit = in_commit(e)
			forget_connection()
			return False

	return sync_database


def answer_lost_commit(response=None, request=None):
	"""after_request: a request whose commit lost the connection says so instead of its answer."""
	if response is None or not frappe.local.flags.get("lost_database_in_commit"):
		return
	from frappe import app

	lost = answer(True, app.handle_exception)
	response.status_code = lost.status_code
	response.headers = lost.headers
	response.set_data(lost.get_data())


def is_lost(error) -> bool:
	"""Whether `error`, or an error it was raised from or while handling, is a lost connection."""
	seen = set()
	while error is not None and id(error) not in seen:
		seen.add(id(error))
		if isinstance(error, pymysql.err.InterfaceError):  # a query on a connection already closed
			return True
		if isinstance(error, pymysql.err.OperationalError) and error.args and error.args[0] in LOST:
			return True
		error = error.__cause__ or error.__context__
	return False


def in_commit(error) -> bool:
	"""Whether the connection was lost inside frappe's commit, when MariaDB may have committed."""
	from frappe.database.database import Database

	seen = set()
	while error is not None and id(error) not in seen:
		seen.add(id(error))
		for frame, _line in traceback.walk_tb(error.__traceback__):
			if frame.f_code.co_name == "commit" and isinstance(frame.f_locals.get("self"), Database):
				return True
		error = error.__cause__ or error.__context__
	return False


def rolled_back() -> bool:
	"""frappe rolls a failed write back after answering it, where a lost connection escapes it:
	roll back here first, where it is caught. False when the connection is gone."""
	from frappe.app import UNSAFE_HTTP_METHODS

	if not frappe.db or frappe.local.request.method not in UNSAFE_HTTP_METHODS:
		return True
	try:
		frappe.db.rollback()
	except Exception as error:
		if not is_lost(error):
			raise
		forget_connection()
		return False
	return True


def forget_connection():
	db = getattr(frappe.local, "db", None)
	frappe.local.db = None
	if db:
		with suppress(Exception):
			db.close()


def answer(maybe_saved, frappe_handle):
	# Nothing of an answer begun before (a refusal's traceback, a success's message) is sent.
	frappe.local.response = frappe._dict({"docs": []})
	frappe.local.message_log = []
	frappe.local.error_log = []
	frappe.local.debug_log = []
	title = translated(TITLE)
	message = translated(MAYBE_SAVED if maybe_saved else NOTHING_SAVED)
	if wants_json():
		# frappe's own JSON error (the message for the desk's dialog); no traceback without a database.
		try:
			frappe.throw(message, DatabaseUnavailable, title=title)
		except DatabaseUnavailable as unavailable:
			response = frappe_handle(unavailable)
	else:
		# frappe's error page is a website page, which needs the database.
		from werkzeug.wrappers import Response

		response = Response(page(title, message), status=503, mimetype="text/html")
	response.headers["Retry-After"] = RETRY_AFTER
	return response


def wants_json() -> bool:
	"""As frappe.app.handle_exception decides between a JSON error and an error page."""
	accept = frappe.get_request_header("Accept") or ""
	return bool(
		(accept and (frappe.local.is_ajax or "application/json" in accept))
		or (frappe.local.request.path.startswith("/api/") and not accept.startswith("text"))
	)


def translated(message) -> str:
	"""From the app's own translation file: frappe's `_()` builds its translations with the
	database when they are not cached, and would open a new connection for it."""
	from frappe.translate import get_translations_from_csv

	lang = getattr(frappe.local, "lang", None) or "en"
	for code in dict.fromkeys((lang, lang.split("-")[0])):
		if code != "en":
			with suppress(Exception):
				if found := get_translations_from_csv(code, "borgerbudget").get(message):
					return found
	return message


def page(title, message) -> str:
	lang = escape(getattr(frappe.local, "lang", None) or "en")
	return (
		f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
		'<meta name="viewport" content="width=device-width, initial-scale=1">'
		f"<title>{escape(title)}</title></head>"
		f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p></main></body></html>"
	)
