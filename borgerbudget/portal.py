"""What the plan web forms need beyond what frappe's web form sends to the browser."""

import frappe
from frappe import _
from frappe.utils import cstr, flt, fmt_money, format_date

from borgerbudget import rules
from borgerbudget.input import naming_missing_fields
from borgerbudget.retry import retrying

# Every page a citizen (or their representative) uses, route → what it is for: the accessibility
# test (tests/integration/test_accessibility.py) visits each one, the readability test reads the
# texts of CITIZEN_TEXT_FILES. A new citizen page joins by being listed here.
CITIZEN_PAGES = {
	"/my-plan": "The plan: the budget lines as cards, the four parts, submitting",
	"/my-timeline": "The Randers timeline: the next three months, the parked lines, successes and frustrations",
	"/my-money": "The money: each approved line's payout, and receipts for an advance",
	"/my-change": "Changes to the approved plan: the plan's status, the requests and their state, asking for a change",
	"/my-budget-plan": "The plan's web form (older links lead on to /my-plan)",
	"/my-receipts": "Receipts for an advance (web form)",
	"/plan-change": "The change request's web form (older links lead on to /my-change)",
	"/my-email": "The e-mail for notices",
	"/my-representatives": "The citizen's representatives, and taking a right away",
	"/act-for": "A representative chooses whose plan to work on",
	"/my-data": "Mine data: everything stored about the citizen",
	"/mitid": "Where a MitID login that did not succeed lands",
	"/tilgaengelighed": "The accessibility statement",
}
# Where the texts a citizen reads live, for the readability test (LIX, tests/integration/
# test_readability.py): the citizen's pages and their scripts (every _() / __() literal), the
# citizen's web forms (title, introduction, fields' labels and descriptions), the Notifications sent to
# the citizen (those with the recipient citizen_email), and this module's messages to citizens.
CITIZEN_TEXT_FILES = (
	"www/act-for.html",
	"www/act_for.py",
	"www/mitid.html",
	"www/mitid.py",
	"www/my-data.html",
	"www/my_data.py",
	"www/my-email.html",
	"www/my_email.py",
	"www/my-representatives.html",
	"www/my_representatives.py",
	"www/my-plan.html",
	"www/my_plan.py",
	"www/my-timeline.html",
	"www/my_timeline.py",
	"www/my-money.html",
	"www/my_money.py",
	"www/my-change.html",
	"www/my_change.py",
	"templates/bb_plan_page.html",
	"public/js/citizen_portal.js",
	"public/js/budget_plan_web_form.js",
	"public/js/portal_a11y.js",
)
CITIZEN_WEB_FORMS = ("my-budget-plan", "my-receipts", "plan-change")
# The caseworkers' web forms, checked by the same accessibility test.
STAFF_WEB_FORMS = ("/budget-plan", "/plan-assessment", "/approval-vote", "/participant-registration")

# Strings of public/js/budget_plan_web_form.js.
SCRIPT_MESSAGES = (
	"Total",
	"over the maximum",
	"Plan Deadline",
	"Status",
	"From your caseworker",
	"Submit for Assessment",
	"Save your changes first.",
	"Submit the plan to your caseworker? You cannot change it afterwards.",
	"Your plan has been submitted for assessment.",
	*rules.plan.PLAN_STATUSES,
	"Assess This Plan",
	"Your money",
	"Upload receipts",
	"Ask for a change",
	"My data: everything we store about you",
)
# frappe's web form script shows these (the saved page, the discard and error dialogs) but leaves
# them out of the translations it sends to the page.
WEB_FORM_MESSAGES = (
	"Updated",
	"Your form has been successfully updated",
	"Edit your response",
	"View your response",
	"Couldn't save, please check the data you have entered",
	"Validation Error",
	"Discard?",
	"Are you sure you want to discard the changes?",
	"Missing Values Required",
	"Following fields have missing values:",
	"Invalid Values",
	"Following fields have invalid values:",
)
# Strings of public/js/approval_web_form.js; the workflow's states and actions are added.
APPROVAL_SCRIPT_MESSAGES = (
	"Status",
	"Next step",
	"Save your changes first.",
	"Green",
	"Yellow",
	"Red",
)


def plan_form_context(context):
	"""Translations for the child tables' columns and the form script (frappe's web form only
	sends its own field labels), and the introduction in the user's language."""
	messages = [*WEB_FORM_MESSAGES, *SCRIPT_MESSAGES]
	for doctype in ("Budget Line", "Budget Plan Goal"):
		for df in frappe.get_meta(doctype).fields:
			messages.extend(filter(None, (df.label, df.description)))
			if df.fieldtype == "Select":
				messages.extend(filter(None, (df.options or "").split("\n")))
	context.plan_messages = {message: _(message) for message in messages}
	context.plan_statuses = {
		"editable": rules.plan.EDITABLE_PLAN_STATUSES,
		"submitted": rules.plan.SUBMITTED,
		"approved": rules.plan.APPROVED,
	}
	translate_form_texts(context)


def approval_form_context(context):
	"""Translations for the approval form script: its own strings, the workflow's states and actions."""
	from borgerbudget.hooks import APPROVAL_WORKFLOW_ACTIONS, APPROVAL_WORKFLOW_STATES

	messages = [
		*WEB_FORM_MESSAGES,
		*APPROVAL_SCRIPT_MESSAGES,
		*APPROVAL_WORKFLOW_STATES,
		*APPROVAL_WORKFLOW_ACTIONS,
	]
	for df in frappe.get_meta("Budget Plan Approval Member").fields:
		messages.extend(filter(None, (df.label, df.description)))
	context.approval_messages = {message: _(message) for message in messages}
	translate_form_texts(context)


def translate_form_texts(context):
	"""The introduction, and the heading of a new entry: frappe makes it "New " + the untranslated
	title ("Ny Change My Plan"); the form's own title, translated, reads right in every language.
	On a list, the values its columns show."""
	if context.introduction_text:
		context.introduction_text = _(context.introduction_text)
	if frappe.form_dict.is_new and context.web_form_doc:
		context.title = _(context.web_form_doc.title)
	if frappe.form_dict.is_list and context.web_form_doc:
		translate_list_values(context)
	context.no_cache = 1


def translate_list_values(context):
	"""frappe's web form list passes each cell through __() but sends the page only the labels'
	translations, so statuses and workflow states ("Plan Approved") showed in English. The list page
	renders no form script: the values' translations go in through the page's body_include, which
	runs after frappe has set its own messages and before the list is drawn."""
	meta = frappe.get_meta(context.web_form_doc.doc_type)
	values = []
	for column in context.web_form_doc.get("list_columns") or []:
		df = meta.get_field(column.get("fieldname"))
		if not df:
			continue
		if df.fieldtype == "Select":
			values.extend(filter(None, (df.options or "").split("\n")))
		elif df.fieldtype == "Link" and df.options == "Workflow State":
			values.extend(
				frappe.get_all(
					"Workflow Document State",
					filters={
						"parent": (
							"in",
							frappe.get_all("Workflow", {"document_type": meta.name}, pluck="name"),
						)
					},
					pluck="state",
				)
			)
	if not values:
		return
	messages = frappe.as_json({value: _(value) for value in values}).replace("</", "<\\/")
	context.body_include = (context.body_include or "") + (
		f"<script>Object.assign(frappe._messages, {messages});</script>"
	)


@frappe.whitelist()
def get_payout_overview(budget_plan: str) -> list[dict]:
	"""Each approved line's payout in plain words for the citizen's portal, with the advance
	to upload receipts to when one is waiting."""
	plan = frappe.get_doc("Budget Plan", budget_plan)
	plan.check_permission("read")
	payouts = line_payouts(plan)
	return [
		{"description": line.description, "amount": line.amount, **payouts[line.name]}
		for line in plan.lines
		if line.name in payouts
	]


def describe_payout(line, advance, currency):
	supplier = line.supplier_text or line.supplier or _("the supplier")
	due = advance and format_date(advance.receipt_due_date)
	words = {
		rules.payout.NOT_APPROVED: _("Not part of the approved plan"),
		rules.payout.AWAITING_INVOICE: _("Waiting for the invoice from {0}").format(supplier),
		rules.payout.INVOICED: _("The invoice from {0} has arrived and will be paid").format(supplier),
		rules.payout.PARTLY_PAID: _("Partly paid: {0} of {1}").format(
			fmt_money(line.paid_amount, currency=currency), fmt_money(line.invoiced_amount, currency=currency)
		),
		rules.payout.PAID: _("Paid"),
		rules.payout.AWAITING_ADVANCE: _("The money will be transferred to your NemKonto"),
		rules.payout.AWAITING_RECEIPTS: _("Receipt due by {0}").format(due),
		rules.payout.RECEIPTS_RECEIVED: _("Receipts received; your caseworker will check them"),
		rules.payout.RECEIPTS_OVERDUE: _("Receipts were due by {0}: please upload them").format(due),
		rules.payout.SETTLED: _("Settled against your receipts"),
		rules.payout.CLOSED: _("Closed"),
	}
	return words.get(line.payout_status) or words[rules.payout.NOT_APPROVED]


def amendment_form_context(context):
	"""The lines table's columns in the citizen's language (frappe sends only the form's own labels)."""
	messages = list(WEB_FORM_MESSAGES)
	for df in frappe.get_meta("Budget Plan Amendment Line").fields:
		messages.extend(filter(None, (df.label, df.description)))
		if df.fieldtype == "Select":
			messages.extend(filter(None, (df.options or "").split("\n")))
	context.amendment_messages = {message: _(message) for message in messages}
	translate_form_texts(context)


def receipts_form_context(context):
	"""The receipts table's columns in the citizen's language (frappe sends only the form's own labels)."""
	messages = list(WEB_FORM_MESSAGES)
	for df in frappe.get_meta("Budget Advance Receipt").fields:
		messages.extend(filter(None, (df.label, df.description)))
	context.receipt_messages = {message: _(message) for message in messages}
	translate_form_texts(context)


@frappe.whitelist(methods=["POST"])
def set_my_email(email: str) -> str:
	"""A citizen's own e-mail for notifications, on each of their participant records: a citizen
	who logged in with MitID has no e-mail until they give one here (/my-email)."""
	from borgerbudget.permissions import as_system, is_citizen

	if not is_citizen():
		frappe.throw(_("Only a citizen sets their own e-mail here."), frappe.PermissionError)
	email = (email or "").strip()
	if not frappe.utils.validate_email_address(email):
		frappe.throw(_("{0} is not an e-mail address.").format(frappe.bold(email)), title=_("Invalid e-mail"))
	names = frappe.get_all(
		"Participant", filters={"user": frappe.session.user}, pluck="name", ignore_permissions=True
	)
	# The citizen's own records (linked to their user), which they may not edit otherwise: the
	# app writes the one field for them, and says so on the record's timeline.
	with as_system():
		for name in names:
			frappe.db.set_value("Participant", name, "email", email)
			frappe.get_doc("Participant", name).add_comment(
				"Info", _("The citizen set their e-mail for notifications.")
			)
	return email


# What the citizen writes on the plan itself (Budget Plan fields), besides the goals and the lines.
PART_FIELDS = (
	"motivation",
	"dream",
	"next_step",
	"strategy_continue",
	"strategy_stop",
	"strategy_start",
	"successes",
	"frustrations",
	"wishes",
)
# What the citizen writes on a budget line; the rest is the caseworker's or the server's.
LINE_FIELDS = (
	"description",
	"category",
	"amount",
	"need_date",
	"payment_route",
	"supplier_text",
	"goal",
	"quote",
	"theory_of_change",
	"parked",
)


def citizen_plan(name: str | None = None):
	"""The plan a portal page shows: the one asked for, else the user's own, or that of the citizen
	a representative works for (/act-for). Read permission is checked either way."""
	from borgerbudget.representation import acting_for

	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see this page."), frappe.PermissionError)
	if not name:
		participant = acting_for()
		plans = frappe.get_list(
			"Budget Plan",
			filters={"participant": participant} if participant else {},
			pluck="name",
			order_by="creation desc",
			limit=1,
		)
		if not plans:
			return None
		name = plans[0]
	doc = frappe.get_doc("Budget Plan", name)
	doc.check_permission("read")
	return doc


def money(doc, amount):
	return fmt_money(amount or 0, 0, doc.currency)


def plan_view(doc) -> frappe._dict:
	"""Everything the citizen's pages show about a plan, in words: the server decides the texts,
	the totals and what the user may do; the pages only show them."""
	editable = doc.status in rules.plan.EDITABLE_PLAN_STATUSES
	can_edit = editable and bool(doc.has_permission("write"))
	missing = doc.missing_for_submission() if editable else []
	payouts = line_payouts(doc)
	total, maximum = flt(doc.total_amount), flt(doc.maximum_amount)
	return frappe._dict(
		name=doc.name,
		participant_name=doc.participant_name,
		status=_(doc.status),
		status_text=plan_status_text(doc),
		can_edit=can_edit,
		can_submit=can_edit and not missing,
		missing=missing,
		total=money(doc, total),
		maximum=money(doc, maximum),
		remaining=money(doc, maximum - total),
		over=total > maximum,
		percent=min(100, round(100 * total / maximum)) if maximum else 0,
		deadline=format_date(doc.plan_deadline) if doc.plan_deadline else None,
		deadline_passed=doc.is_past_deadline(),
		dream_and_next_step=bool(doc.dream_and_next_step),
		parts={field: doc.get(field) or "" for field in PART_FIELDS},
		goals=[{"goal": row.goal, "how_to_measure": row.how_to_measure or ""} for row in doc.goals],
		lines=[line_view(doc, row, payouts.get(row.name)) for row in doc.lines],
		notes=frappe.get_list(
			"Budget Plan Note",
			filters={"budget_plan": doc.name, "visible_to_citizen": 1},
			fields=["note", "creation"],
			order_by="creation desc",
		),
		approved=doc.status == rules.plan.APPROVED,
	)


def plan_status_text(doc):
	if doc.status in rules.plan.EDITABLE_PLAN_STATUSES:
		return _("Write your plan. Send it when it is ready.")
	return {
		rules.plan.SUBMITTED: _("Your caseworker is reading your plan."),
		rules.plan.APPROVED: _("Your plan is approved."),
		rules.plan.REJECTED: _("Your plan was not approved."),
	}.get(doc.status, "")


def line_view(doc, row, payout):
	"""One budget line as a card: what, how much, when, who is paid, the quote, and what happens next."""
	to_supplier = row.payment_route == rules.plan.SUPPLIER_INVOICE
	return frappe._dict(
		name=row.name,
		idx=row.idx,
		values={
			field: row.get(field) if field != "need_date" else str(row.need_date or "")
			for field in LINE_FIELDS
		},
		description=row.description,
		category=_(row.category) if row.category else "",
		amount=money(doc, row.amount),
		need_date=format_date(row.need_date) if row.need_date else "",
		payee=(row.supplier_text or row.supplier or _("The shop or school")) if to_supplier else _("Me"),
		quote=row.quote,
		goal=row.goal,
		parked=bool(row.parked),
		next=line_next_step(doc, row, payout),
		advance=payout and payout.get("advance"),
	)


def line_next_step(doc, row, payout):
	if doc.status == rules.plan.APPROVED and payout:
		return payout["status"]
	if row.parked:
		return _("Parked. It waits until later.")
	if doc.status in rules.plan.EDITABLE_PLAN_STATUSES:
		return _("You can still change it.")
	if doc.status == rules.plan.SUBMITTED:
		return _("Your caseworker is reading it.")
	return _("Not approved.")


def line_payouts(plan) -> dict[str, dict]:
	"""Each approved line's payout in plain words, by line, with the advance to upload receipts to
	when one is waiting."""
	if plan.status != rules.plan.APPROVED:
		return {}
	advances = {
		row.budget_line: row
		for row in frappe.get_all(
			"Budget Advance",
			filters={"budget_plan": plan.name},
			fields=["name", "budget_line", "status", "receipt_due_date"],
			order_by="creation asc",
		)
	}
	# An e-invoice matched to a line is news to the citizen before finance has submitted it.
	received = set(
		frappe.get_all(
			"E-Invoice",
			filters={
				"budget_plan": plan.name,
				"status": rules.einvoice.DRAFTED,
				"kind": rules.einvoice.INVOICE,
			},
			pluck="budget_line",
		)
	)
	return {
		line.name: {
			"status": _("Invoice received from {0}").format(line.supplier_text or line.supplier)
			if line.name in received and line.payout_status == rules.payout.AWAITING_INVOICE
			else describe_payout(line, advances.get(line.name), plan.currency),
			"advance": (advances.get(line.name) or {}).get("name")
			if line.payout_status in (rules.payout.AWAITING_RECEIPTS, rules.payout.RECEIPTS_OVERDUE)
			else None,
		}
		for line in plan.lines
	}


def line_form(doc) -> frappe._dict:
	"""The choices of the step-by-step line form: the categories, the routes this programme pays by,
	and the plan's goals."""
	allowance = flt(frappe.get_cached_value("Budget Programme", doc.programme, "allowance_limit"))
	routes = [
		(rules.plan.SUPPLIER_INVOICE, _("A shop or school sends the bill")),
		(rules.plan.REIMBURSEMENT, _("I pay and get the money back")),
	]
	if allowance:
		routes.append((rules.plan.ALLOWANCE, _("I get the money without receipts")))
	return frappe._dict(
		categories=[
			(name, _(name)) for name in frappe.get_all("Budget Category", pluck="name", order_by="name")
		],
		routes=routes,
		goals=[row.goal for row in doc.goals],
		course_start=str(doc.course_start_date or ""),
		course_end=str(doc.course_end_date or ""),
	)


def writable_plan(plan: str):
	"""The plan, locked for this request, if the user may change it (the permission rule decides:
	another citizen, or a representative with the scope Read, is refused)."""
	doc = frappe.get_doc("Budget Plan", plan, for_update=True)
	doc.check_permission("write")
	return doc


def text_value(value) -> str:
	"""A text a page sent, trimmed; numbers are taken as their text, anything else is refused."""
	if value is None or isinstance(value, bool):
		return ""
	if not isinstance(value, str | int | float):
		frappe.throw(_("A text field got something that is not text."), title=_("Invalid value"))
	return cstr(value).strip()


def line_values(line) -> dict:
	"""The fields a citizen may write on a line, parsed; anything else is refused."""
	from borgerbudget.input import amount_argument, date_argument

	line = frappe.parse_json(line) or {}
	if not isinstance(line, dict):
		frappe.throw(_("The budget line could not be read."), title=_("Invalid value"))
	unknown = set(line) - set(LINE_FIELDS)
	if unknown:
		frappe.throw(
			_("These fields cannot be changed here: {0}").format(", ".join(sorted(unknown))),
			title=_("Invalid value"),
		)
	values = {field: text_value(line[field]) for field in line if field not in ("amount", "parked")}
	values.update({field: line[field] for field in ("amount", "parked") if field in line})
	if "amount" in values:
		values["amount"] = amount_argument(values["amount"], "Amount", "amount")
	if values.get("need_date"):
		values["need_date"] = date_argument(values["need_date"], "Need Date", "need_date")
	if "parked" in values:
		values["parked"] = 1 if values["parked"] in (1, True, "1", "true", "on") else 0
	return values


@frappe.whitelist(methods=["POST"])
@retrying
def save_plan_line(plan: str, line: str | dict, line_name: str | None = None) -> str:
	"""Add a budget line to the plan, or change one (`line_name`), through the plan's controller:
	the same checks as the desk and REST. Returns the line's name."""
	doc = writable_plan(plan)  # the permission rule: write on this plan, or refused
	values = line_values(line)
	if line_name:
		row = next((row for row in doc.lines if row.name == line_name), None)
		if not row:
			frappe.throw(_("This line is not in the plan."), frappe.DoesNotExistError)
		row.update(values)
	else:
		row = doc.append("lines", values)
	with naming_missing_fields(doc):
		doc.save()
	return row.name


@frappe.whitelist(methods=["POST"])
@retrying
def remove_plan_line(plan: str, line_name: str) -> str:
	doc = writable_plan(plan)  # the permission rule: write on this plan, or refused
	rows = [row for row in doc.lines if row.name != line_name]
	if len(rows) == len(doc.lines):
		frappe.throw(_("This line is not in the plan."), frappe.DoesNotExistError)
	doc.set("lines", rows)
	doc.save()
	return doc.name


@frappe.whitelist(methods=["POST"])
@retrying
def save_plan_parts(plan: str, parts: str | dict) -> str:
	"""Write the plan's own parts (why, goals, strategy, successes and frustrations) through the
	plan's controller. Only the parts sent are changed."""
	doc = writable_plan(plan)  # the permission rule: write on this plan, or refused
	parts = frappe.parse_json(parts) or {}
	if not isinstance(parts, dict) or set(parts) - {*PART_FIELDS, "goals"}:
		frappe.throw(
			_("These fields cannot be changed here: {0}").format(
				", ".join(sorted(set(parts) - {*PART_FIELDS, "goals"})) if isinstance(parts, dict) else ""
			),
			title=_("Invalid value"),
		)
	for field in PART_FIELDS:
		if field in parts:
			doc.set(field, text_value(parts[field]))
	if "goals" in parts:
		goals = parts["goals"] or []
		if not isinstance(goals, list) or not all(isinstance(goal, dict) for goal in goals):
			frappe.throw(_("The goals could not be read."), title=_("Invalid value"))
		goals = [{key: text_value(goal.get(key)) for key in ("goal", "how_to_measure")} for goal in goals]
		doc.set("goals", [goal for goal in goals if goal["goal"]])
	with naming_missing_fields(doc):
		doc.save()
	return doc.name


@frappe.whitelist(methods=["POST"])
@retrying
def submit_plan(plan: str) -> str:
	"""Send the plan to the caseworker (Budget Plan.submit_for_assessment), if it is complete."""
	doc = writable_plan(plan)  # the permission rule: write on this plan, or refused
	doc.submit_for_assessment()
	return _(doc.status)


def timeline_view(doc) -> frappe._dict:
	"""The print format's timeline (Budget Plan.get_timeline) with the texts the screen shows."""
	timeline = doc.get_timeline()
	return frappe._dict(
		months=[
			frappe._dict(
				label=frappe.utils.formatdate(month["start"], "MMMM yyyy"),
				lines=[timeline_line(doc, row) for row in month["lines"]],
			)
			for month in timeline["months"]
		],
		parked=[timeline_line(doc, row) for row in timeline["parked"]],
	)


def timeline_line(doc, row):
	return frappe._dict(
		description=row.description,
		amount=money(doc, row.amount),
		need_date=format_date(row.need_date) if row.need_date else "",
		park_note=row.park_note or "",
	)


# The texts the pages' script shows, in the user's language.
PAGE_MESSAGES = (
	"Saved.",
	"Something went wrong. Try again.",
	"Your request is sent to your caseworker.",
	"Step {0} of {1}",
	"The file is uploaded.",
	"Uploading the file …",
	"Your plan is sent to your caseworker.",
)


def page_messages() -> dict:
	return {message: _(message) for message in PAGE_MESSAGES}


def money_view(doc) -> list[frappe._dict]:
	"""The citizen's money on an approved plan: each line's payout in words, and each advance with
	its receipts; the advance that waits for receipts takes new ones (the same one the plan's
	card links to)."""
	payouts = line_payouts(doc)
	advances = frappe.get_list(
		"Budget Advance",
		filters={"budget_plan": doc.name},
		fields=["name", "budget_line", "amount", "receipt_due_date"],
		order_by="creation asc",
	)
	by_line = {}
	for advance in advances:
		by_line.setdefault(advance.budget_line, []).append(advance)
	writable = bool(doc.has_permission("write"))
	rows = []
	for line in doc.lines:
		if line.name not in payouts:
			continue
		waiting = payouts[line.name].get("advance")
		rows.append(
			frappe._dict(
				description=line.description,
				amount=money(doc, line.amount),
				status=payouts[line.name]["status"],
				advances=[
					frappe._dict(
						name=advance.name,
						amount=money(doc, advance.amount),
						due=format_date(advance.receipt_due_date) if advance.receipt_due_date else "",
						receipts=[
							frappe._dict(
								date=format_date(receipt.receipt_date),
								description=receipt.description,
								amount=money(doc, receipt.amount),
								attachment=receipt.attachment,
							)
							for receipt in frappe.get_doc("Budget Advance", advance.name).receipts
						],
						can_add=writable and advance.name == waiting,
					)
					for advance in by_line.get(line.name, [])
				],
			)
		)
	return rows


RECEIPT_FIELDS = ("receipt_date", "description", "amount", "attachment")


@frappe.whitelist(methods=["POST"])
@retrying
def add_receipt(budget_advance: str, receipt: str | dict) -> str:
	"""Add a receipt to an advance through its controller (the citizen may add receipts, nothing
	else). Returns the receipt's name."""
	from borgerbudget.input import amount_argument, date_argument

	doc = frappe.get_doc("Budget Advance", budget_advance, for_update=True)
	doc.check_permission("write")
	receipt = frappe.parse_json(receipt) or {}
	if not isinstance(receipt, dict) or set(receipt) - set(RECEIPT_FIELDS):
		frappe.throw(
			_("These fields cannot be changed here: {0}").format(
				", ".join(sorted(set(receipt) - set(RECEIPT_FIELDS))) if isinstance(receipt, dict) else ""
			),
			title=_("Invalid value"),
		)
	values = {field: text_value(receipt.get(field)) for field in ("description", "attachment")}
	values["receipt_date"] = receipt.get("receipt_date")
	values["amount"] = receipt.get("amount")
	values["receipt_date"] = date_argument(values["receipt_date"], "Receipt Date", "receipt_date")
	values["amount"] = amount_argument(values["amount"], "Amount", "amount")
	row = doc.append("receipts", values)
	with naming_missing_fields(doc):
		doc.save()
	return row.name


def change_view(doc) -> frappe._dict:
	"""The citizen's page of changes (www/my-change): the plan's status in words, whether a change
	may be asked for now (the amendment's controller and the permission rule decide), the lines it
	may be about, and each change asked for with its state in words."""
	from borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment import (
		closed_because,
	)

	closed = closed_because(doc)
	new = frappe.get_doc({"doctype": "Budget Plan Amendment", "budget_plan": doc.name})
	may_ask = not closed and bool(frappe.has_permission("Budget Plan Amendment", "create", doc=new))
	if doc.status != rules.plan.APPROVED:
		why_not = _("You can ask for a change when your plan is approved.")
	elif closed:
		why_not = closed
	elif not may_ask:
		why_not = _("You can see the changes, but not ask for one.")
	else:
		why_not = None
	requests = frappe.get_list(
		"Budget Plan Amendment",
		filters={"budget_plan": doc.name},
		fields=["name", "status", "reason", "creation", "total_before", "total_after"],
		order_by="creation desc",
	)
	return frappe._dict(
		may_ask=may_ask,
		why_not=why_not,
		lines=[
			frappe._dict(name=row.name, description=row.description, amount=money(doc, row.amount))
			for row in doc.lines
			if not row.parked
		],
		requests=[
			frappe._dict(
				name=request.name,
				asked_on=format_date(request.creation),
				reason=request.reason or "",
				state=change_state(request.status),
				status=request.status,
				changes=change_words(doc, request.name),
				total_before=money(doc, request.total_before),
				total_after=money(doc, request.total_after),
			)
			for request in requests
		],
	)


def change_state(status) -> str:
	"""A change's status, in words a citizen reads."""
	return {
		rules.amendment.DRAFT: _("Sent. Your caseworker will go through it with you."),
		rules.amendment.AWAITING_ASSESSMENT: _("Your caseworker is looking at it."),
		rules.plan.APPROVED: _("Approved. Your plan is changed."),
		rules.plan.NEEDS_REVISION: _("Not approved as it is. Talk to your caseworker."),
		rules.plan.REJECTED: _("Not approved. Your plan stays as it is."),
		rules.amendment.CANCELLED: _("Stopped. Your plan stays as it is."),
	}.get(status, _(status or ""))


def change_words(doc, amendment) -> list[str]:
	"""What a change does to each line, in words (its diff, as the controller worked it out)."""
	words = []
	for change in frappe.get_all(
		"Budget Plan Amendment Change",
		filters={"parent": amendment, "parenttype": "Budget Plan Amendment"},
		fields=["change", "description", "old_amount", "new_amount"],
		order_by="idx asc",
	):
		description = change.description or ""
		if change.change == rules.amendment.ADDED:
			words.append(_("New: {0}, {1}").format(description, money(doc, change.new_amount)))
		elif change.change == rules.amendment.DROPPED:
			words.append(_("Removed: {0}").format(description))
		elif flt(change.old_amount) != flt(change.new_amount):
			words.append(
				_("{0}: from {1} to {2}").format(
					description, money(doc, change.old_amount), money(doc, change.new_amount)
				)
			)
		else:
			words.append(_("{0}: changed").format(description))
	return words


def change_form(doc) -> frappe._dict:
	"""The choices of the step-by-step change form: those of the line form (categories, routes)."""
	return line_form(doc)


# What the change form sends: which approved line (empty for a new one, or for "something else"),
# what should happen, and the new line's values; the reason is the amendment's own.
CHANGE_ACTIONS = ("amount", "remove", "add", "other")
# A new line's own values: no goal, quote or parking yet (the caseworker adds them with the citizen).
NEW_LINE_FIELDS = tuple(field for field in LINE_FIELDS if field not in ("goal", "quote", "parked"))


@frappe.whitelist(methods=["POST"])
@retrying
def ask_for_change(plan: str, change: str | dict) -> str:
	"""A citizen's request to change their approved plan: a Budget Plan Amendment with the plan's
	lines and the one change asked for, inserted through its controller (the permission rule's create
	check, the plan's own rules on the plan after the change), as the web form and the desk insert
	one. It stays a draft: the caseworker goes through it with the citizen and submits it. Returns
	the amendment's name."""
	from borgerbudget.input import amount_argument, date_argument

	source = frappe.get_doc("Budget Plan", plan)
	source.check_permission("read")
	# The controller copies the participant from the plan when it validates, as on every route.
	doc = frappe.get_doc({"doctype": "Budget Plan Amendment", "budget_plan": source.name})
	doc.check_permission("create")  # the permission rule, for this plan's participant
	doc.copy_lines(source)
	change = frappe.parse_json(change) or {}
	if not isinstance(change, dict) or set(change) - {"line", "action", "reason", *NEW_LINE_FIELDS}:
		frappe.throw(
			_("These fields cannot be changed here: {0}").format(
				", ".join(sorted(set(change) - {"line", "action", "reason", *NEW_LINE_FIELDS}))
				if isinstance(change, dict)
				else ""
			),
			title=_("Invalid value"),
		)
	action = change.get("action")
	if action not in CHANGE_ACTIONS:
		frappe.throw(_("Choose what you want to change."), title=_("Invalid value"))
	doc.reason = text_value(change.get("reason"))
	if action in ("amount", "remove"):
		row = next(
			(row for row in doc.lines if row.budget_line and row.budget_line == change.get("line")), None
		)
		if not row:
			frappe.throw(_("This line is not in the plan."), frappe.DoesNotExistError)
		if action == "remove":
			doc.remove(row)
		else:
			row.amount = amount_argument(change.get("amount"), "Amount", "amount")
	elif action == "add":
		values = {field: text_value(change.get(field)) for field in NEW_LINE_FIELDS}
		values["amount"] = amount_argument(change.get("amount"), "Amount", "amount")
		values["need_date"] = (
			date_argument(values["need_date"], "Expected Need Date", "need_date")
			if values["need_date"]
			else None
		)
		doc.append("lines", {field: value for field, value in values.items() if value not in ("", None)})
	with naming_missing_fields(doc):
		doc.insert()
	return doc.name


def page_assets() -> dict:
	"""The pages' style and script, put into the page itself: no build step, and never a stale copy
	from a browser's or proxy's cache of /assets after an upgrade."""
	return {
		kind: open(
			frappe.get_app_path("borgerbudget", "public", kind, f"citizen_portal.{kind}"), encoding="utf-8"
		).read()
		for kind in ("css", "js")
	}


# The words public/js/portal_a11y.js gives frappe's controls, in the user's language.
A11Y_MESSAGES = {
	"select_row": "Select row",
	"select_all": "Select all rows",
	"print": "Print",
	"required": "Fill in this field.",
	"comment": "Comment",
}
STATEMENT = "/tilgaengelighed"


def website_context(context):
	"""update_website_context: the accessibility statement in every page's footer, and the words of
	the portal's accessibility script (public/js/portal_a11y.js)."""
	items = list(context.get("footer_items") or [])
	if not any(item.get("url") == STATEMENT for item in items):
		items.append(frappe._dict(label=_("Accessibility statement"), url=STATEMENT))
	context["footer_items"] = items
	words = frappe.as_json({key: _(message) for key, message in A11Y_MESSAGES.items()}).replace("</", "<\\/")
	context["body_include"] = (
		context.get("body_include") or ""
	) + f"<script>window.bb_a11y_messages = {words};</script>"
