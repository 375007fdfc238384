"""A request that meets a deadlock is run again; one that keeps meeting it is refused clearly."""

import frappe
import pytest

from borgerbudget import retry


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
