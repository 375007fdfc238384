import csv
import json
import os
import re

import frappe
import pytest

from borgerbudget.hooks import BORGERBUDGET_ROLES


def app_doctypes():
	folder = frappe.get_app_path("borgerbudget", "borgerbudget", "doctype")
	names = []
	for entry in sorted(os.listdir(folder)):
		path = os.path.join(folder, entry, entry + ".json")
		if os.path.exists(path):
			names.append(json.load(open(path))["name"])
	return names


def test_app_is_installed_with_its_doctypes_roles_and_web_form():
	assert "borgerbudget" in frappe.get_installed_apps()
	for doctype in app_doctypes():
		assert frappe.db.get_value("DocType", doctype, "module") == "Borgerbudget"
		# A single doctype (MitID Settings) keeps its values in tabSingles.
		assert frappe.get_meta(doctype).issingle or frappe.db.table_exists(doctype)
	for role in BORGERBUDGET_ROLES:
		assert frappe.db.exists("Role", role)
	assert frappe.db.get_value("Role", "Borgerbudget Citizen", "desk_access") == 0
	assert frappe.db.get_value("Web Form", "participant-registration", "apply_document_permissions") == 1
	assert frappe.db.exists("Benefit Type", "Kontanthjælp")


def test_no_doctype_name_collides_with_frappe_or_erpnext():
	ours = {frappe.scrub(name) for name in app_doctypes()}
	for app in ("frappe", "erpnext"):
		app_path = frappe.get_app_path(app)
		for root, dirs, _files in os.walk(app_path):
			if os.path.basename(root) == "doctype":
				assert not ours.intersection(dirs), f"{app} already has {ours.intersection(dirs)}"


def test_the_cpr_vault_has_a_database_unique_key_on_programme_and_cpr():
	columns = frappe.db.sql(
		"""select column_name from information_schema.statistics
		where table_schema = database() and table_name = 'tabParticipant CPR'
		and index_name = 'unique_cpr_per_programme' and non_unique = 0
		order by seq_in_index""",
		pluck=True,
	)
	assert [c.lower() for c in columns] == ["programme", "cpr_hash"]
	# Nothing of the number is left on the participant itself.
	assert not {"cpr_encrypted", "cpr_hash"} & {c.lower() for c in frappe.db.get_table_columns("Participant")}


# A literal message in _("...") or __("..."), in Python, form scripts and notification templates.
MESSAGE = re.compile(r'(?<![\w.])_{1,2}\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]')


def translatable_strings():
	"""Every label, description and select option of the app's doctypes and web forms, their titles
	and texts, the approval workflow's states and actions, and every literal message in the code."""
	from borgerbudget.hooks import APPROVAL_WORKFLOW_ACTIONS, APPROVAL_WORKFLOW_STATES

	strings = set(app_doctypes()) | set(APPROVAL_WORKFLOW_STATES) | set(APPROVAL_WORKFLOW_ACTIONS)
	for root, _dirs, files in os.walk(frappe.get_app_path("borgerbudget")):
		for file in files:
			if file.endswith((".py", ".js", ".html")):
				text = open(os.path.join(root, file), encoding="utf-8").read()
				strings.update(m.replace('\\"', '"') for m in MESSAGE.findall(text))
			if not file.endswith(".json"):
				continue
			doc = json.load(open(os.path.join(root, file)))
			if not isinstance(doc, dict):
				continue
			if doc.get("doctype") == "Web Form":
				strings.update(
					filter(None, (doc.get(k) for k in ("title", "introduction_text", "success_message")))
				)
			if doc.get("doctype") == "Notification":
				strings.update(MESSAGE.findall(doc.get("subject") or ""))
			for df in doc.get("fields", []) + doc.get("web_form_fields", []):
				strings.update(filter(None, (df.get("label"), df.get("description"))))
				if df.get("fieldtype") == "Select" and df.get("fieldname") != "naming_series":
					strings.update(filter(None, (df.get("options") or "").split("\n")))
	return strings


def test_danish_translations_cover_every_label_and_are_loaded():
	path = frappe.get_app_path("borgerbudget", "translations", "da.csv")
	with open(path, newline="", encoding="utf-8") as f:
		shipped = {row[0]: row[1] for row in csv.reader(f) if row}
	# Danish proper names may be left out: they translate to themselves.
	missing = {s for s in translatable_strings() - set(shipped) if s.isascii()}
	assert not missing, f"untranslated: {sorted(missing)}"
	from frappe.translate import get_translations_from_apps

	loaded = get_translations_from_apps("da", apps=["borgerbudget"])
	assert loaded["Participant"] == shipped["Participant"]


def test_error_messages_are_translated_to_danish():
	from tests.integration.factories import make_programme

	programme = make_programme()
	frappe.local.lang = "da"
	frappe.local.lang_full_dict = None
	with pytest.raises(frappe.ValidationError) as error:
		frappe.get_doc(
			{"doctype": "Participant", "full_name": "X", "programme": programme.name, "cpr_number": "12345"}
		).insert()
	assert str(error.value).startswith("CPR-nummeret skal have formen")
