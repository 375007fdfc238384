"""Plain Danish: every text a citizen reads (portal.CITIZEN_TEXT_FILES, CITIZEN_WEB_FORMS, the
Notifications to the citizen, portal.py's messages to citizens) has a LIX of 40 or less in Danish.

Labels and headings of fewer than MIN_WORDS words are left out: LIX counts long words as a share,
so a single long word ("Kvitteringer") scores 101, and LIX says nothing about such a text."""

import inspect
import json
import os
import re

import frappe

from borgerbudget import portal, rules
from borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment import closed_because

MIN_WORDS = 6
APP = os.path.dirname(portal.__file__)
LITERAL = re.compile(r"""(?<![\w.])_{1,2}\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
STAFF_ONLY = {"Assess This Plan"}


def literals(source):
	return [json.loads(m) if m.startswith('"') else m[1:-1] for m in LITERAL.findall(source)]


def citizen_texts():
	"""(where, English source) of every text a citizen reads."""
	texts = []
	for path in portal.CITIZEN_TEXT_FILES:
		with open(os.path.join(APP, path), encoding="utf-8") as file:
			texts += [(path, text) for text in literals(file.read())]
	for route in portal.CITIZEN_WEB_FORMS:
		form = frappe.get_doc("Web Form", {"route": route})
		texts += [
			(f"web form {route}", text)
			for text in (form.title, form.introduction_text, form.success_message)
			if text
		]
		for field in form.web_form_fields:
			texts += [
				(f"web form {route}: {field.fieldname}", text)
				for text in (field.label, field.description)
				if text
			]
	for notification in frappe.get_all(
		"Notification", filters={"module": "Borgerbudget"}, fields=["name", "subject", "message"]
	):
		recipients = frappe.get_all(
			"Notification Recipient",
			filters={"parent": notification.name},
			pluck="receiver_by_document_field",
		)
		if "citizen_email" in recipients:
			texts += [
				(f"notification {notification.name}", text)
				for text in literals(notification.subject or "") + literals(notification.message or "")
			]
	texts += [("portal.SCRIPT_MESSAGES", text) for text in portal.SCRIPT_MESSAGES if text not in STAFF_ONLY]
	texts += [("portal.A11Y_MESSAGES", text) for text in portal.A11Y_MESSAGES.values()]
	for function in (
		portal.get_payout_overview,
		portal.describe_payout,
		portal.set_my_email,
		portal.change_view,
		portal.change_state,
		portal.change_words,
		portal.ask_for_change,
		portal.save_plan_line,
		closed_because,
	):
		texts += [
			(f"{function.__module__}.{function.__name__}", text)
			for text in literals(inspect.getsource(function))
		]
	return texts


def test_the_collection_finds_the_citizens_texts():
	texts = [text for _where, text in citizen_texts()]
	assert "Receipt due by {0}" in texts  # portal.py
	assert "Your caseworker is looking at it." in texts  # the change page's states (portal.py)
	assert "Ask for a change" in texts  # www/my-change.html
	assert any(text.startswith("You logged in with MitID") for text in texts)  # the MitID page
	assert any(text.startswith("Write your own plan") for text in texts)  # the plan's introduction
	assert any(text.startswith("Your budget plan has been approved") for text in texts)  # a notification


def test_every_citizen_text_is_plain_danish():
	frappe.local.lang = "da"
	too_hard = []
	for where, text in sorted(set(citizen_texts())):
		danish = frappe._(text)
		if len(rules.readability.words(danish)) < MIN_WORDS:
			continue
		score = rules.readability.lix(danish)
		if score > rules.readability.PLAIN:
			too_hard.append(f"{score:5.1f}  {where}: {danish}")
	assert not too_hard, f"{len(too_hard)} texts above LIX {rules.readability.PLAIN}:\n" + "\n".join(too_hard)
