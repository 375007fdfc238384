"""A request that meets a deadlock is run again; one that keeps meeting it is refused clearly."""

import json
import threading
import time

import frappe
import pytest

from borgerbudget import retry
from tests.integration.factories import (
	budget_line,
	make_enrolled,
	make_programme,
	plan_of,
	remove_programme,
	user,
)


@pytest.fixture(autouse=True)
def no_leftover_logs():
	yield
	# frappe writes the Error Log on a connection of its own: remove what these tests logged.
	frappe.db.delete("Error Log", {"method": "Deadlock retried", "error": ("like", "%test_retry%")})
	frappe.db.commit()


def test_a_deadlocked_attempt_is_rolled_back_and_run_again(monkeypatch):
	monkeypatch.setattr(retry.time, "sleep", lambda seconds: None)
	attempts = []

	@retry.retrying
	def save_a_note(text):
		attempts.append(text)
		frappe.db.sql("update `tabDefaultValue` set defvalue = defvalue where 1 = 0")  # a real statement
		if len(attempts) == 1:
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return "saved"

	before = frappe.db.count("Error Log", {"method": "Deadlock retried"})
	assert save_a_note("x") == "saved"
	assert attempts == ["x", "x"]
	assert frappe.db.count("Error Log", {"method": "Deadlock retried"}) == before + 1


def test_every_attempt_deadlocked_gives_a_clear_refusal(monkeypatch):
	monkeypatch.setattr(retry.time, "sleep", lambda seconds: None)

	@retry.retrying
	def always():
		raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")

	with pytest.raises(retry.SystemBusy, match="nothing was saved") as refused:
		always()
	assert refused.value.http_status_code == 409


@pytest.fixture
def plan_with_a_line(site):
	"""A committed draft plan of caseworker A's participant, with one line."""
	frappe.set_user("Administrator")
	programme = make_programme()
	plan = plan_of(make_enrolled(programme, assigned_caseworker=user("caseworker_a")))
	plan.append("lines", budget_line(plan))
	plan.save()
	frappe.db.commit()
	yield plan.name
	frappe.db.rollback()
	frappe.db.delete("Error Log", {"error": ("like", f"%{plan.name}%")})
	remove_programme(programme.name)
	frappe.db.commit()


def waiting_statements():
	"""The site's other connections' statements that have run for over half a second: waiting for a lock."""
	return frappe.db.sql_list(
		"""select info from information_schema.processlist
		where id != connection_id() and command = 'Query' and time_ms > 500"""
	)


def put_into_deadlocks(session, path, payload, plan, line, times):
	"""PUT `payload` while this test's transaction makes it deadlock `times` times.

	frappe's own PUT /api/resource locks the plan, then its lines. This transaction holds the line,
	waits until the PUT waits for it, then asks for the plan: MariaDB rolls back the lighter of the
	two, the PUT. Each run of it again meets the same.
	"""
	answers = []
	put = threading.Thread(target=lambda: answers.append(session.put(path, json=payload)))
	for round in range(times):
		frappe.db.sql("select name from `tabBudget Line` where name = %s for update", (line,))
		# The heavier transaction, so that MariaDB picks the PUT as the victim.
		for number in range(300):
			frappe.db.sql(
				"insert into `tabDefaultValue` (name, parent, defkey, defvalue) values (%s, '__deadlock_test', 'k', 'v')",
				(f"deadlock-test-{number}",),
			)
		if round == 0:
			put.start()
		for _ in range(200):
			if waiting_statements():
				break
			time.sleep(0.05)
		assert waiting_statements(), f"the PUT did not come to wait for the line (round {round + 1})"
		try:
			frappe.db.sql("select name from `tabBudget Plan` where name = %s for update", (plan,))
		except frappe.QueryDeadlockError:
			raise AssertionError(
				f"MariaDB chose this test's transaction as the victim (round {round + 1})"
			) from None
		frappe.db.rollback()
	put.join(60)
	return answers[0]


def retries_logged(path):
	return frappe.db.count("Error Log", {"method": "Deadlock retried", "error": ("like", f"%{path}%")})


def test_a_rest_write_that_meets_a_real_deadlock_is_run_again(plan_with_a_line, api):
	caseworker = api("caseworker_a")
	path = f"/api/resource/Budget Plan/{plan_with_a_line}"
	line = caseworker.get(path).json()["data"]["lines"][0]
	line["description"] = "Forklift course, evenings"

	answer = put_into_deadlocks(caseworker, path, {"lines": [line]}, plan_with_a_line, line["name"], times=1)

	assert answer.status_code == 200, answer.text
	assert answer.json()["data"]["lines"][0]["description"] == "Forklift course, evenings"
	assert frappe.db.get_value("Budget Line", line["name"], "description") == "Forklift course, evenings"
	assert retries_logged(path) == 1


def test_a_rest_write_deadlocked_every_time_is_refused_clearly(plan_with_a_line, api):
	caseworker = api("caseworker_a")
	path = f"/api/resource/Budget Plan/{plan_with_a_line}"
	line = caseworker.get(path).json()["data"]["lines"][0]
	line["description"] = "Never saved"

	answer = put_into_deadlocks(
		caseworker, path, {"lines": [line]}, plan_with_a_line, line["name"], times=retry.ATTEMPTS
	)

	assert answer.status_code == 409, answer.text
	assert answer.json()["exc_type"] == "SystemBusy"
	assert "nothing was saved" in json.loads(answer.json()["_server_messages"])[0]
	assert frappe.db.get_value("Budget Line", line["name"], "description") == "Forklift course"
	assert retries_logged(path) == retry.ATTEMPTS - 1
