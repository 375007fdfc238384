"""Who opened a citizen's record: an Access Log entry with the participant for every open by a staff
user (desk, REST, report, export, print), none for the citizen, and the auditor's report of them.
Over HTTP against gunicorn, where the entries are written after the response, and in-process."""

import json
import time

import frappe
import pytest

from borgerbudget import access_log, permissions
from borgerbudget.borgerbudget.report.record_access import record_access
from tests.integration.factories import (
	make_enrolled,
	make_programme,
	plan_of,
	remove_programme,
	submitted_plan,
	user,
)


def entries(wait=False, **filters):
	"""Access Log entries; with `wait`, until one is there (the server writes after it answers)."""
	for _ in range(100 if wait else 1):
		if wait:
			# A new snapshot: the server's commit is not seen inside an older transaction.
			frappe.db.rollback()
		found = frappe.get_all(
			"Access Log",
			filters=filters,
			fields=["user", "export_from", "reference_document", "participant", "method", "report_name"],
		)
		if found or not wait:
			return found
		time.sleep(0.1)
	return []


@pytest.fixture(scope="module")
def case(site):
	"""A committed plan of caseworker A's, whose citizen logs in as the test user "citizen"."""
	frappe.set_user("Administrator")
	programme = make_programme(maximum_per_participant=50000)
	participant = make_enrolled(programme, assigned_caseworker=user("caseworker_a"), user=user("citizen"))
	plan = plan_of(participant)
	frappe.db.commit()
	yield frappe._dict(programme=programme.name, participant=participant.name, plan=plan.name)
	frappe.set_user("Administrator")
	frappe.db.delete("Access Log", {"participant": participant.name})
	frappe.db.delete("Access Log", {"export_from": "Budget Plan", "reference_document": plan.name})
	remove_programme(programme.name)
	frappe.db.commit()


def test_a_desk_form_load_over_http_is_recorded_with_its_participant(case, api):
	response = api("caseworker_a").get(
		"/api/method/frappe.desk.form.load.getdoc", params={"doctype": "Budget Plan", "name": case.plan}
	)
	assert response.status_code == 200, response.text
	found = entries(wait=True, user=user("caseworker_a"), reference_document=case.plan, method="Desk")
	assert found == [
		{
			"user": user("caseworker_a"),
			"export_from": "Budget Plan",
			"reference_document": case.plan,
			"participant": case.participant,
			"method": "Desk",
			"report_name": None,
		}
	]


def test_a_rest_read_over_http_is_recorded_and_the_citizens_own_is_not(case, api):
	assert api("citizen").get(f"/api/resource/Budget Plan/{case.plan}").status_code == 200
	assert api("caseworker_a").get(f"/api/resource/Participant/{case.participant}").status_code == 200
	found = entries(wait=True, user=user("caseworker_a"), reference_document=case.participant, method="REST")
	assert [(row.reference_document, row.participant) for row in found] == [
		(case.participant, case.participant)
	]
	# The citizen's requests came first; the caseworker's entry is written, theirs never are.
	time.sleep(0.5)
	assert not entries(user=user("citizen"), reference_document=("in", [case.plan, case.participant]))


def test_a_refused_read_is_not_recorded(case, api):
	assert api("caseworker_b").get(f"/api/resource/Budget Plan/{case.plan}").status_code == 403
	assert api("caseworker_a").get(f"/api/resource/Budget Plan/{case.plan}").status_code == 200
	assert entries(wait=True, user=user("caseworker_a"), reference_document=case.plan, method="REST")
	assert not entries(user=user("caseworker_b"), reference_document=case.plan)


def test_an_export_from_the_report_view_names_every_participant_in_the_file(case, api):
	response = api("admin").post(
		"/api/method/frappe.desk.reportview.export_query",
		data={
			"doctype": "Budget Plan",
			"fields": json.dumps(["`tabBudget Plan`.`name`", "`tabBudget Plan`.`participant`"]),
			"filters": json.dumps([["Budget Plan", "programme", "=", case.programme]]),
			"file_format_type": "CSV",
			"title": "Budget Plan",
		},
	)
	assert response.status_code == 200, response.text
	found = entries(wait=True, user=user("admin"), method="Export", participant=case.participant)
	assert [(row.export_from, row.reference_document) for row in found] == [("Budget Plan", None)]


def test_a_report_export_over_http_names_its_participants(case, api):
	response = api("admin").post(
		"/api/method/frappe.desk.query_report.export_query",
		data={
			"report_name": "Budget Payouts",
			"file_format_type": "CSV",
			"filters": json.dumps({"programme": case.programme}),
			"visible_idx": json.dumps([]),
		},
	)
	assert response.status_code == 200, response.text
	# The plan is not approved: the report shows no one, and its run is recorded by its filters.
	found = entries(wait=True, user=user("admin"), method="Export", report_name="Budget Payouts")
	assert found and all(row.participant is None for row in found)


def test_a_print_over_http_gives_frappes_entry_its_participant(case, api):
	response = api("caseworker_a").get(
		"/printview", params={"doctype": "Budget Plan", "name": case.plan, "format": "Standard"}
	)
	assert response.status_code == 200
	found = entries(wait=True, user=user("caseworker_a"), method="Print", participant=case.participant)
	assert [row.reference_document for row in found] == [case.plan]


def test_a_report_run_records_each_participant_it_shows():
	from frappe.desk.query_report import run

	programme = make_programme(maximum_per_participant=50000)
	from tests.integration.factories import approved_plan

	plans = [approved_plan(programme) for _ in range(2)]
	frappe.set_user(user("caseworker_a"))
	result = run("Budget Payouts", filters={"programme": programme.name})
	shown = {
		row["participant"] for row in result["result"] if isinstance(row, dict) and row.get("participant")
	}
	assert shown == {plan.participant for plan in plans}
	found = entries(user=user("caseworker_a"), method="Report", report_name="Budget Payouts")
	assert {row.participant for row in found} >= shown
	assert len([row for row in found if row.participant in shown]) == len(shown)


def test_the_desk_form_of_each_record_of_a_case_is_recorded_in_process():
	plan = submitted_plan(make_programme())
	frappe.set_user(user("caseworker_a"))
	for doctype, name in (("Participant", plan.participant), ("Budget Plan", plan.name)):
		permissions.getdoc(doctype, name)
		found = entries(user=user("caseworker_a"), reference_document=name)
		assert [(row.method, row.participant) for row in found] == [("Desk", plan.participant)]


def test_the_auditor_answers_who_looked_at_a_case_and_what_a_user_opened():
	plan = submitted_plan(make_programme())
	other = submitted_plan(make_programme())
	frappe.set_user(user("caseworker_a"))
	permissions.getdoc("Budget Plan", plan.name)
	permissions.getdoc("Budget Plan", other.name)
	frappe.set_user(user("team_lead"))
	permissions.getdoc("Participant", plan.participant)

	frappe.set_user(user("auditor"))
	by_case = record_access.execute({"participant": plan.participant})[1]
	assert sorted((row["user"], row["doctype_name"], row["route"]) for row in by_case) == [
		(user("caseworker_a"), "Budget Plan", "Desk"),
		(user("team_lead"), "Participant", "Desk"),
	]
	by_user = record_access.execute({"user": user("caseworker_a")})[1]
	assert {plan.participant, other.participant} <= {row["participant"] for row in by_user}
	assert {row["user"] for row in by_user} == {user("caseworker_a")}
	full_name = frappe.db.get_value("User", user("caseworker_a"), "full_name")
	assert {row["full_name"] for row in by_user} == {full_name}


def test_only_staff_are_recorded():
	frappe.set_user(user("citizen"))
	assert not access_log.is_staff()
	frappe.set_user(user("representative_read"))
	assert not access_log.is_staff()
	frappe.set_user(user("caseworker_a"))
	assert access_log.is_staff()
	# Administrator outside a request: a background job or the console.
	frappe.set_user("Administrator")
	assert not access_log.is_staff()


def test_caseworkers_cannot_read_the_log_and_the_auditor_can(case, api):
	for key in ("caseworker_a", "team_lead", "finance"):
		assert api(key).get("/api/resource/Access Log").status_code == 403
		report = api(key).get(
			"/api/method/frappe.desk.query_report.run",
			params={"report_name": "Record Access", "filters": json.dumps({"participant": case.participant})},
		)
		assert report.status_code == 403
	response = api("auditor").get(
		"/api/resource/Access Log",
		params={"filters": json.dumps([["participant", "=", case.participant]]), "fields": '["name"]'},
	)
	assert response.status_code == 200, response.text
	report = api("auditor").get(
		"/api/method/frappe.desk.query_report.run",
		params={"report_name": "Record Access", "filters": json.dumps({"participant": case.participant})},
	)
	assert report.status_code == 200, report.text
	# The auditor's reading of the log is no open of the case.
	assert not entries(user=user("auditor"), participant=case.participant, method="REST")


def test_set_up_is_idempotent_and_grants_only_the_auditor():
	from borgerbudget.setup.access_log import setup_access_log

	setup_access_log()
	setup_access_log()
	assert frappe.get_meta("Access Log").has_field("participant")
	roles = set(frappe.get_all("Custom DocPerm", filters={"parent": "Access Log", "read": 1}, pluck="role"))
	assert roles == {"System Manager", permissions.AUDITOR}
	assert frappe.db.has_index("tabAccess Log", "user_timestamp_index")


def test_the_demo_records_who_opened_a_case_once():
	from borgerbudget.setup.demo import make_access_entries

	plan = submitted_plan(make_programme())
	name = frappe.db.get_value("Participant", plan.participant, "full_name")
	users = [user(key) for key in ("caseworker_a", "teammate", "team_lead", "finance")]
	make_access_entries(name, users)
	made = entries(participant=plan.participant)
	make_access_entries(name, users)
	assert len(entries(participant=plan.participant)) == len(made) == 5
	assert {row.method for row in made} == {"Desk", "REST", "Report"}
