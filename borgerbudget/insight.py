"""Insight (GDPR art. 15, "Mine data"): everything the app stores about a participant, as one JSON
for machines and one PDF for people, from one builder (`collect`).

The citizen's export (the portal, for the citizen or a representative) leaves out what is the
caseworkers' internal working record: notes not shown to the citizen, caseworkers' comments, the
team's deliberation. The caseworker's export (the desk) lists those too, each marked internal, so
the caseworker decides what to disclose. No export holds a CPR number in clear: the participant's
is given masked, and anything shaped like one in free text is masked as well.

Every request and its delivery is an Insight Request (deadline: 30 days); every caseworker's
export is written to frappe's Access Log."""

import json
import os
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, getdate, now_datetime

from borgerbudget import rules
from borgerbudget.permissions import as_system, can_see_participant, is_caseworker, is_citizen
from borgerbudget.representation import record_on_behalf

# The legal deadline: one month from the request (GDPR art. 12(3)), as 30 days.
DEADLINE_DAYS = 30
PORTAL = "Portal"
OPEN, DELIVERED = "Open", "Delivered"
FORMATS = {"pdf": "PDF", "json": "JSON"}
FORMAT_VERSION = "borgerbudget-insight/1"

# What each record shows the citizen, and (caseworker's export only) what is internal.
# Fields left out of both: the clear CPR and its hash, hidden bookkeeping (currency, method flags).
PARTICIPANT_FIELDS = (
	"full_name",
	"programme",
	"status",
	"cpr_masked",
	"birth_date",
	"age",
	"email",
	"phone",
	"address",
	"user",
	"assigned_caseworker",
	"caseworker_team",
	"referral_source",
	"recruitment_route",
	"draw",
	"control_group_draw",
	"screening_date",
	"months_unemployed",
	"benefit_type",
	"job_ready",
	"available_to_labour_market",
	"eligible",
	"eligibility_result",
	"screening_assessment",
	"screening_note",
	"offer_date",
	"decision_deadline",
	"decision_date",
	"decline_reason",
	"consent_given",
	"declaration_signed_on",
	"declaration_file",
	"enrolment_date",
	"plan_deadline",
	"course_start_date",
	"course_end_date",
	"follow_up_frequency",
	"next_follow_up_date",
	"follow_up_overdue",
	"course_ended_on",
	"course_termination",
	"course_past_end",
	"control_outcome",
	"control_outcome_date",
)
PLAN_FIELDS = (
	"status",
	"plan_deadline",
	"submitted_on",
	"caseworker",
	"submission_count",
	"motivation",
	"dream",
	"next_step",
	"total_amount",
	"maximum_amount",
	"remaining_amount",
	"total_invoiced",
	"total_paid",
	"approved_on",
	"course_start_date",
	"course_end_date",
	"strategy_continue",
	"strategy_stop",
	"strategy_start",
	"successes",
	"frustrations",
	"wishes",
	"comment_for_citizen",
)
# The plan's colour is internal (its field says so); the approval's too.
PLAN_INTERNAL = ("classification", "approval")
APPROVAL_FIELDS = (
	"budget_plan",
	"caseworker",
	"submission_no",
	"amendment",
	"workflow_state",
	"difference_score",
	"difference_note",
	"ability_score",
	"ability_note",
	"coherence_score",
	"coherence_note",
	"decision",
	"decision_reason",
	"decided_by",
	"decided_on",
	"course_start_date",
	"course_months",
	"course_end_date",
	"follow_up_frequency",
	"first_follow_up_date",
	"follow_up_notes",
)
APPROVAL_INTERNAL = (
	"suggested_classification",
	"classification",
	"override_reason",
	"final_classification",
	"meeting_date",
	"minutes",
	"votes_for",
	"votes_against",
	"abstentions",
	"not_expected_to_reach_approval",
)
FOLLOW_UP_FIELDS = (
	"budget_plan",
	"follow_up_date",
	"form",
	"caseworker",
	"next_follow_up_date",
	"citizen_report",
	"quality_of_life",
	"self_determination",
	"trust_in_system",
	"belief_in_change",
)
FOLLOW_UP_INTERNAL = ("notes",)
AMENDMENT_FIELDS = (
	"budget_plan",
	"status",
	"route",
	"reason",
	"decided_by",
	"decided_on",
	"total_before",
	"total_after",
	"change_size",
)
TERMINATION_FIELDS = ("budget_plan", "termination_date", "reason", "outcome", "note")
ADVANCE_FIELDS = (
	"budget_plan",
	"line_description",
	"status",
	"amount",
	"supplier",
	"payment_entry",
	"paid_on",
	"paid_amount",
	"receipt_due_date",
	"reminder_sent_on",
	"escalated_on",
	"receipts_total",
	"settled_amount",
	"claimed_amount",
	"outstanding_amount",
)
CLAIM_FIELDS = (
	"budget_plan",
	"budget_advance",
	"status",
	"reason",
	"amount",
	"dialogue_date",
	"dialogue_note",
	"outstanding_amount",
	"deferred_until",
	"deferral_reason",
)
# The representative's own CPR (masked or hashed) is theirs, not the citizen's.
REPRESENTATIVE_FIELDS = (
	"representative",
	"representative_name",
	"scope",
	"receives_notices",
	"status",
	"legal_basis",
	"basis_reference",
	"consent_document",
	"valid_from",
	"valid_to",
	"registered_by",
	"registered_on",
	"revoked_by",
	"revoked_on",
)
ACTION_FIELDS = ("acted_on", "representative", "action", "reference_doctype", "reference_name")
LOGIN_FIELDS = ("logged_in_at", "result", "reason", "assurance", "user")
CPR_ACCESS_FIELDS = ("user", "accessed_on")
CPR_ACCESS_INTERNAL = ("reason",)
REQUEST_FIELDS = (
	"status",
	"channel",
	"requested_on",
	"requested_by",
	"deadline",
	"delivered_on",
	"delivered_by",
	"formats",
)
ACCESS_LOG_FIELDS = ("timestamp", "user", "export_from", "reference_document", "method", "file_type")
EINVOICE_FIELDS = ("received_on", "supplier_name", "invoice_number", "issue_date", "payable_amount", "status")
# Child tables: the fields each shows.
CHILD_FIELDS = {
	"Course Extension": ("previous_end_date", "new_end_date", "reason", "extended_by"),
	"Budget Advance Receipt": ("receipt_date", "description", "amount", "attachment", "purchase_invoice"),
}
# Fields of Version data (a plan's versions) the citizen does not see.
HIDDEN_IN_VERSIONS = frozenset(PLAN_INTERNAL) | {"money_version", "modified", "method", "currency"}
# Anything shaped like a CPR number in free text (DDMMYY-SSSS, the dash optional).
CPR_LIKE = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")

# The export's sections in order, with their Danish-translated headings and the doctype whose
# labels the PDF shows (None: the keys are labelled by LABELS).
SECTIONS = (
	("participant", "Participant and screening", "Participant"),
	("cohorts", "Cohorts", "Cohort"),
	("plans", "Plans", "Budget Plan"),
	("approvals", "Assessments and decisions", "Budget Plan Approval"),
	("notes", "Notes from the caseworker", "Budget Plan Note"),
	("follow_ups", "Follow-ups", "Follow-up"),
	("amendments", "Changes to the plan", "Budget Plan Amendment"),
	("course_terminations", "End of the course", "Course Termination"),
	("invoices", "Payouts to suppliers", "Purchase Invoice"),
	("payments", "Payments", "Payment Entry"),
	("advances", "Advances and receipts", "Budget Advance"),
	("repayment_claims", "Repayment claims", "Repayment Claim"),
	("e_invoices", "E-invoices", "E-Invoice"),
	("representatives", "Representatives", "Representative"),
	("representative_actions", "What representatives did", "Representative Action"),
	("mitid_logins", "MitID logins", "MitID Login"),
	("cpr_reveals", "Who saw the CPR number", "CPR Access Log"),
	("access_log", "Who opened the record", "Access Log"),
	("insight_requests", "Requests for insight", "Insight Request"),
	("files", "Files", "File"),
	("comments", "Caseworkers' comments", "Comment"),
)
NESTED_DOCTYPES = {
	"course_extensions": "Course Extension",
	"goals": "Budget Plan Goal",
	"lines": "Budget Line",
	"deadline_extensions": "Budget Plan Deadline Extension",
	"receipts": "Budget Advance Receipt",
	"items": "Purchase Invoice Item",
	"votes": "Approval Vote",
}
# Keys no doctype labels.
LABELS = {
	"name": "ID",
	"draft": "Draft",
	"internal": "Internal",
	"versions": "Versions",
	"changed_on": "Changed On",
	"changed_by": "Changed By",
	"changes": "Changes",
	"invoice": "Invoice",
	"payment_entry": "Payment Entry",
	"posting_date": "Date",
	"supplier_name": "Supplier",
	"amount": "Amount",
	"file_name": "File Name",
	"added_on": "Added On",
	"attached_to_doctype": "Document Type",
	"attached_to_name": "Document",
	"created_on": "Date",
	"created_by": "By",
	"text": "Text",
	"reference_doctype": "Document Type",
	"reference_name": "Document",
	"cohort_name": "Cohort",
	"kick_off_date": "Kick-off",
	"field": "Field",
	"old": "Before",
	"new": "After",
	"rows_added": "Rows Added",
	"rows_removed": "Rows Removed",
	"rows_changed": "Rows Changed",
	"programme_name": "Programme Name",
}


# ---- the builder ------------------------------------------------------------------------------


def collect(participant: str, for_citizen: bool = True) -> dict:
	"""Everything stored about `participant`: the citizen's export, or (for_citizen=False) the
	caseworker's, which adds the internal records and fields, each marked internal. The caller
	has checked permission; this reads as the system."""
	if not frappe.db.exists("Participant", participant):
		frappe.throw(_("Participant {0} not found.").format(participant), frappe.DoesNotExistError)
	ctx = frappe._dict(participant=participant, for_citizen=for_citizen)
	ctx.plans = frappe.get_all(
		"Budget Plan", filters={"participant": participant}, pluck="name", order_by="creation"
	)
	ctx.advances = frappe.get_all(
		"Budget Advance", filters={"participant": participant}, pluck="name", order_by="creation"
	)
	ctx.invoices = frappe.get_all(
		"Purchase Invoice",
		filters={"budget_plan": ("in", ctx.plans or [""]), "docstatus": 1},
		pluck="name",
		order_by="posting_date, name",
	)
	data = {
		"format": FORMAT_VERSION,
		"generated_on": now_datetime(),
		"for_citizen": for_citizen,
		"participant": _participant(ctx),
		"cohorts": _cohorts(ctx),
		"plans": _plans(ctx),
		"approvals": _approvals(ctx),
		"notes": _notes(ctx),
		"follow_ups": _records(
			ctx, "Follow-up", FOLLOW_UP_FIELDS, FOLLOW_UP_INTERNAL, tables=("goals", "lines")
		),
		"amendments": _records(
			ctx, "Budget Plan Amendment", AMENDMENT_FIELDS, tables=("lines", "changes"), submitted=False
		),
		"course_terminations": _records(ctx, "Course Termination", TERMINATION_FIELDS),
		"invoices": _invoices(ctx),
		"payments": _payments(ctx),
		"advances": _records(ctx, "Budget Advance", ADVANCE_FIELDS, tables=("receipts",), submitted=False),
		"repayment_claims": _records(ctx, "Repayment Claim", CLAIM_FIELDS, submitted=False),
		"e_invoices": _records(ctx, "E-Invoice", EINVOICE_FIELDS, submitted=False),
		"representatives": _records(ctx, "Representative", REPRESENTATIVE_FIELDS, submitted=False),
		"representative_actions": _records(
			ctx, "Representative Action", ACTION_FIELDS, submitted=False, order_by="acted_on"
		),
		"mitid_logins": _records(ctx, "MitID Login", LOGIN_FIELDS, submitted=False, order_by="logged_in_at"),
		"cpr_reveals": _records(
			ctx,
			"CPR Access Log",
			CPR_ACCESS_FIELDS,
			CPR_ACCESS_INTERNAL,
			submitted=False,
			order_by="accessed_on",
		),
		"access_log": _access_log(ctx),
		"insight_requests": _records(
			ctx, "Insight Request", REQUEST_FIELDS, submitted=False, order_by="requested_on"
		),
		"files": _files(ctx),
		"comments": [] if for_citizen else _comments(ctx),
	}
	return _mask_cpr(_plain(data))


def _fields(doctype, fields):
	"""`fields` that the doctype has (a field dropped from a doctype drops out of the export)."""
	meta = frappe.get_meta(doctype)
	return [field for field in fields if meta.has_field(field) or field in ("name", "creation")]


def _values(doctype, row, fields):
	meta = frappe.get_meta(doctype)
	values = {}
	for field in fields:
		value = row.get(field)
		df = meta.get_field(field)
		if df and df.fieldtype in ("Attach", "Attach Image") and value:
			value = _file_name(value)
		elif df and df.fieldtype == "Check":
			value = bool(value)
		values[field] = value
	return values


def _record(ctx, doctype, row, fields, internal=()):
	record = {"name": row.name, **_values(doctype, row, fields)}
	if not ctx.for_citizen and internal:
		record["internal"] = _values(doctype, row, internal)
	return record


def _records(ctx, doctype, fields, internal=(), tables=(), submitted=True, filters=None, order_by="creation"):
	"""The participant's records of `doctype`; `submitted`: the citizen sees decided ones only
	(the caseworker's export also lists drafts, as internal)."""
	fields, internal = _fields(doctype, fields), _fields(doctype, internal)
	meta = frappe.get_meta(doctype)
	filters = {"participant": ctx.participant, **(filters or {})}
	if meta.is_submittable:
		filters["docstatus"] = 1 if (submitted and ctx.for_citizen) else ("<", 2)
	rows = frappe.get_all(
		doctype, filters=filters, fields=["name", *fields, *internal, "docstatus"], order_by=order_by
	)
	records = []
	for row in rows:
		record = _record(ctx, doctype, row, fields, internal)
		if meta.is_submittable and row.docstatus == 0:
			record["draft"] = True
		for table in tables:
			record[table] = _child_rows(doctype, row.name, table)
		records.append(record)
	return records


def _child_rows(doctype, name, table):
	child = frappe.get_meta(doctype).get_field(table).options
	child_meta = frappe.get_meta(child)
	# Unless listed, every field a form shows.
	fields = CHILD_FIELDS.get(child) or [
		df.fieldname
		for df in child_meta.fields
		if df.fieldtype not in frappe.model.no_value_fields and not df.hidden
	]
	fields = _fields(child, fields)
	rows = frappe.get_all(
		child,
		filters={"parent": name, "parenttype": doctype, "parentfield": table},
		fields=fields,
		order_by="idx",
	)
	return [_values(child, row, fields) for row in rows]


def _participant(ctx):
	doctype = "Participant"
	fields = _fields(doctype, PARTICIPANT_FIELDS)
	row = frappe.db.get_value(doctype, ctx.participant, ["name", *fields], as_dict=True)
	record = {"name": row.name, **_values(doctype, row, fields)}
	record["programme_name"] = frappe.db.get_value("Budget Programme", row.programme, "programme_name")
	record["course_extensions"] = _child_rows(doctype, row.name, "course_extensions")
	return record


def _cohorts(ctx):
	"""The cohorts the citizen is in: the cohort, never its other members."""
	names = frappe.get_all(
		"Cohort Participant",
		filters={"participant": ctx.participant, "parenttype": "Cohort"},
		pluck="parent",
	)
	fields = _fields(
		"Cohort",
		(
			"cohort_name",
			"kick_off_date",
			"kick_off_place",
			"workshop_1_date",
			"workshop_1_place",
			"workshop_2_date",
			"workshop_2_place",
		),
	)
	rows = frappe.get_all(
		"Cohort", filters={"name": ("in", names or [""])}, fields=["name", *fields], order_by="creation"
	)
	return [{"name": row.name, **_values("Cohort", row, fields)} for row in rows]


def _plans(ctx):
	doctype = "Budget Plan"
	fields, internal = _fields(doctype, PLAN_FIELDS), _fields(doctype, PLAN_INTERNAL)
	plans = []
	for row in frappe.get_all(
		doctype,
		filters={"name": ("in", ctx.plans or [""])},
		fields=["name", *fields, *internal],
		order_by="creation",
	):
		record = _record(ctx, doctype, row, fields, internal)
		for table in ("goals", "lines", "deadline_extensions"):
			record[table] = _child_rows(doctype, row.name, table)
		record["versions"] = _versions(ctx, doctype, row.name)
		plans.append(record)
	return plans


def _versions(ctx, doctype, name):
	"""Every saved change of the record (frappe's Version), oldest first."""
	versions = []
	for version in frappe.get_all(
		"Version",
		filters={"ref_doctype": doctype, "docname": name},
		fields=["name", "creation", "owner", "data"],
		order_by="creation",
	):
		try:
			data = json.loads(version.data or "{}")
		except ValueError:
			continue
		hidden = HIDDEN_IN_VERSIONS if ctx.for_citizen else frozenset({"modified"})
		changes = [
			{"field": field, "old": old, "new": new}
			for field, old, new in data.get("changed") or ()
			if field not in hidden
		]
		rows_changed = [
			{
				"table": table,
				"row": idx,
				"changes": [{"field": f, "old": o, "new": n} for f, o, n in fields if f not in hidden],
			}
			for table, idx, _row_name, fields in data.get("row_changed") or ()
		]
		entry = {
			"changed_on": version.creation,
			"changed_by": version.owner,
			"changes": changes,
			"rows_added": [_version_row(row) for row in data.get("added") or ()],
			"rows_removed": [_version_row(row) for row in data.get("removed") or ()],
			"rows_changed": [row for row in rows_changed if row["changes"]],
		}
		if any(entry[key] for key in ("changes", "rows_added", "rows_removed", "rows_changed")):
			versions.append(entry)
	return versions


def _version_row(row):
	table, values = row
	values = values or {}
	kept = {
		key: value
		for key, value in values.items()
		if key not in ("doctype", "name", "owner", "modified_by", "parent", "parenttype", "parentfield")
		and key not in frappe.model.default_fields
	}
	return {"table": table, **kept}


def _approvals(ctx):
	approvals = _records(ctx, "Budget Plan Approval", APPROVAL_FIELDS, APPROVAL_INTERNAL)
	if not ctx.for_citizen:
		# The colleagues' comments and the team's votes: the team's deliberation.
		for record in approvals:
			votes = frappe.get_all(
				"Approval Vote",
				filters={"approval": record["name"]},
				fields=["voter", "kind", "vote", "comment", "creation"],
				order_by="creation",
			)
			record.setdefault("internal", {})["votes"] = [dict(vote) for vote in votes]
	return approvals


def _notes(ctx):
	filters = {"budget_plan": ("in", ctx.plans or [""])}
	if ctx.for_citizen:
		filters["visible_to_citizen"] = 1
	notes = []
	for row in frappe.get_all(
		"Budget Plan Note",
		filters=filters,
		fields=["name", "budget_plan", "note", "visible_to_citizen", "creation", "owner"],
		order_by="creation",
	):
		note = {
			"name": row.name,
			"budget_plan": row.budget_plan,
			"note": row.note,
			"created_on": row.creation,
			"created_by": row.owner,
		}
		if not row.visible_to_citizen:
			note["internal"] = True
		notes.append(note)
	return notes


def _invoices(ctx):
	"""The plan's invoices (payouts to suppliers, the citizen's own settlements included)."""
	fields = (
		"posting_date",
		"budget_plan",
		"supplier",
		"supplier_name",
		"bill_no",
		"grand_total",
		"outstanding_amount",
		"status",
	)
	records = []
	for row in frappe.get_all(
		"Purchase Invoice",
		filters={"name": ("in", ctx.invoices or [""])},
		fields=["name", *fields],
		order_by="posting_date, name",
	):
		record = {"name": row.name, **{field: row.get(field) for field in fields}}
		record["items"] = frappe.get_all(
			"Purchase Invoice Item",
			filters={"parent": row.name, "parenttype": "Purchase Invoice"},
			fields=["description", "budget_line", "amount"],
			order_by="idx",
		)
		records.append(record)
	return records


def _payments(ctx):
	"""What was paid on the plan's invoices: one row per invoice paid, with this invoice's amount
	only (one payment may pay a supplier's invoices of several citizens)."""
	refs = frappe.get_all(
		"Payment Entry Reference",
		filters={
			"reference_doctype": "Purchase Invoice",
			"reference_name": ("in", ctx.invoices or [""]),
			"parenttype": "Payment Entry",
			"docstatus": 1,
		},
		fields=["parent", "reference_name", "allocated_amount"],
		order_by="creation",
	)
	entries = {
		row.name: row
		for row in frappe.get_all(
			"Payment Entry",
			filters={"name": ("in", [ref.parent for ref in refs] or [""])},
			fields=["name", "posting_date", "party_name"],
		)
	}
	return [
		{
			"payment_entry": ref.parent,
			"posting_date": entries[ref.parent].posting_date,
			"supplier_name": entries[ref.parent].party_name,
			"invoice": ref.reference_name,
			"amount": ref.allocated_amount,
		}
		for ref in refs
		if ref.parent in entries
	]


def _access_log(ctx):
	"""Who opened the record: frappe's Access Log, when it names the participant (an app that
	logs access adds the field); else nothing is known here."""
	if not frappe.get_meta("Access Log").has_field("participant"):
		return []
	rows = frappe.get_all(
		"Access Log",
		filters={"participant": ctx.participant},
		fields=["name", "creation", *_fields("Access Log", ACCESS_LOG_FIELDS)],
		order_by="creation",
	)
	return [
		{
			"name": row.name,
			**{field: row.get(field) for field in ACCESS_LOG_FIELDS},
			"timestamp": row.get("timestamp") or row.creation,
		}
		for row in rows
	]


def _owned_records(ctx):
	"""(doctype, name) of every record of the participant that files and comments attach to."""
	records = [("Participant", ctx.participant)] + [("Budget Plan", plan) for plan in ctx.plans]
	records += [("Budget Advance", name) for name in ctx.advances]
	for doctype in (
		"Budget Plan Approval",
		"Budget Plan Amendment",
		"Follow-up",
		"Repayment Claim",
		"Course Termination",
		"Representative",
		"Insight Request",
	):
		records += [
			(doctype, name)
			for name in frappe.get_all(doctype, filters={"participant": ctx.participant}, pluck="name")
		]
	notes = frappe.get_all(
		"Budget Plan Note",
		filters={"budget_plan": ("in", ctx.plans or [""])},
		fields=["name", "visible_to_citizen"],
	)
	records += [
		("Budget Plan Note", note.name) for note in notes if note.visible_to_citizen or not ctx.for_citizen
	]
	return records


def _files(ctx):
	"""Files on the participant's records, by name and date (their contents are not copied)."""
	files = []
	internal = _internal_records(ctx)
	by_doctype = {}
	for doctype, name in _owned_records(ctx):
		by_doctype.setdefault(doctype, []).append(name)
	for doctype, names in by_doctype.items():
		for row in frappe.get_all(
			"File",
			filters={"attached_to_doctype": doctype, "attached_to_name": ("in", names), "is_folder": 0},
			fields=["name", "file_name", "creation", "attached_to_doctype", "attached_to_name"],
			order_by="creation",
		):
			if ctx.for_citizen and (doctype, row.attached_to_name) in internal:
				continue
			file = {
				"file_name": row.file_name,
				"added_on": row.creation,
				"attached_to_doctype": row.attached_to_doctype,
				"attached_to_name": row.attached_to_name,
			}
			if (doctype, row.attached_to_name) in internal:
				file["internal"] = True
			files.append(file)
	return files


def _internal_records(ctx):
	"""Records only the caseworkers read: their files are in the caseworker's export only."""
	notes = frappe.get_all(
		"Budget Plan Note",
		filters={"budget_plan": ("in", ctx.plans or [""]), "visible_to_citizen": 0},
		pluck="name",
	)
	return {("Budget Plan Note", name) for name in notes}


def _comments(ctx):
	"""Caseworkers' comments on the participant's records (caseworker's export only)."""
	comments = []
	by_doctype = {}
	for doctype, name in _owned_records(ctx):
		by_doctype.setdefault(doctype, []).append(name)
	for doctype, names in by_doctype.items():
		for row in frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": doctype,
				"reference_name": ("in", names),
				"comment_type": "Comment",
			},
			fields=["name", "creation", "comment_email", "content", "reference_doctype", "reference_name"],
			order_by="creation",
		):
			comments.append(
				{
					"reference_doctype": row.reference_doctype,
					"reference_name": row.reference_name,
					"created_on": row.creation,
					"created_by": row.comment_email,
					"text": frappe.utils.strip_html(row.content or ""),
					"internal": True,
				}
			)
	return sorted(comments, key=lambda comment: comment["created_on"])


def _file_name(url):
	return os.path.basename(str(url).split("?")[0])


def _plain(value):
	"""JSON's own types, with ISO dates."""
	if isinstance(value, dict):
		return {key: _plain(item) for key, item in value.items()}
	if isinstance(value, list | tuple):
		return [_plain(item) for item in value]
	if isinstance(value, datetime | date):
		return value.isoformat()
	if isinstance(value, timedelta):
		return str(value)
	if isinstance(value, Decimal):
		return float(value)
	return value


def _mask_cpr(value):
	"""A CPR number typed into free text (a note, a plan) is masked too."""
	if isinstance(value, dict):
		return {key: _mask_cpr(item) for key, item in value.items()}
	if isinstance(value, list):
		return [_mask_cpr(item) for item in value]
	if isinstance(value, str):
		return CPR_LIKE.sub(_masked, value)
	return value


def _masked(match):
	try:
		return rules.cpr.parse_cpr(match.group(0)).masked
	except rules.cpr.CprError:
		return match.group(0)  # not a CPR number (no valid birth date)


# ---- the files --------------------------------------------------------------------------------


def as_json(data) -> bytes:
	return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def as_pdf(data) -> bytes:
	from frappe.utils.pdf import get_pdf

	return get_pdf(as_html(data))


def as_html(data) -> str:
	name = data["participant"].get("full_name") or data["participant"]["name"]
	sections = [
		{"heading": _(heading), "body": _present(data[key], doctype)}
		for key, heading, doctype in SECTIONS
		if key in data and (key != "comments" or not data["for_citizen"])
	]
	return frappe.render_template(
		"borgerbudget/templates/insight.html",
		{
			"title": _("My data"),
			"name": name,
			"generated_on": frappe.utils.format_datetime(data["generated_on"]),
			"for_citizen": data["for_citizen"],
			"sections": sections,
			"_": _,
		},
	)


def _label(doctype, key):
	if key in LABELS:
		return _(LABELS[key])
	if doctype:
		meta = frappe.get_meta(doctype)
		if meta.has_field(key):
			return _(meta.get_label(key))
	return _(key.replace("_", " ").capitalize())


def _present(value, doctype=None):
	"""A tree the template prints: {"rows": [(label, node)]}, {"entries": [node]}, {"text": ...},
	with {"internal": True} on what is internal."""
	if isinstance(value, dict):
		rows = []
		for key, item in value.items():
			if key == "internal":
				if isinstance(item, dict):
					rows.append(
						{"label": _("Internal"), "node": {**_present(item, doctype), "internal": True}}
					)
				continue
			if key in ("format", "for_citizen", "generated_on") or item is None or item == "":
				continue  # the PDF leaves out what is empty; the JSON keeps every field
			if _is_select(doctype, key) and isinstance(item, str):
				node = {"text": _(item)}  # a Select's option, in the reader's language
			else:
				node = _present(item, NESTED_DOCTYPES.get(key, doctype))
			rows.append({"label": _label(doctype, key), "node": node})
		node = {"rows": rows}
		if value.get("internal") is True:
			node["internal"] = True
		return node
	if isinstance(value, list):
		return {"entries": [_present(item, doctype) for item in value]}
	return {"text": _text(value)}


def _is_select(doctype, key):
	df = doctype and frappe.get_meta(doctype).get_field(key)
	return bool(df) and df.fieldtype == "Select"


def _text(value):
	if value is None or value == "":
		return ""
	if isinstance(value, bool):
		return _("Yes") if value else _("No")
	if isinstance(value, float):
		return frappe.utils.fmt_money(value, precision=2)  # amounts, in the site's number format
	if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
		return frappe.utils.formatdate(value)
	if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+", value):
		return frappe.utils.format_datetime(value.replace("T", " "))
	return str(value)


def respond(participant, file_format, for_citizen):
	"""The export as the HTTP answer: a file download."""
	data = collect(participant, for_citizen=for_citizen)
	stamp = getdate().isoformat()
	suffix = "" if for_citizen else "-" + frappe.scrub(_("internal"))
	frappe.response.filename = f"{frappe.scrub(_('My data'))}-{participant}-{stamp}{suffix}.{file_format}"
	frappe.response.filecontent = as_pdf(data) if file_format == "pdf" else as_json(data)
	frappe.response.type = "download"
	return data


def _format(file_format):
	file_format = (file_format or "").lower()
	if file_format not in FORMATS:
		frappe.throw(_("Choose PDF or JSON."), title=_("Unknown format"))
	return file_format


def refuse():
	frappe.throw(_("You may not see this citizen's data."), frappe.PermissionError)


# ---- the routes -------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def download(participant: str, file_format: str = "pdf"):
	"""The portal's "Mine data": the citizen's own record (or that of a citizen they represent,
	read scope enough). The request is logged as made and delivered at once."""
	if frappe.session.user == "Guest" or not is_citizen() or not can_see_participant(participant):
		refuse()
	file_format = _format(file_format)
	now = now_datetime()
	request = frappe.get_doc(
		{
			"doctype": "Insight Request",
			"participant": participant,
			"channel": PORTAL,
			"requested_on": now,
			"requested_by": frappe.session.user,
			"delivered_on": now,
			"delivered_by": frappe.session.user,
			"formats": FORMATS[file_format],
		}
	)
	# The log is the app's own: the citizen writes no such record (nor reads the Participant it
	# links to). A representative's download is something they did on the citizen's behalf.
	with as_system():
		request.insert(ignore_permissions=True)
	record_on_behalf(request, "after_insert")
	respond(participant, file_format, for_citizen=True)


@frappe.whitelist(methods=["POST"])
def caseworker_export(
	participant: str, file_format: str = "pdf", internal: bool = True, insight_request: str | None = None
):
	"""The desk's "Insight": a caseworker who sees the participant exports their data, with the
	internal records marked (or without them, as the citizen's export); the caseworker decides
	what is disclosed. With an open request, this delivers it. The export is logged."""
	if not is_caseworker() or not can_see_participant(participant):
		refuse()
	file_format = _format(file_format)
	if insight_request:
		request = frappe.get_doc("Insight Request", insight_request)
		if request.participant != participant:
			frappe.throw(_("The request is for another participant."), frappe.PermissionError)
		request.check_permission("write")
		request.deliver(FORMATS[file_format])
	log_access(participant, file_format, internal)
	respond(participant, file_format, for_citizen=not internal)


def log_access(participant, file_format, internal):
	"""frappe's Access Log: who exported whose data, when, and whether with the internal records."""
	log = frappe.get_doc(
		{
			"doctype": "Access Log",
			"user": frappe.session.user,
			"export_from": "Participant",
			"reference_document": participant,
			"file_type": FORMATS[file_format],
			"method": "Insight export" + (" (with internal records)" if internal else ""),
		}
	)
	if log.meta.has_field("participant"):
		log.participant = participant
	log.insert(ignore_permissions=True)


def deadline_of(requested_on):
	return add_days(getdate(requested_on), DEADLINE_DAYS)


def open_requests(participant) -> list[str]:
	return frappe.get_all(
		"Insight Request",
		filters={"participant": participant, "status": OPEN},
		pluck="name",
		order_by="requested_on",
	)
