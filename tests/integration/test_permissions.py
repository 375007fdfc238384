"""Permissions as real users over HTTP, against gunicorn serving the test site."""

import json

import frappe
import pytest

from tests.integration.factories import TEAM, make_participant, make_programme, user


@pytest.fixture(scope="module")
def people(site):
	"""Committed participants: one for caseworker A, one for caseworker B, one for A's team."""
	frappe.set_user("Administrator")
	programme = make_programme()
	made = {
		"a": make_participant(programme, assigned_caseworker=user("caseworker_a"), cpr_number="120378-1235"),
		"b": make_participant(programme, assigned_caseworker=user("caseworker_b"), cpr_number="030985-2468"),
		"team": make_participant(
			programme, assigned_caseworker=user("teammate"), caseworker_team=TEAM, cpr_number="150771-3571"
		),
	}
	frappe.db.commit()
	yield {key: doc.name for key, doc in made.items()} | {"programme": programme.name}
	frappe.set_user("Administrator")
	frappe.db.delete("CPR Access Log", {"participant": ("in", [doc.name for doc in made.values()])})
	frappe.db.delete("Participant CPR", {"programme": programme.name})
	frappe.db.delete("Participant", {"programme": programme.name})
	frappe.delete_doc("Budget Programme", programme.name)
	frappe.db.commit()


def listed(api_session, programme):
	response = api_session.get(
		"/api/resource/Participant",
		params={
			"filters": json.dumps([["programme", "=", programme]]),
			"fields": json.dumps(["name"]),
			"limit_page_length": 100,
		},
	)
	assert response.status_code == 200, response.text
	return {row["name"] for row in response.json()["data"]}


def test_caseworkers_list_only_their_own_and_their_teams_participants(people, api):
	assert listed(api("caseworker_a"), people["programme"]) == {people["a"], people["team"]}
	assert listed(api("caseworker_b"), people["programme"]) == {people["b"]}
	assert listed(api("teammate"), people["programme"]) == {people["team"], people["a"]}
	assert listed(api("team_lead"), people["programme"]) == {people["a"], people["team"]}


def test_finance_and_auditor_see_all(people, api):
	everyone = {people["a"], people["b"], people["team"]}
	assert listed(api("finance"), people["programme"]) == everyone
	assert listed(api("auditor"), people["programme"]) == everyone


def test_a_caseworker_cannot_read_or_change_another_caseworkers_participant(people, api):
	b = api("caseworker_b")
	assert b.get(f"/api/resource/Participant/{people['a']}").status_code == 403
	response = b.put(f"/api/resource/Participant/{people['a']}", json={"phone": "+45 99 99 99 99"})
	assert response.status_code == 403
	assert frappe.db.get_value("Participant", people["a"], "phone") != "+45 99 99 99 99"
	response = b.post("/api/method/frappe.client.get", data={"doctype": "Participant", "name": people["a"]})
	assert response.status_code == 403
	response = b.post(f"/api/resource/Participant/{people['a']}", params={"run_method": "offer"})
	assert response.status_code in (403, 405, 417)
	assert api("caseworker_a").get(f"/api/resource/Participant/{people['a']}").status_code == 200


def test_auditor_is_read_only(people, api):
	response = api("auditor").put(
		f"/api/resource/Participant/{people['a']}", json={"phone": "+45 11 11 11 11"}
	)
	assert response.status_code == 403


def test_citizen_has_no_access_to_participants(people, api):
	citizen = api("citizen")
	assert citizen.get(f"/api/resource/Participant/{people['a']}").status_code == 403
	assert citizen.get("/api/resource/Participant").status_code == 403


def test_link_search_report_view_and_count_are_scoped(people, api):
	b = api("caseworker_b")
	response = b.post(
		"/api/method/frappe.desk.search.search_link",
		data={"doctype": "Participant", "txt": "Test Borger", "page_length": 100},
	)
	assert response.status_code == 200, response.text
	names = {row["value"] for row in response.json()["message"]}
	assert people["b"] in names and people["a"] not in names

	response = b.post(
		"/api/method/frappe.desk.reportview.get",
		data={
			"doctype": "Participant",
			"fields": json.dumps(["`tabParticipant`.`name`"]),
			"filters": json.dumps([["programme", "=", people["programme"]]]),
		},
	)
	assert response.status_code == 200, response.text
	values = response.json()["message"]["values"]
	assert [row[0] for row in values] == [people["b"]]

	# The desk's list count. (frappe.client.get_count counts without permissions in frappe v15.)
	response = b.post(
		"/api/method/frappe.desk.reportview.get_count",
		data={"doctype": "Participant", "filters": json.dumps([["programme", "=", people["programme"]]])},
	)
	assert response.json()["message"] == 1


def test_global_search_does_not_leak_other_caseworkers_participants(people, api):
	full_name = frappe.db.get_value("Participant", people["a"], "full_name")
	response = api("caseworker_b").post(
		"/api/method/frappe.utils.global_search.search", data={"text": full_name}
	)
	assert response.status_code == 200, response.text
	assert people["a"] not in json.dumps(response.json())


def test_the_api_never_returns_the_cpr_number_or_its_ciphertext(people, api):
	a = api("caseworker_a")
	for response in (
		a.get(f"/api/resource/Participant/{people['a']}"),
		a.get(
			"/api/resource/Participant",
			params={"fields": json.dumps(["*"]), "filters": json.dumps([["name", "=", people["a"]]])},
		),
	):
		assert response.status_code == 200, response.text
		body = response.text
		assert "1203781235" not in body and "120378-1235" not in body
		assert "cpr_encrypted" not in body and "cpr_hash" not in body
	# The encrypted number and its keyed hash are in the vault, which no role may read.
	assert a.get(f"/api/resource/Participant CPR/{people['a']}").status_code == 403
	assert a.get("/api/resource/Participant CPR").status_code == 403
	assert '"cpr_masked":"120378-XXXX"' in a.get(f"/api/resource/Participant/{people['a']}").text.replace(
		" ", ""
	)


def test_reveal_needs_the_cpr_role_read_access_and_a_reason_and_is_logged(people, api):
	def reveal(key, name, reason="Statement to the pension office"):
		return api(key).post(
			"/api/method/run_doc_method",
			data={
				"dt": "Participant",
				"dn": name,
				"method": "reveal_cpr",
				"args": json.dumps({"reason": reason}),
			},
		)

	logs_before = frappe.db.count("CPR Access Log", {"participant": people["a"]})
	assert reveal("caseworker_a", people["a"]).status_code == 403  # no CPR access role
	# The CPR role does not widen which participants a caseworker sees.
	assert reveal("cpr_caseworker", people["a"]).status_code == 403
	frappe.db.set_value("Participant", people["a"], "assigned_caseworker", user("cpr_caseworker"))
	frappe.db.commit()
	try:
		response = reveal("cpr_caseworker", people["a"], reason=" ")
		assert response.status_code == 417 and "reason" in response.text
		response = reveal("cpr_caseworker", people["a"])
		assert response.status_code == 200, response.text
		assert response.json()["message"] == "120378-1235"
	finally:
		frappe.db.set_value("Participant", people["a"], "assigned_caseworker", user("caseworker_a"))
		frappe.db.commit()
	logs = frappe.get_all(
		"CPR Access Log", filters={"participant": people["a"]}, fields=["user", "reason"], order_by="creation"
	)
	assert len(logs) == logs_before + 1
	assert logs[-1].user == user("cpr_caseworker") and logs[-1].reason == "Statement to the pension office"


def test_caseworker_web_form_lists_and_saves_through_the_same_rules(people, api):
	b = api("caseworker_b")
	response = b.get(
		"/api/method/frappe.www.list.get_list_data",
		params={"doctype": "Participant", "web_form_name": "participant-registration", "limit": 100},
	)
	assert response.status_code == 200, response.text
	names = {row["name"] for row in response.json()["message"]}
	assert people["b"] in names and people["a"] not in names
	assert "cpr_encrypted" not in response.text

	response = b.get(
		"/api/method/frappe.website.doctype.web_form.web_form.get_form_data",
		params={
			"doctype": "Participant",
			"docname": people["a"],
			"web_form_name": "participant-registration",
		},
	)
	assert response.status_code == 403

	data = {
		"full_name": "Web Form Borger",
		"cpr_number": "071182-1793",
		"programme": people["programme"],
		"referral_source": "Citizen request",
		"screening_date": frappe.utils.today(),
		"months_unemployed": 5,
		"benefit_type": "Kontanthjælp",
		"job_ready": 1,
		"available_to_labour_market": 1,
	}
	accept = "/api/method/frappe.website.doctype.web_form.web_form.accept"
	response = api("citizen").post(
		accept, data={"web_form": "participant-registration", "data": json.dumps(data)}
	)
	assert response.status_code == 403
	response = b.post(
		accept,
		data={"web_form": "participant-registration", "data": json.dumps({**data, "cpr_number": "99"})},
	)
	assert response.status_code == 417 and "DDMMYY-SSSS" in response.text
	response = b.post(accept, data={"web_form": "participant-registration", "data": json.dumps(data)})
	assert response.status_code == 200, response.text
	saved = frappe.get_doc("Participant", response.json()["message"]["name"])
	assert saved.assigned_caseworker == user("caseworker_b")
	assert saved.cpr_masked == "071182-XXXX"
	assert saved.eligible == 0 and "Unemployed for 5 months" in saved.eligibility_result
