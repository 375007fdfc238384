"""The consistency check an operator runs after a restore or a fault (borgerbudget/consistency.py)
finds each kind of damage: a line whose paid amount differs from its documents, ledger rows without
their document, an attachment missing on disk, a CPR number that cannot be read."""

import os

import frappe

from borgerbudget import consistency
from tests.integration.factories import make_participant, make_programme
from tests.integration.test_payout import invoice, invoice_plan, pay


def test_the_check_finds_each_kind_of_damage():
	programme = make_programme()
	plan = invoice_plan(programme)
	pay(invoice(plan).name)
	frappe.set_user("Administrator")
	whole = consistency.check()
	assert not [p for p in whole["lines"] if plan.name in p]
	assert not [p for p in whole["cpr"] if plan.participant in p]

	line = frappe.get_doc("Budget Plan", plan.name).lines[0]
	frappe.db.set_value("Budget Line", line.name, "paid_amount", line.paid_amount + 100)
	gl = frappe.get_all("GL Entry", filters={"participant": plan.participant}, fields=["*"], limit=1)[0]
	orphan = frappe.get_doc({**gl, "doctype": "GL Entry", "name": None, "voucher_no": "ACC-PINV-LOST-0001"})
	orphan.db_insert()
	missing = frappe.get_doc(
		{"doctype": "File", "file_name": "gone.txt", "content": "x", "is_private": 1}
	).insert(ignore_permissions=True)
	os.remove(missing.get_full_path())
	other = make_participant(programme)
	frappe.db.set_value("Participant CPR", other.name, "cpr_encrypted", "not-a-ciphertext")

	damaged = consistency.check()
	assert [p for p in damaged["lines"] if plan.name in p and "paid_amount" in p]
	assert [p for p in damaged["ledger"] if "ACC-PINV-LOST-0001" in p]
	assert [p for p in damaged["files"] if missing.name in p]
	assert [p for p in damaged["cpr"] if other.name in p]
