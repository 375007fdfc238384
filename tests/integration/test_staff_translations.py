"""The caseworkers' web form lists show statuses and workflow states in the user's language (over
HTTP, as a Danish caseworker): frappe's list translates each cell, given the values' translations."""

import json
import re

import frappe
import pytest

from borgerbudget import rules
from borgerbudget.portal import STAFF_WEB_FORMS
from tests.integration.factories import Api, user


@pytest.fixture
def danish_caseworker(server_url, site):
	before = frappe.db.get_value("User", user("caseworker_a"), "language")
	frappe.db.set_value("User", user("caseworker_a"), "language", "da")
	frappe.db.commit()
	yield Api(server_url, site, user("caseworker_a"))
	frappe.db.set_value("User", user("caseworker_a"), "language", before)
	frappe.db.commit()


def list_messages(html):
	"""Every translation the list page hands frappe's list script."""
	messages = {}
	for found in re.findall(r"frappe\._messages = (\{.*?\});", html, re.S):
		messages.update(json.loads(found))
	for found in re.findall(r"Object\.assign\(frappe\._messages, (\{.*?\})\);</script>", html, re.S):
		messages.update(json.loads(found))
	return messages


@pytest.mark.parametrize(
	("route", "shown"),
	[
		(
			"/plan-assessment/list",
			{"Plan Approved": "Plan godkendt", "Awaiting Team Decision": "Afventer teamets beslutning"},
		),
		("/budget-plan/list", {rules.plan.SUBMITTED: "Indsendt til vurdering"}),
	],
)
def test_a_danish_caseworker_sees_the_states_in_danish(danish_caseworker, route, shown):
	response = danish_caseworker.get(route, headers={"Accept": "text/html"})
	assert response.status_code == 200, response.text[:500]
	messages = list_messages(response.text)
	for value, danish in shown.items():
		assert messages.get(value) == danish, (value, messages.get(value))


@pytest.mark.parametrize("route", [f"{route}/list" for route in STAFF_WEB_FORMS])
def test_every_status_a_list_shows_is_translated(danish_caseworker, route):
	"""Each Select or workflow-state column's values have a Danish translation on the page."""
	name = frappe.db.get_value("Web Form", {"route": route.strip("/").removesuffix("/list")})
	web_form = frappe.get_doc("Web Form", name)
	meta = frappe.get_meta(web_form.doc_type)
	frappe.local.lang = "da"
	expected = []
	for column in web_form.list_columns:
		df = meta.get_field(column.fieldname)
		if df and df.fieldtype == "Select":
			expected += [value for value in df.options.split("\n") if value]
		if df and df.options == "Workflow State":
			expected += list(rules.approval.WORKFLOW_STATES)
	messages = list_messages(danish_caseworker.get(route, headers={"Accept": "text/html"}).text)
	# On the page, and translated (a few words read the same in Danish).
	assert [value for value in expected if value not in messages] == []
	same = {"For", "Status"}
	assert [value for value in expected if messages[value] == value and value not in same] == []
