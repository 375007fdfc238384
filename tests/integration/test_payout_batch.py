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


def refuse(batch, refused, reason="AC04"):
	"""The bank's pain.002: these rows refused, the rest accepted."""
	frappe.set_user(user("finance"))
	batch = frappe.get_doc("Payout Batch", batch.name)
	names = {row.name for row in refused}
	batch.apply(
		bank_samples.pain002(
			batch.message_id,
			[
				(
					row.end_to_end_id,
					"RJCT" if row.name in names else "ACCP",
					reason if row.name in names else None,
					None,
				)
				for row in batch.payments
			],
		)
	)
	batch.reload()
	return batch


def bank_balance(entries, account):
	return frappe.db.sql(
		"""select coalesce(sum(debit - credit), 0) from `tabGL Entry`
		where voucher_no in %(entries)s and account = %(account)s and is_cancelled = 0""",
		{"entries": entries, "account": account},
	)[0][0]


def test_one_suppliers_invoices_are_one_payment_and_a_refusal_books_back_only_its_own(batch_world):
	frappe.set_user("Administrator")
	supplier = frappe.db.get_value("Purchase Invoice", batch_world.invoices[0], "supplier")
	plans = [
		approved_plan(
			batch_world.programme,
			lines=[{"description": "Course more", "amount": 3000, "supplier": supplier}],
		)
		for _ in range(2)
	]
	more = [invoice(plans[0], 300).name, invoice(plans[1], 200).name]
	frappe.set_user("Administrator")
	for name in more:
		frappe.db.set_value("Purchase Invoice", name, "due_date", today())
	batch = approve(build(batch_world))
	ours = [row for row in batch.payments if row.reference_name in [batch_world.invoices[0], *more]]
	entry = {row.payment_entry for row in ours}
	assert len(ours) == 3 and len(entry) == 1, "one Payment Entry for the supplier's three invoices"
	entry = entry.pop()
	payment = frappe.get_doc("Payment Entry", entry)
	assert sorted(ref.reference_name for ref in payment.references) == sorted(
		row.reference_name for row in ours
	)
	assert payment.paid_amount == 1000 + 300 + 200 and not payment.end_to_end_id
	# Three citizens' invoices: the entry's rows carry the programme, not one citizen.
	assert payment.budget_programme == batch_world.programme.name and not payment.participant
	assert [line_paid(plan) for plan in plans] == [300, 200]  # each plan written back

	refused = next(row for row in ours if row.reference_name == more[0])
	batch = refuse(batch, [refused])
	row = next(row for row in batch.payments if row.name == refused.name)
	assert row.status == B.REFUSED and row.reversal_entry
	assert frappe.db.get_value("Payment Entry", entry, "docstatus") == 1  # it paid the other two
	journal = frappe.get_doc("Journal Entry", row.reversal_entry)
	assert journal.docstatus == 1 and journal.reverses_payment == entry
	assert "also paid" in journal.user_remark
	assert frappe.db.get_value("Purchase Invoice", more[0], "outstanding_amount") == 300
	assert frappe.db.get_value("Purchase Invoice", more[1], "outstanding_amount") == 0
	bank_gl = frappe.db.get_value("Bank Account", batch_world.account, "account")
	assert bank_balance([entry, journal.name], bank_gl) == -(1000 + 200)
	assert [line_paid(plan) for plan in plans] == [0, 200]
	# Due again: the next batch takes it, and only it of the supplier's.
	frappe.set_user(user("finance"))
	again = make_payout_batch(batch_world.company, batch_world.account, today(), batch_world.programme.name)
	held = frappe.get_all("Payout Batch Payment", filters={"parent": again["name"]}, pluck="reference_name")
	assert more[0] in held and more[1] not in held and batch_world.invoices[0] not in held


def test_an_invoice_paid_since_the_batch_was_built_stops_the_approval_whole(batch_world):
	batch = build(batch_world)
	from tests.integration.test_payout import pay

	pay(batch_world.invoices[1], 200)  # someone paid part of it by hand meanwhile
	frappe.set_user(user("finance_approver"))
	batch = frappe.get_doc("Payout Batch", batch.name)
	with pytest.raises(frappe.ValidationError, match="build a new batch"):
		batch.submit()
	frappe.db.rollback()  # as the request would: nothing of the approval is kept
	assert frappe.db.get_value("Payout Batch", batch.name, "docstatus") in (0, None)
	assert not frappe.db.exists("Payment Entry", {"payout_batch": batch.name})


def test_an_invoice_put_on_hold_since_the_batch_was_built_stops_the_approval(batch_world):
	batch = build(batch_world)
	frappe.set_user("Administrator")
	frappe.db.set_value("Purchase Invoice", batch_world.invoices[0], "on_hold", 1)
	frappe.set_user(user("finance_approver"))
	with pytest.raises(frappe.ValidationError, match="on hold"):
		frappe.get_doc("Payout Batch", batch.name).submit()


def test_only_the_app_books_a_payment_back(batch_world):
	"""Reverses Payment makes an advance unpaid again: no one may set it by hand."""
	batch = approve(build(batch_world))
	row = next(row for row in batch.payments if row.reference_name == batch_world.advance)
	frappe.set_user("Administrator")
	bank = frappe.db.get_value("Bank Account", batch_world.account, "account")
	entry = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"company": batch_world.company,
			"posting_date": today(),
			"reverses_payment": row.payment_entry,
			"accounts": [
				{"account": bank, "debit_in_account_currency": 700},
				{"account": batch_world.programme.expense_account, "credit_in_account_currency": 700},
			],
		}
	)
	with pytest.raises(frappe.PermissionError, match="Reverses Payment"):
		entry.insert()
	advance = frappe.get_doc("Budget Advance", batch_world.advance)
	assert advance.payment_entry == row.payment_entry and advance.paid_amount == 700


def test_a_citizens_supplier_record_on_another_citizens_plan_is_left_out(batch_world):
	from borgerbudget.accounting.parties import ensure_citizen_supplier

	frappe.set_user("Administrator")
	other = approved_plan(
		batch_world.programme, lines=[{"description": "x", "amount": 100, "supplier": make_supplier()}]
	)
	programme = frappe.get_doc("Budget Programme", batch_world.programme.name)
	someone_else = ensure_citizen_supplier(other.participant, programme)
	plan = approved_plan(
		batch_world.programme, lines=[{"description": "Course", "amount": 900, "supplier": someone_else}]
	)
	wrong = invoice(plan, 900).name
	frappe.set_user("Administrator")
	frappe.db.set_value("Purchase Invoice", wrong, "due_date", today())
	frappe.set_user(user("finance"))
	made = make_payout_batch(batch_world.company, batch_world.account, today(), batch_world.programme.name)
	held = frappe.get_all("Payout Batch Payment", filters={"parent": made["name"]}, pluck="reference_name")
	assert wrong not in held
	assert any(wrong in line and "another citizen" in line for line in made["left_out"])


def test_a_large_batch_is_approved_in_the_background(batch_world, monkeypatch):
	from frappe.model.document import execute_action

	from borgerbudget.borgerbudget.doctype.payout_batch import payout_batch

	batch = build(batch_world)
	monkeypatch.setattr(payout_batch, "QUEUE_FROM", 2)
	monkeypatch.setattr(frappe.flags, "in_test", False)
	frappe.set_user(user("finance_approver"))
	doc = frappe.get_doc("Payout Batch", batch.name)
	doc.submit()
	assert frappe.db.get_value("Payout Batch", batch.name, "docstatus") == 0  # not yet: queued
	# frappe hands the job to Redis when the request commits; read what it will hand over.
	jobs = [
		cell.cell_contents
		for call in frappe.db.after_commit._functions
		for cell in call.__closure__ or ()
		if isinstance(cell.cell_contents, dict) and "kwargs" in cell.cell_contents
	]
	(job,) = (job for job in jobs if job["kwargs"].get("__name") == batch.name)
	assert job["kwargs"]["__action"] == "_submit" and job["user"] == user("finance_approver")
	execute_action("Payout Batch", batch.name, "_submit")  # what the worker runs, as that user
	assert frappe.db.get_value("Payout Batch", batch.name, ["docstatus", "status"]) == (1, B.APPROVED)
	assert frappe.db.count("Payment Entry", {"payout_batch": batch.name, "docstatus": 1}) == 4


def line_paid(plan):
	return frappe.db.get_value("Budget Line", {"parent": plan.name}, "paid_amount")


def close_period_for_payments(company):
	"""An Accounting Period around today, closed for Payment Entries only."""
	frappe.set_user("Administrator")
	for name in frappe.get_all("Accounting Period", filters={"company": company}, pluck="name"):
		frappe.delete_doc("Accounting Period", name)
	return frappe.get_doc(
		{
			"doctype": "Accounting Period",
			"period_name": "_Test lukket " + frappe.generate_hash(length=4),
			"company": company,
			"start_date": frappe.utils.add_days(today(), -10),
			"end_date": frappe.utils.add_days(today(), 10),
			"closed_documents": [{"document_type": "Payment Entry", "closed": 1}],
		}
	).insert()


def test_a_refusal_after_the_period_closed_is_booked_back_and_paid_again_later(batch_world):
	batch = approve(build(batch_world))
	refused = [
		row for row in batch.payments if row.reference_name in (batch_world.invoices[0], batch_world.advance)
	]
	entries = [row.payment_entry for row in refused]
	period = close_period_for_payments(batch_world.company)
	from borgerbudget.accounting import reversal

	assert "closed" in reversal.closed_because(batch_world.company, today())
	batch = refuse(batch, refused, reason="MD07")
	for row in batch.payments:
		if row.reference_name in (batch_world.invoices[0], batch_world.advance):
			assert row.status == B.REFUSED and row.reversal_entry, row.reference_name
	# Not cancelled (ERPNext would refuse), but booked back today, saying why.
	row = next(row for row in batch.payments if row.reference_name == batch_world.invoices[0])
	assert period.name in frappe.db.get_value("Journal Entry", row.reversal_entry, "user_remark")
	assert [frappe.db.get_value("Payment Entry", name, "docstatus") for name in entries] == [1, 1]
	assert frappe.db.get_value("Purchase Invoice", batch_world.invoices[0], "outstanding_amount") == 1000
	advance = frappe.get_doc("Budget Advance", batch_world.advance)
	assert (
		advance.status == rules.payout.AWAITING_PAYMENT
		and not advance.payment_entry
		and not advance.paid_amount
	)
	assert frappe.db.exists("ToDo", {"reference_name": batch.name, "description": ("like", "%MD07%")})
	# The next period: both are paid again, the advance by a new entry.
	frappe.set_user("Administrator")
	frappe.delete_doc("Accounting Period", period.name)
	second = approve(build(batch_world))
	assert sorted(row.reference_name for row in second.payments) == sorted(
		[batch_world.invoices[0], batch_world.advance]
	)
	advance.reload()
	assert advance.payment_entry and advance.payment_entry not in entries and advance.paid_amount == 700


def test_a_receipt_free_allowance_is_booked_on_its_own_account_and_paid_to_the_nemkonto(batch_world):
	from borgerbudget import accounting
	from borgerbudget.accounting.parties import default_payout_account
	from borgerbudget.borgerbudget.doctype.budget_advance.budget_advance import send_receipt_reminders

	frappe.set_user("Administrator")
	programme = batch_world.programme
	allowance_line = {"description": "Frie midler", "amount": 500, "payment_route": rules.plan.ALLOWANCE}
	# A programme without an allowance refuses the line; one with it takes up to its limit.
	with pytest.raises(frappe.ValidationError, match="no receipt-free allowance"):
		approved_plan(programme, lines=[allowance_line])
	programme.reload()
	programme.allowance_limit = 500
	programme.save()
	assert programme.allowance_account == default_payout_account(programme.company, "Allowance")
	with pytest.raises(frappe.ValidationError, match="at most"):
		approved_plan(programme, lines=[allowance_line, {**allowance_line, "amount": 1}])
	plan = approved_plan(programme, lines=[allowance_line])

	frappe.set_user(user("finance"))
	booked = accounting.create_purchase_invoice(plan.name, plan.lines[0].name, submit=True)
	supplier = accounting.citizen_supplier(plan.participant)
	assert booked.supplier == supplier and booked.grand_total == 500
	assert booked.items[0].expense_account == programme.allowance_account
	assert getdate(booked.due_date) == getdate(today())
	# It counts within the plan: nothing is left on the line to book again.
	with pytest.raises(frappe.ValidationError, match="nothing left"):
		accounting.create_purchase_invoice(plan.name, plan.lines[0].name)

	batch = build(batch_world)
	row = next(row for row in batch.payments if row.reference_name == booked.name)
	assert row.kind == B.NEMKONTO and row.participant == plan.participant and "XXXX" in row.creditor_account
	batch = approve(batch)
	from borgerbudget.borgerbudget.doctype.participant_cpr import participant_cpr

	assert participant_cpr.stored_cpr(plan.participant).digits.encode() in batch.render()
	assert frappe.db.get_value("Purchase Invoice", booked.name, "outstanding_amount") == 0
	line = frappe.get_doc("Budget Line", plan.lines[0].name)
	assert (line.paid_amount, line.payout_status) == (500, rules.payout.PAID)
	# No receipts are asked for: there is no advance to follow up, and nothing to claim back.
	frappe.set_user("Administrator")
	send_receipt_reminders()
	assert not frappe.db.exists("Budget Advance", {"budget_plan": plan.name})
	assert not frappe.db.exists("Repayment Claim", {"budget_plan": plan.name})


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
