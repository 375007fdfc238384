"""The budget plan over HTTP as real users: caseworker, two citizens, the portal web form."""

import json
import threading

import frappe
import pytest

from tests.integration.factories import budget_line, make_enrolled, make_programme, plan_of, user

PORTAL = "my-budget-plan"


@pytest.fixture(scope="module")
def plans(site):
	"""Two enrolled citizens with portal logins, both assigned to caseworker A (committed)."""
	frappe.set_user("Administrator")
	programme = make_programme(maximum_per_participant=50000)
	made = {
		key: plan_of(make_enrolled(programme, assigned_caseworker=user("caseworker_a"), user=user(key)))
		for key in ("citizen", "citizen_2")
	}
	frappe.db.commit()
	yield {key: plan.name for key, plan in made.items()}
	frappe.set_user("Administrator")
	names = list(made.values())
	for plan in names:
		frappe.db.delete("Budget Plan Note", {"budget_plan": plan.name})
		for file in frappe.get_all("File", filters={"attached_to_name": plan.name}, pluck="name"):
			frappe.delete_doc("File", file, force=True)
		frappe.delete_doc("Budget Plan", plan.name, force=True)
	frappe.db.delete("Participant CPR", {"programme": programme.name})
	frappe.db.delete("Participant", {"programme": programme.name})
	frappe.delete_doc("Budget Programme", programme.name)
	frappe.db.commit()


def get_plan(session, name):
	return session.get(f"/api/resource/Budget Plan/{name}")


def test_the_citizen_reads_and_writes_their_own_plan(plans, api):
	citizen = api("citizen")
	response = get_plan(citizen, plans["citizen"])
	assert response.status_code == 200, response.text
	plan = response.json()["data"]
	line = budget_line(frappe._dict(plan), description="Forklift certificate", amount=4200)
	response = citizen.put(
		f"/api/resource/Budget Plan/{plans['citizen']}",
		json={"motivation": "I want to work in a warehouse", "lines": [line]},
	)
	assert response.status_code == 200, response.text
	saved = response.json()["data"]
	assert saved["total_amount"] == 4200 and saved["lines"][0]["description"] == "Forklift certificate"


def test_the_citizen_cannot_create_delete_or_set_the_caseworkers_comment(plans, api):
	citizen = api("citizen")
	response = citizen.post("/api/resource/Budget Plan", json={"participant": "BB-X"})
	assert response.status_code == 403
	assert citizen.request("DELETE", f"/api/resource/Budget Plan/{plans['citizen']}").status_code == 403
	response = citizen.put(
		f"/api/resource/Budget Plan/{plans['citizen']}", json={"comment_for_citizen": "Approved!"}
	)
	assert response.status_code == 200
	assert not frappe.db.get_value("Budget Plan", plans["citizen"], "comment_for_citizen")


def test_a_citizen_never_sees_another_citizens_plan(plans, api):
	other = api("citizen_2")
	assert get_plan(other, plans["citizen"]).status_code == 403
	response = other.put(f"/api/resource/Budget Plan/{plans['citizen']}", json={"motivation": "Hacked"})
	assert response.status_code == 403
	listed = other.get("/api/resource/Budget Plan", params={"limit_page_length": 100}).json()["data"]
	assert [row["name"] for row in listed] == [plans["citizen_2"]]
	# The portal page of another citizen's plan is refused too.
	page = other.get(f"/{PORTAL}/{plans['citizen']}/edit")
	assert page.status_code == 403
	assert "I want to work in a warehouse" not in page.text
	response = other.get(
		"/api/method/frappe.website.doctype.web_form.web_form.get_form_data",
		params={"doctype": "Budget Plan", "docname": plans["citizen"], "web_form_name": PORTAL},
	)
	assert response.status_code == 403


def test_the_portal_takes_the_citizen_to_their_own_plan(plans, api):
	response = api("citizen").get(f"/{PORTAL}", allow_redirects=True)
	assert response.status_code == 200
	assert response.url.endswith("/my-plan") and plans["citizen"] in response.text


def test_the_portal_form_saves_through_the_controller_rules(plans, api):
	citizen = api("citizen")
	accept = "/api/method/frappe.website.doctype.web_form.web_form.accept"
	doc = get_plan(citizen, plans["citizen"]).json()["data"]
	doc["strategy_start"] = "Applying for two jobs a week"
	doc["comment_for_citizen"] = "I approve myself"
	response = citizen.post(accept, data={"web_form": PORTAL, "data": json.dumps(doc)})
	assert response.status_code == 200, response.text
	saved = frappe.db.get_value("Budget Plan", plans["citizen"], ["strategy_start", "comment_for_citizen"])
	assert saved == ("Applying for two jobs a week", None)
	doc["lines"][0]["amount"] = 60000
	response = citizen.post(accept, data={"web_form": PORTAL, "data": json.dumps(doc)})
	assert response.status_code == 417 and "over the programme" in response.text


def test_the_caseworker_works_on_the_same_plan(plans, api):
	caseworker = api("caseworker_a")
	response = caseworker.put(
		f"/api/resource/Budget Plan/{plans['citizen']}", json={"comment_for_citizen": "Good start!"}
	)
	assert response.status_code == 200, response.text
	assert get_plan(api("citizen"), plans["citizen"]).json()["data"]["comment_for_citizen"] == "Good start!"
	assert get_plan(api("caseworker_b"), plans["citizen"]).status_code == 403


def test_internal_notes_are_kept_from_the_citizen(plans, api):
	caseworker = api("caseworker_a")
	for note, visible in (("Internal: check the debt situation", 0), ("Bring your quotes on Monday", 1)):
		response = caseworker.post(
			"/api/resource/Budget Plan Note",
			json={"budget_plan": plans["citizen"], "note": note, "visible_to_citizen": visible},
		)
		assert response.status_code == 200, response.text
	citizen = api("citizen")
	response = citizen.get(
		"/api/resource/Budget Plan Note",
		params={
			"fields": json.dumps(["name", "note"]),
			"filters": json.dumps([["budget_plan", "=", plans["citizen"]]]),
		},
	)
	assert response.status_code == 200, response.text
	assert [row["note"] for row in response.json()["data"]] == ["Bring your quotes on Monday"]
	internal = frappe.db.get_value("Budget Plan Note", {"note": "Internal: check the debt situation"})
	assert citizen.get(f"/api/resource/Budget Plan Note/{internal}").status_code == 403
	assert api("citizen_2").get("/api/resource/Budget Plan Note").json()["data"] == []
	assert "debt situation" not in citizen.get(f"/{PORTAL}/{plans['citizen']}/edit").text


def upload_quote(session, plan, content=b"%PDF-1.4 quote"):
	response = session.post(
		"/api/method/upload_file",
		data={"doctype": "Budget Plan", "docname": plan, "is_private": 1},
		files={"file": ("quote.pdf", content, "application/pdf")},
	)
	assert response.status_code == 200, response.text
	return response.json()["message"]["file_url"]


def test_quotes_are_private_files_only_the_plan_can_reach(plans, api):
	citizen, other = api("citizen"), api("citizen_2")
	file_url = upload_quote(citizen, plans["citizen"])
	assert file_url.startswith("/private/files/")
	doc = get_plan(citizen, plans["citizen"]).json()["data"]
	doc["lines"][0]["quote"] = file_url
	response = citizen.put(f"/api/resource/Budget Plan/{plans['citizen']}", json={"lines": doc["lines"]})
	assert response.status_code == 200, response.text

	assert citizen.get(file_url).status_code == 200
	assert api("caseworker_a").get(file_url).status_code == 200
	assert other.get(file_url).status_code == 403
	assert api("caseworker_b").get(file_url).status_code == 403

	# Another citizen cannot pull the file into their own plan.
	stolen = budget_line(frappe._dict(get_plan(other, plans["citizen_2"]).json()["data"]), quote=file_url)
	response = other.put(f"/api/resource/Budget Plan/{plans['citizen_2']}", json={"lines": [stolen]})
	assert response.status_code == 403
	assert other.get(file_url).status_code == 403


def test_a_public_upload_is_made_private_and_attached_to_the_plan(plans, api):
	citizen = api("citizen")
	response = citizen.post(
		"/api/method/upload_file",
		data={"is_private": 0},
		files={"file": ("receipt.pdf", b"%PDF-1.4 public", "application/pdf")},
	)
	assert response.status_code == 200, response.text
	public_url = response.json()["message"]["file_url"]
	doc = get_plan(citizen, plans["citizen"]).json()["data"]
	doc["lines"][0]["quote"] = public_url
	response = citizen.put(f"/api/resource/Budget Plan/{plans['citizen']}", json={"lines": doc["lines"]})
	assert response.status_code == 200, response.text
	quote = response.json()["data"]["lines"][0]["quote"]
	assert quote.startswith("/private/files/")
	file = frappe.get_doc("File", {"file_url": quote})
	assert (file.is_private, file.attached_to_doctype, file.attached_to_name) == (
		1,
		"Budget Plan",
		plans["citizen"],
	)


def test_parallel_line_additions_never_pass_the_maximum(plans, api):
	"""Twelve requests from the citizen and the caseworker add 9,000 each at once; 50,000 lets five through."""
	plan = plans["citizen_2"]
	frappe.db.delete("Budget Line", {"parent": plan})
	frappe.db.set_value("Budget Plan", plan, "total_amount", 0)
	frappe.db.commit()
	line = frappe.as_json(budget_line(frappe.get_doc("Budget Plan", plan), amount=9000))
	sessions = [api("citizen_2"), api("caseworker_a")]
	barrier = threading.Barrier(12)
	codes, refusals = [], []

	def add(session):
		barrier.wait()
		response = session.post(
			"/api/method/borgerbudget.borgerbudget.doctype.budget_plan.budget_plan.add_line",
			data={"plan": plan, "line": line},
		)
		codes.append(response.status_code)
		if response.status_code != 200:
			refusals.append(response.text)

	threads = [threading.Thread(target=add, args=(sessions[i % 2],)) for i in range(12)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert sorted(codes) == [200] * 5 + [417] * 7
	assert all("over the programme's maximum" in text for text in refusals)
	frappe.db.rollback()
	assert frappe.db.count("Budget Line", {"parent": plan}) == 5
	assert frappe.db.get_value("Budget Plan", plan, "total_amount") == 45000


def test_submission_over_http(plans, api):
	citizen = api("citizen")
	response = citizen.post(
		"/api/method/run_doc_method",
		data={"dt": "Budget Plan", "dn": plans["citizen"], "method": "submit_for_assessment"},
	)
	assert response.status_code == 417 and "Before the plan can be submitted" in response.text
	response = api("citizen_2").post(
		"/api/method/run_doc_method",
		data={"dt": "Budget Plan", "dn": plans["citizen"], "method": "submit_for_assessment"},
	)
	assert response.status_code == 403


def test_the_caseworker_web_form_opens_only_their_citizens_plans(plans, api):
	page = api("caseworker_a").get(f"/budget-plan/{plans['citizen']}/edit")
	assert page.status_code == 200 and plans["citizen"] in page.text
	assert api("caseworker_b").get(f"/budget-plan/{plans['citizen']}/edit").status_code == 403
	listed = api("caseworker_b").get(
		"/api/method/frappe.www.list.get_list_data",
		params={"doctype": "Budget Plan", "web_form_name": "budget-plan", "limit": 100},
	)
	assert listed.status_code == 200 and plans["citizen"] not in listed.text
