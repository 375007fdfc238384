"""Money out to the bank: a payout batch of due supplier invoices (Danish account, IBAN, FI card)
and an advance to a citizen's NemKonto, built by one finance user, approved by another, written as
a pain.001 file, and settled by the bank's pain.002 and camt.054 answers."""

import frappe
import pytest
from frappe.utils import getdate, today

from borgerbudget import rules
from borgerbudget.bank import samples as bank_samples
from borgerbudget.borgerbudget.doctype.payout_batch.payout_batch import make_payout_batch
from borgerbudget.einvoice import intake
from borgerbudget.einvoice.samples import make
from tests.integration.factories import approved_plan, make_programme, make_supplier, remove_programme, user
from tests.integration.test_einvoice import valid_cvr, valid_gln
from tests.integration.test_payout import advance_for, invoice, reimbursement_plan

B = rules.batch


def bank(name="_Test Bank"):
	if not frappe.db.exists("Bank", name):
		frappe.get_doc({"doctype": "Bank", "bank_name": name}).insert()
	return name


def company_account(company):
	gl = frappe.db.get_value("Account", {"company": company, "account_type": "Bank", "is_group": 0})
	name = frappe.db.get_value("Bank Account", {"account": gl, "is_company_account": 1})
	if name:
		return name
	return (
		frappe.get_doc(
			{
				"doctype": "Bank Account",
				"account_name": "Driftskonto",
				"bank": bank(),
				"is_company_account": 1,
				"company": company,
				"account": gl,
				"branch_code": "1551",
				"bank_account_no": "3456789012",
			}
		)
		.insert()
		.name
	)


def supplier_account(supplier, **values):
	frappe.get_doc(
		{
			"doctype": "Bank Account",
			"account_name": f"{supplier} konto",
			"bank": bank(),
			"party_type": "Supplier",
			"party": supplier,
			"is_default": 1,
			**values,
		}
	).insert()


@pytest.fixture
def batch_world():
	"""Four due payments of one programme: by Danish account, IBAN, FI card, and to a NemKonto."""
	frappe.set_user("Administrator")
	gln = valid_gln()
	programme = make_programme(ean_location_number=gln)
	suppliers = {}
	for kind, values in (
		("domestic", {"branch_code": "9570", "bank_account_no": "12345678"}),
		("iban", {"iban": "DK5000400440116243"}),
		("fi", {}),
	):
		cvr = valid_cvr()
		supplier = make_supplier(f"_Test Betaling {kind} {cvr}")
		frappe.db.set_value("Supplier", supplier, "cvr_number", cvr)
		if values:
			supplier_account(supplier, **values)
		suppliers[kind] = (supplier, cvr)
	plans = {
		kind: approved_plan(
			programme, lines=[{"description": f"Course {kind}", "amount": 3000, "supplier": supplier}]
		)
		for kind, (supplier, _cvr) in suppliers.items()
	}
	invoices = [invoice(plans["domestic"], 1000), invoice(plans["iban"], 1200)]
	# The FI card one came as an e-invoice carrying the supplier's FI card.
	frappe.set_user("Administrator")
	fi_cvr = suppliers["fi"][1]
	(taken,) = intake.take_in(
		make(
			"Invoice",
			"oioubl",
			order_reference=plans["fi"].lines[0].payment_reference,
			buyer_gln=gln,
			supplier_cvr=fi_cvr,
			amount="400.00",
			payment="fik",
			number="FIK-" + frappe.generate_hash(length=5),
		),
		"fik.xml",
		intake.UPLOAD,
	)
	assert taken["status"] == rules.einvoice.DRAFTED, taken
	fi_invoice = frappe.get_doc("Purchase Invoice", taken["purchase_invoice"])
	fi_invoice.submit()
	invoices.append(fi_invoice)
	advance = advance_for(reimbursement_plan(programme), 700)
	frappe.set_user("Administrator")
	for doc in invoices:
		frappe.db.set_value("Purchase Invoice", doc.name, "due_date", today())
	return frappe._dict(
		programme=programme,
		company=programme.company,
		account=company_account(programme.company),
		invoices=[doc.name for doc in invoices],
		advance=advance.name,
	)


def build(world, key="finance"):
	frappe.set_user(user(key))
	made = make_payout_batch(world.company, world.account, today(), world.programme.name)
	return frappe.get_doc("Payout Batch", made["name"])


def approve(batch):
	frappe.set_user(user("finance_approver"))
	batch = frappe.get_doc("Payout Batch", batch.name)
	batch.submit()
	return batch


def test_a_batch_holds_every_due_payment_once_and_masks_the_cpr(batch_world):
	batch = build(batch_world)
	kinds = {row.reference_name: row.kind for row in batch.payments}
	assert kinds == {
		batch_world.invoices[0]: B.DOMESTIC,
		batch_world.invoices[1]: B.IBAN,
		batch_world.invoices[2]: B.FI_CARD,
		batch_world.advance: B.NEMKONTO,
	}
	assert batch.payment_count == 4 and batch.total_amount == 1000 + 1200 + 500 + 700
	nemkonto = next(row for row in batch.payments if row.kind == B.NEMKONTO)
	assert "XXXX" in nemkonto.creditor_account
	# A second batch built now finds nothing left: each payment is in one open batch at most.
	assert make_payout_batch(batch_world.company, batch_world.account, today())["payments"] == 0


def test_four_eyes_then_the_file_validates_and_holds_the_cpr_only_in_the_file(batch_world):
	batch = build(batch_world)
	with pytest.raises(frappe.PermissionError):
		batch.submit()  # finance builds; approving takes the approver's role
	frappe.set_user("Administrator")
	frappe.delete_doc("Payout Batch", batch.name)
	# The approver cannot approve a batch they built themselves.
	own = build(batch_world, "finance_approver")
	with pytest.raises(frappe.PermissionError, match="another finance user"):
		own.submit()
	frappe.set_user("Administrator")
	frappe.delete_doc("Payout Batch", own.name)
	batch = approve(build(batch_world))
	assert batch.status == B.APPROVED and batch.approved_by == user("finance_approver")
	assert all(row.payment_entry for row in batch.payments)
	for row in batch.payments:
		entry = frappe.db.get_value(
			"Payment Entry", row.payment_entry, ["docstatus", "payout_batch", "end_to_end_id"]
		)
		assert entry == (1, batch.name, row.end_to_end_id)
	content = batch.render()  # validated against the pain.001.001.03 schema as it is written
	assert b"<NbOfTxs>4</NbOfTxs>" in content and b"<CtrlSum>3400.00</CtrlSum>" in content
	participant = frappe.db.get_value("Budget Advance", batch_world.advance, "participant")
	from borgerbudget.borgerbudget.doctype.participant_cpr import participant_cpr

	cpr = participant_cpr.stored_cpr(participant).digits
	assert cpr.encode() in content
	stored = frappe.db.sql(
		"select * from `tabPayout Batch Payment` where parent = %s", (batch.name,), as_dict=True
	) + frappe.db.sql("select * from `tabPayout Batch` where name = %s", (batch.name,), as_dict=True)
	assert cpr not in frappe.as_json(stored)
	assert not frappe.db.exists("File", {"attached_to_name": batch.name})  # written anew on download


def test_the_banks_answers_confirm_and_a_rejection_makes_the_invoice_due_again(batch_world):
	batch = approve(build(batch_world))
	rejected = next(row for row in batch.payments if row.reference_name == batch_world.invoices[1])
	others = [row for row in batch.payments if row is not rejected]
	report = bank_samples.pain002(
		batch.message_id,
		[(row.end_to_end_id, "ACCP", None, None) for row in others]
		+ [(rejected.end_to_end_id, "RJCT", "AC04", None)],
	)
	frappe.set_user(user("finance"))
	batch = frappe.get_doc("Payout Batch", batch.name)
	assert batch.apply(report)["changed"] == 4
	assert batch.apply(report)["changed"] == 0  # the same file twice changes nothing
	batch.reload()
	assert frappe.db.get_value("Payment Entry", rejected.payment_entry, "docstatus") == 2
	assert frappe.db.get_value("Purchase Invoice", batch_world.invoices[1], "outstanding_amount") == 1200
	assert frappe.db.exists("ToDo", {"reference_name": batch.name, "description": ("like", "%AC04%")})
	assert batch.status == B.PARTLY_REJECTED
	booked = bank_samples.camt054(
		"CAMT-" + batch.name, [(row.end_to_end_id, str(row.amount), getdate()) for row in others]
	)
	assert batch.apply(booked)["changed"] == 3
	batch.reload()
	assert {row.status for row in batch.payments} == {B.PAID, B.REFUSED}
	assert batch.status == B.PARTLY_REJECTED
	# A file for another batch, or naming payments the batch does not hold, is refused.
	with pytest.raises(frappe.ValidationError, match="not batch"):
		batch.apply(bank_samples.pain002("SOMETHING-ELSE", [], group_status="ACCP"))
	with pytest.raises(frappe.ValidationError, match="not in batch"):
		batch.apply(bank_samples.pain002(batch.message_id, [("NOPE-1", "ACCP", None, None)]))
	with pytest.raises(frappe.ValidationError):
		batch.apply(b"<not-a-bank-answer/>")


@pytest.mark.parametrize(
	"values, words",
	[
		({"iban": "DK5000400440116244"}, "IBAN"),  # ERPNext checks it too
		({"branch_code": "95", "bank_account_no": "12345678"}, "not a Danish account"),
		({"branch_code": "9570", "bank_account_no": "123456789012"}, "not a Danish account"),
	],
)
def test_a_suppliers_bank_details_are_checked_when_saved(values, words):
	supplier = make_supplier("_Test Bankdetaljer")
	with pytest.raises(frappe.ValidationError, match=words):
		supplier_account(supplier, **values)


@pytest.fixture(scope="module")
def due_for_two(site):
	"""Six due invoices of one programme, committed, for two finance users building at once."""
	frappe.set_user("Administrator")
	programme = make_programme()
	supplier = make_supplier("_Test Samtidig " + frappe.generate_hash(length=6))
	supplier_account(supplier, branch_code="9570", bank_account_no="7654321")
	plans = [
		approved_plan(programme, lines=[{"description": "Course", "amount": 3000, "supplier": supplier}])
		for _ in range(3)
	]
	names = [invoice(plan, amount).name for plan in plans for amount in (400, 500)]
	frappe.set_user("Administrator")
	for name in names:
		frappe.db.set_value("Purchase Invoice", name, "due_date", today())
	world = frappe._dict(programme=programme, invoices=names, account=company_account(programme.company))
	frappe.db.commit()
	yield world
	frappe.set_user("Administrator")
	for batch in frappe.get_all("Payout Batch", filters={"programme": programme.name}, pluck="name"):
		frappe.db.delete("Payout Batch Payment", {"parent": batch})
		frappe.db.delete("Payout Batch", {"name": batch})
	frappe.db.delete("Bank Account", {"party": supplier})
	remove_programme(programme.name)
	frappe.db.commit()


def test_two_batches_built_at_the_same_moment_share_no_payment(due_for_two, api):
	import threading

	method = "/api/method/borgerbudget.borgerbudget.doctype.payout_batch.payout_batch.make_payout_batch"
	args = {
		"company": due_for_two.programme.company,
		"bank_account": due_for_two.account,
		"execution_date": today(),
		"programme": due_for_two.programme.name,
	}
	sessions = [api("finance"), api("finance_approver")]
	start, answers = threading.Barrier(2), []

	def build_as(session):
		start.wait()
		answers.append(session.post(method, data=args))

	threads = [threading.Thread(target=build_as, args=(session,)) for session in sessions]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(60)
	assert [answer.status_code for answer in answers] == [200, 200], [answer.text[:300] for answer in answers]
	frappe.db.rollback()
	held = [
		frappe.get_all(
			"Payout Batch Payment",
			filters={"parent": answer.json()["message"]["name"]},
			pluck="reference_name",
		)
		for answer in answers
	]
	assert sorted(held[0] + held[1]) == sorted(due_for_two.invoices)  # every payment, each once
