"""The approval over HTTP as real users: wrong roles and orders are refused through REST and
frappe.client, and parallel votes and decisions on the real server are each taken once."""

import json
import threading

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.approval_vote.approval_vote import cast_vote
from tests.integration.factories import assessment, make_programme, submitted_plan, user

APPLY = "/api/method/frappe.model.workflow.apply_workflow"
VOTE = "/api/method/borgerbudget.borgerbudget.doctype.approval_vote.approval_vote.cast_vote"


@pytest.fixture(scope="module")
def cases():
	"""Committed plans: one assessed green, one referred to the team as red."""
	frappe.set_user("Administrator")
	programme = make_programme(team_quorum=2)
	green = assessment(submitted_plan(programme))
	red = assessment(
		submitted_plan(programme), scores=(rules.approval.NO, rules.approval.DOUBTFUL, rules.approval.YES)
	)
	apply_workflow(red, "Refer to Team")
	frappe.set_user("Administrator")
	frappe.db.commit()
	yield frappe._dict(green=green.name, red=red.name, programme=programme.name)
	frappe.set_user("Administrator")
	for approval in frappe.get_all(
		"Budget Plan Approval",
		filters={"programme": programme.name},
		fields=["name", "budget_plan", "participant"],
	):
		frappe.db.delete("Approval Vote", {"approval": approval.name})
		frappe.db.delete("ToDo", {"reference_name": approval.name})
		frappe.db.delete("Budget Plan Approval", {"name": approval.name})
	for plan in frappe.get_all("Budget Plan", filters={"programme": programme.name}, pluck="name"):
		frappe.db.delete("Comment", {"reference_name": plan})
		frappe.delete_doc("Budget Plan", plan, force=True)
	frappe.db.delete("Participant CPR", {"programme": programme.name})
	frappe.db.delete("Participant", {"programme": programme.name})
	frappe.delete_doc("Budget Programme", programme.name)
	frappe.db.commit()


def apply(session, name, action):
	return session.post(
		APPLY, data={"doc": json.dumps({"doctype": "Budget Plan Approval", "name": name}), "action": action}
	)


def state(name):
	frappe.db.rollback()
	return frappe.db.get_value("Budget Plan Approval", name, ["workflow_state", "docstatus"])


def test_wrong_roles_are_refused_over_rest(cases, api):
	# Another team's caseworker cannot even read the approval; a teammate cannot act for the caseworker.
	assert api("caseworker_b").get(f"/api/resource/Budget Plan Approval/{cases.green}").status_code == 403
	assert apply(api("caseworker_b"), cases.green, "Approve Plan").status_code == 403
	assert apply(api("teammate"), cases.green, "Approve Plan").status_code == 403
	assert apply(api("team_lead"), cases.green, "Approve Plan").status_code == 417
	# The citizen has no access to the assessment at all.
	assert api("citizen").get(f"/api/resource/Budget Plan Approval/{cases.green}").status_code == 403
	assert state(cases.green) == (rules.approval.AWAITING_ASSESSMENT, 0)


def test_wrong_order_is_refused_through_frappe_client(cases, api):
	caseworker = api("caseworker_a")
	doc = caseworker.get(f"/api/resource/Budget Plan Approval/{cases.green}").json()["data"]
	doc["workflow_state"] = rules.approval.PLAN_REJECTED
	response = caseworker.post("/api/method/frappe.client.save", data={"doc": json.dumps(doc)})
	assert response.status_code == 417, response.text
	doc["workflow_state"] = rules.approval.AWAITING_ASSESSMENT
	response = caseworker.post("/api/method/frappe.client.submit", data={"doc": json.dumps(doc)})
	assert response.status_code == 417 and "not by submitting" in response.text
	# The plan cannot be approved by writing its status either.
	plan = frappe.db.get_value("Budget Plan Approval", cases.green, "budget_plan")
	response = caseworker.put(f"/api/resource/Budget Plan/{plan}", json={"status": rules.plan.APPROVED})
	assert response.status_code == 417, response.text
	assert state(cases.green) == (rules.approval.AWAITING_ASSESSMENT, 0)


def test_parallel_votes_are_all_recorded_and_the_decision_is_taken_once(cases, api):
	voters = ["teammate", "teammate_2"]
	barrier = threading.Barrier(len(voters))
	codes = []

	def vote(key, comment):
		barrier.wait()
		response = api(key).post(
			VOTE, data={"approval": cases.red, "vote": rules.approval.FOR, "comment": comment}
		)
		codes.append(response.status_code)

	threads = [threading.Thread(target=vote, args=(key, f"Vote of {key}")) for key in voters]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert codes == [200, 200]
	frappe.db.rollback()
	recorded = frappe.get_all("Approval Vote", filters={"approval": cases.red}, pluck="voter")
	assert sorted(recorded) == sorted(user(key) for key in voters)

	# The lead records the meeting, then decides from two tabs at once: one decision.
	lead = api("team_lead")
	doc = lead.get(f"/api/resource/Budget Plan Approval/{cases.red}").json()["data"]
	for row in doc["team_members"]:
		row["took_part"] = int(row["user"] in recorded)
	response = lead.put(
		f"/api/resource/Budget Plan Approval/{cases.red}",
		json={
			"meeting_date": frappe.utils.today(),
			"minutes": "<p>Agreed.</p>",
			"team_members": doc["team_members"],
		},
	)
	assert response.status_code == 200, response.text
	barrier = threading.Barrier(6)
	results = []

	def decide():
		barrier.wait()
		results.append(apply(lead, cases.red, "Approve Plan").status_code)

	threads = [threading.Thread(target=decide) for _ in range(6)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert results.count(200) == 1, results
	assert state(cases.red) == (rules.approval.PLAN_APPROVED, 1)
	plan = frappe.db.get_value("Budget Plan Approval", cases.red, "budget_plan")
	assert frappe.db.get_value("Budget Plan", plan, "status") == rules.plan.APPROVED
	decisions = frappe.get_all(
		"Version",
		filters={"ref_doctype": "Budget Plan", "docname": plan, "data": ("like", '%"Approved"%')},
		pluck="name",
	)
	assert len(decisions) == 1
	# Once decided, no more votes.
	frappe.set_user(user("team_lead"))
	with pytest.raises(frappe.ValidationError, match="not asking for comments"):
		cast_vote(cases.red, rules.approval.AGAINST, "Too late")
