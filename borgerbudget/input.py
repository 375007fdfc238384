"""Values the database cannot hold, refused with a message before they reach it.

frappe v15 passes an impossible date ("2026-02-30"), a number that is not finite, or a text longer
than its column straight to MariaDB, which answers with an error the user sees as a server error
(HTTP 500). Every write of the app's documents passes this check first (hooks.py)."""

import contextlib
import math

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, getdate

# Currency and Float columns are decimal(21,9); Int columns are int(11).
NUMBER_LIMITS = {"Currency": 10**12, "Float": 10**12, "Percent": 10**12, "Int": 2**31 - 1}
TEXT_BYTES = 65_535  # a MariaDB text column
YEARS = (1900, 2200)


def check_values(doc, method=None):
	from borgerbudget.permissions import is_app_doctype

	if not is_app_doctype(doc.doctype):
		return
	for row in [doc, *doc.get_all_children()]:
		for df in row.meta.fields:
			value = row.get(df.fieldname)
			if value is None or value == "":
				continue
			problem = value_problem(df, value)
			if problem:
				label = _(df.label or df.fieldname)
				where = _("Row {0}: {1}").format(row.idx, label) if row.get("parentfield") else label
				throw_at([(row, df.fieldname)], problem.format(where), title=_("Invalid value"))


def value_problem(df, value) -> str | None:
	"""A translated message with {0} for the field, or None when the database can hold `value`."""
	if df.fieldtype in ("Date", "Datetime"):
		try:
			parsed = getdate(value) if df.fieldtype == "Date" else get_datetime(value)
		except Exception:
			return _("{0} is not a valid date.")
		if not parsed:
			# frappe reads 0001-01-01 and 0000-00-00 as "no date".
			return _("{0} is not a valid date.")
		if not YEARS[0] <= parsed.year <= YEARS[1]:
			return _("{0} must be a date between 1900 and 2200.")
	elif df.fieldtype in NUMBER_LIMITS:
		try:
			number = float(str(value).strip())
		except ValueError:
			return _("{0} must be a number.")
		if not math.isfinite(number) or abs(number) >= NUMBER_LIMITS[df.fieldtype]:
			return _("{0} is too large.")
	elif isinstance(value, str):
		column = frappe.db.type_map.get(df.fieldtype, ("",))[0]
		# Checked here, before frappe's own checks: its e-mail and phone patterns take minutes on
		# a text of megabytes, and it measures the length only after them.
		if column == "varchar" and len(value) > (cint(df.length) or frappe.db.VARCHAR_LEN):
			return _("{0} is too long.")
		if column == "text" and len(value.encode()) > TEXT_BYTES:
			return _("{0} is too long.")
	return None


def date_argument(value, label, field=None):
	"""A whitelisted method's date argument, parsed, or a clear refusal (naming `field`, the form's
	field the value came from, when given)."""
	problem = (
		value_problem(frappe._dict(fieldtype="Date"), value)
		if value not in (None, "")
		else _("{0} is not a valid date.")
	)
	if problem:
		throw_at([(None, field)] if field else [], problem.format(_(label)), title=_("Invalid value"))
	return getdate(value)


def amount_argument(value, label, field=None):
	"""A whitelisted method's optional amount argument, parsed, or a clear refusal (naming `field`,
	the form's field the value came from, when given)."""
	if value is None or value == "":
		return None
	problem = value_problem(frappe._dict(fieldtype="Currency"), value)
	if problem:
		throw_at([(None, field)] if field else [], problem.format(_(label)), title=_("Invalid value"))
	return float(str(value).strip())


# Refusals that name their fields. A form that asks one question a step must show a refusal at the
# question it is about; the server, which owns every rule, says which field that is. The message in
# the response (`_server_messages`) then carries `fields`: [{"doctype", "name", "fieldname"}], the
# document or child row and its field ("doctype" and "name" left out for a value a method was sent
# before any document held it). Every other route shows frappe's usual message.


def throw_at(fields, message, title=None, exc=frappe.ValidationError):
	"""frappe.throw, naming `fields`: (document or child row, or None, fieldname) pairs."""
	try:
		frappe.throw(message, exc, title=title)
	except exc as error:
		name_fields(error, [field_ref(row, fieldname) for row, fieldname in fields])
		raise


@contextlib.contextmanager
def naming_missing_fields(doc):
	"""frappe's own refusal of a save with a mandatory field left empty, named with its fields as
	throw_at does: frappe prints one message a field (built by the row's own
	_get_missing_mandatory_fields, asked again here) and raises MandatoryError."""
	try:
		yield
	except frappe.MandatoryError:
		missing = {}
		for row in (doc, *doc.get_all_children()):
			for fieldname, message in row._get_missing_mandatory_fields():
				missing.setdefault(message, []).append(field_ref(row, fieldname))
		for entry in frappe.local.message_log:
			if isinstance(entry, dict) and "fields" not in entry and entry.get("message") in missing:
				entry["fields"] = missing[entry["message"]]
		raise


def field_ref(row, fieldname) -> dict:
	if row is None:
		return {"fieldname": fieldname}
	return {"doctype": row.doctype, "name": row.name, "fieldname": fieldname}


def name_fields(error, fields):
	"""Put `fields` on the message frappe printed for `error` (msgprint ties them by an id)."""
	exc_id = getattr(error, "__frappe_exc_id", None)
	if not fields or not exc_id:
		return
	for entry in reversed(frappe.local.message_log):
		if isinstance(entry, dict) and entry.get("__frappe_exc_id") == exc_id:
			entry["fields"] = fields
			return
