"""What the plan web forms need beyond what frappe's web form sends to the browser."""

import frappe
from frappe import _

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
	"Draft",
	"Submitted for Assessment",
	"Approved",
	"Needs Revision",
	"Rejected",
	"Assess This Plan",
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
	messages = list(SCRIPT_MESSAGES)
	for doctype in ("Budget Line", "Budget Plan Goal"):
		for df in frappe.get_meta(doctype).fields:
			messages.extend(filter(None, (df.label, df.description)))
			if df.fieldtype == "Select":
				messages.extend(filter(None, (df.options or "").split("\n")))
	context.plan_messages = {message: _(message) for message in messages}
	translate_introduction(context)


def approval_form_context(context):
	"""Translations for the approval form script: its own strings, the workflow's states and actions."""
	from borgerbudget.hooks import APPROVAL_WORKFLOW_ACTIONS, APPROVAL_WORKFLOW_STATES

	messages = [*APPROVAL_SCRIPT_MESSAGES, *APPROVAL_WORKFLOW_STATES, *APPROVAL_WORKFLOW_ACTIONS]
	for df in frappe.get_meta("Budget Plan Approval Member").fields:
		messages.extend(filter(None, (df.label, df.description)))
	context.approval_messages = {message: _(message) for message in messages}
	translate_introduction(context)


def translate_introduction(context):
	if context.introduction_text:
		context.introduction_text = _(context.introduction_text)
	context.no_cache = 1
