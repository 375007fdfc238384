"""The accessibility statement (/tilgaengelighed): Digitaliseringsstyrelsen's structure, generated
from the measured results, linked from every page's footer."""

import json

import frappe
import requests

from borgerbudget import accessibility


def test_the_statement_follows_the_template_and_shows_the_measurement(server_url, site):
	response = requests.get(server_url + "/tilgaengelighed", headers={"X-Frappe-Site-Name": site}, timeout=60)
	assert response.status_code == 200
	page = response.text
	for heading in (
		"Tilgængelighedserklæring",
		"Overholdelsesstatus",
		"Indhold, der ikke er tilgængeligt",
		"Sådan er erklæringen lavet",
		"Feedback og kontakt",
		"Klage",
		"Digitaliseringsstyrelsen",
	):
		assert heading in page, heading
	measured = accessibility.load_measured()
	assert (
		measured
	), "borgerbudget/accessibility/measured.json: run the accessibility test with BB_A11Y_RECORD=1"
	assert measured["axe_version"] in page
	assert ("overholder delvist" in page) == bool(measured["known_noncompliance"])
	for row in measured["pages"]:
		assert frappe.utils.escape_html(row["page"]) in page
	for known in measured["known_noncompliance"]:
		assert frappe.utils.escape_html(known["where"]) in page
	# Reflow at 320 CSS px, on the citizens' and the caseworkers' pages.
	assert f"Vi har tjekket {len(measured['reflow']['pages'])} sider i en bredde på 320 pixels" in page
	for failing in measured["reflow"]["failing"]:
		assert frappe.utils.escape_html(failing) in page
	# Linked from the footer of every portal page.
	assert (
		'href="/tilgaengelighed"'
		in requests.get(server_url + "/login", headers={"X-Frappe-Site-Name": site}, timeout=60).text
	)


def test_measured_json_holds_what_the_statement_needs():
	measured = accessibility.load_measured()
	assert set(measured) >= {
		"measured_on",
		"axe_version",
		"browser",
		"known_noncompliance",
		"pages",
		"reflow",
	}
	from borgerbudget import portal

	pages = {row["page"] for row in measured["pages"]}
	# Every citizen page and caseworker web form was measured, and checked for reflow.
	for page in [*portal.CITIZEN_PAGES, *portal.STAFF_WEB_FORMS]:
		assert any(p == page or p.startswith(page + "/") for p in pages), page
		assert any(p == page or p.startswith(page + "/") for p in measured["reflow"]["pages"]), page
	assert measured["reflow"]["failing"] == []
	for row in measured["pages"]:
		assert set(row) >= {"page", "state", "size", "violations"}
		# Nothing serious or critical is left unmeasured: any such would fail the browser test.
		assert not [v for v in row["violations"].values() if v["impact"] in ("serious", "critical")], row
	json.dumps(measured)  # plain data
