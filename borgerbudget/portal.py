"""What the plan web forms need beyond what frappe's web form sends to the browser."""

import frappe
from frappe import _
from frappe.utils import fmt_money, format_date

from borgerbudget import rules

# Every page a citizen (or their representative) uses, as the routes they open: the accessibility
# test (tests/integration/test_accessibility.py) visits each one, the readability test reads their
# texts. A new citizen page joins by being listed here.
CITIZEN_PAGES = (
	"/my-budget-plan",
	"/my-receipts",
	"/plan-change",
	"/my-email",
	"/my-representatives",
	"/act-for",
	"/my-data",
	"/mitid",
	"/tilgaengelighed",
)
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
	if plan.status != rules.plan.APPROVED:
		return []
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
	return [
		{
			"description": line.description,
			"amount": line.amount,
			"status": _("Invoice received from {0}").format(line.supplier_text or line.supplier)
			if line.name in received and line.payout_status == rules.payout.AWAITING_INVOICE
			else describe_payout(line, advances.get(line.name), plan.currency),
			"advance": (advances.get(line.name) or {}).get("name")
			if line.payout_status in (rules.payout.AWAITING_RECEIPTS, rules.payout.RECEIPTS_OVERDUE)
			else None,
		}
		for line in plan.lines
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
