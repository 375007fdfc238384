"""Payouts through ERPNext's own documents, as finance and the caseworker do them, asserting the
GL rows (account, amounts, dimensions) the way ERPNext's own accounting tests do."""

import frappe
import pytest
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from frappe.utils import add_days, getdate, today

from borgerbudget import accounting, rules
from borgerbudget.borgerbudget.doctype.budget_advance.budget_advance import send_receipt_reminders
from borgerbudget.borgerbudget.report.budget_payouts.budget_payouts import programme_summary
from tests.integration.factories import approved_plan, gl_rows, make_programme, make_supplier, user

SUPPLIER = "_Test Køreskole"
EXPENSE = "Borgerbudgetter - DK"
ADVANCES = "Forskud til borgere - DK"
CLAIMS = "Tilbagebetalingskrav fra borgere - DK"


@pytest.fixture
def programme():
	return make_programme()


def invoice_plan(programme, amount=4000, **line):
	frappe.set_user("Administrator")
	make_supplier(SUPPLIER)
	return approved_plan(
		programme, lines=[{"description": "Driving licence", "amount": amount, "supplier": SUPPLIER, **line}]
	)


def reimbursement_plan(programme, amount=800):
	return approved_plan(
		programme,
		lines=[
			{
				"description": "Bus card",
				"amount": amount,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			}
		],
	)


def line_of(plan, index=0):
	return frappe.get_doc("Budget Plan", plan.name).lines[index]


def invoice(plan, amount=None, submit=True, line=0):
	frappe.set_user(user("finance"))
	doc = accounting.make_purchase_invoice(plan.name, line_of(plan, line).name, amount)
	doc.insert()
	if submit:
		doc.submit()
	return doc


def pay(invoice_name, amount=None):
	frappe.set_user(user("finance"))
	payment = get_payment_entry("Purchase Invoice", invoice_name)
	payment.reference_no, payment.reference_date = "test", today()
	if amount:
		payment.paid_amount = payment.received_amount = amount
		payment.references[0].allocated_amount = amount
	payment.insert()
	payment.submit()
	return payment


def test_an_invoice_for_a_line_books_the_programme_expense_with_the_dimensions(programme):
	plan = invoice_plan(programme)
	doc = invoice(plan)
	assert doc.budget_plan == plan.name and doc.items[0].budget_line == line_of(plan).name
	assert gl_rows(doc.name) == sorted(
		[
			(EXPENSE, 4000.0, 0.0, None, plan.participant, programme.name),
			("Creditors - DK", 0.0, 4000.0, SUPPLIER, plan.participant, programme.name),
		]
	)
	line = line_of(plan)
	assert (line.committed_amount, line.invoiced_amount, line.paid_amount, line.remaining_amount) == (
		0,
		4000,
		0,
		0,
	)
	assert line.payout_status == rules.payout.INVOICED
	assert frappe.db.get_value("Budget Plan", plan.name, "total_invoiced") == 4000


def test_a_line_is_invoiced_in_parts_and_over_invoicing_is_refused(programme):
	plan = invoice_plan(programme)
	invoice(plan, 1500)
	assert line_of(plan).remaining_amount == 2500
	with pytest.raises(
		frappe.ValidationError, match=r"Driving licence.*2.500,00.*3.000,00 is .*500,00 too much"
	):
		invoice(plan, 3000)
	# The builder offers what is left, and then nothing more.
	rest = invoice(plan)
	assert rest.grand_total == 2500
	assert (line_of(plan).invoiced_amount, line_of(plan).remaining_amount) == (4000, 0)
	with pytest.raises(frappe.ValidationError, match="nothing left to invoice"):
		invoice(plan)
	frappe.set_user(user("finance"))
	zero = frappe.copy_doc(rest)
	zero.items[0].rate = 0
	with pytest.raises(frappe.ValidationError, match="more than zero"):
		zero.insert()


def test_a_draft_invoice_commits_the_money_and_a_cancel_gives_it_back(programme):
	plan = invoice_plan(programme)
	draft = invoice(plan, submit=False)
	assert (line_of(plan).committed_amount, line_of(plan).remaining_amount) == (4000, 0)
	with pytest.raises(frappe.ValidationError, match="too much"):
		invoice(plan, 100, submit=False)
	draft.submit()
	draft.cancel()
	assert gl_rows(draft.name) == []
	line = line_of(plan)
	assert (line.invoiced_amount, line.remaining_amount, line.payout_status) == (
		0,
		4000,
		rules.payout.AWAITING_INVOICE,
	)
	assert invoice(plan).grand_total == 4000


def test_the_programme_tolerance_allows_a_little_more(programme):
	programme.invoice_tolerance = 200
	programme.save()
	plan = invoice_plan(programme)
	assert invoice(plan, 4200).grand_total == 4200
	with pytest.raises(frappe.ValidationError, match="too much"):
		invoice(plan, 1)


def test_only_approved_open_lines_from_their_supplier_are_invoiced(programme):
	plan = invoice_plan(programme)
	frappe.set_user(user("finance"))
	doc = accounting.make_purchase_invoice(plan.name, line_of(plan).name)
	doc.supplier = make_supplier("_Test Other Supplier")
	with pytest.raises(frappe.ValidationError, match="is to be invoiced by"):
		doc.insert()
	frappe.set_user("Administrator")
	frappe.db.set_value("Budget Line", line_of(plan).name, "closed", 1)
	with pytest.raises(frappe.ValidationError, match="closed for payouts"):
		invoice(plan)
	# A caseworker without ERPNext's accounting role cannot create invoices at all.
	frappe.set_user(user("caseworker_a"))
	with pytest.raises(frappe.PermissionError):
		accounting.make_purchase_invoice(plan.name, line_of(plan).name)


def test_a_payment_writes_back_to_the_line_and_a_cancel_undoes_it(programme):
	plan = invoice_plan(programme)
	doc = invoice(plan)
	part = pay(doc.name, 1000)
	# ERPNext carries the invoice's dimensions over to its payment.
	assert gl_rows(part.name) == sorted(
		[
			("Bank Account - DK", 0.0, 1000.0, None, plan.participant, programme.name),
			("Creditors - DK", 1000.0, 0.0, SUPPLIER, plan.participant, programme.name),
		]
	)
	assert (line_of(plan).paid_amount, line_of(plan).payout_status) == (1000, rules.payout.PARTLY_PAID)
	rest = pay(doc.name)
	assert (line_of(plan).paid_amount, line_of(plan).payout_status) == (4000, rules.payout.PAID)
	assert frappe.db.get_value("Budget Plan", plan.name, "total_paid") == 4000
	rest.cancel()
	assert (line_of(plan).paid_amount, line_of(plan).payout_status) == (1000, rules.payout.PARTLY_PAID)


def test_an_invoice_is_never_paid_twice(programme):
	doc = invoice(invoice_plan(programme))
	first = get_payment_entry("Purchase Invoice", doc.name)
	second = get_payment_entry("Purchase Invoice", doc.name)
	for payment in (first, second):
		payment.reference_no, payment.reference_date = "test", today()
		payment.insert()
	first.submit()
	with pytest.raises(frappe.ValidationError, match=r"fully paid|left to pay"):
		second.submit()


def test_a_payment_run_survives_a_failure_and_a_rerun_pays_only_the_rest(programme):
	other = make_supplier("_Test Dentist")
	plans = [
		invoice_plan(programme, 1000),
		invoice_plan(programme, 2000),
		invoice_plan(programme, 3000, supplier=other),
	]
	invoices = [invoice(plan).name for plan in plans]
	frappe.set_user("Administrator")
	frappe.db.set_value("Supplier", other, "disabled", 1)
	frappe.set_user(user("finance"))
	first = accounting.pay_due_invoices(programme.name)
	assert sorted(row["invoice"] for row in first["paid"]) == sorted(invoices[:2])
	assert [row["invoice"] for row in first["failed"]] == [invoices[2]]
	# One supplier's invoices are paid together, by one Payment Entry.
	assert len({row["payment_entry"] for row in first["paid"]}) == 1
	assert [line_of(plan).payout_status for plan in plans] == [
		rules.payout.PAID,
		rules.payout.PAID,
		rules.payout.INVOICED,
	]
	frappe.set_user("Administrator")
	frappe.db.set_value("Supplier", other, "disabled", 0)
	frappe.set_user(user("finance"))
	second = accounting.pay_due_invoices(programme.name)
	assert [row["invoice"] for row in second["paid"]] == [invoices[2]] and not second["failed"]
	assert accounting.pay_due_invoices(programme.name) == {"paid": [], "failed": []}
	for name in invoices:
		assert frappe.db.count("Payment Entry Reference", {"reference_name": name, "docstatus": 1}) == 1
		assert frappe.db.get_value("Purchase Invoice", name, "outstanding_amount") == 0


def test_one_bad_invoice_does_not_hold_back_its_suppliers_others(programme, monkeypatch):
	"""A supplier's payment fails as a whole; the run then pays that supplier's invoices one by one."""
	from borgerbudget.accounting import payment_entry

	plans = [invoice_plan(programme, 1000), invoice_plan(programme, 2000), invoice_plan(programme, 3000)]
	invoices = [invoice(plan).name for plan in plans]
	check = payment_entry.check_not_paid_twice

	def refuse_the_second(doc, names):  # a fault of one invoice, injected into our own check
		if invoices[1] in names:
			frappe.throw("Injected fault for " + invoices[1])
		return check(doc, names)

	monkeypatch.setattr(payment_entry, "check_not_paid_twice", refuse_the_second)
	frappe.set_user(user("finance"))
	result = accounting.pay_due_invoices(programme.name)
	assert sorted(row["invoice"] for row in result["paid"]) == sorted([invoices[0], invoices[2]])
	assert [row["invoice"] for row in result["failed"]] == [invoices[1]]
	assert "Injected fault" in result["failed"][0]["error"]
	assert frappe.db.get_value("Purchase Invoice", invoices[1], "outstanding_amount") == 2000


def test_a_payout_that_fails_halfway_leaves_no_gl_entries_and_no_paid_line(programme):
	plan = invoice_plan(programme)
	doc = invoice(plan)
	frappe.set_user("Administrator")
	bank = frappe.get_doc(
		{
			"doctype": "Account",
			"account_name": "_Test Frozen Bank " + frappe.generate_hash(length=5),
			"parent_account": "Bank Accounts - DK",
			"company": programme.company,
			"account_type": "Bank",
		}
	).insert()
	bank.db_set("freeze_account", "Yes")
	frappe.set_user(user("finance"))
	payment = get_payment_entry("Purchase Invoice", doc.name)
	payment.paid_from = bank.name
	payment.reference_no, payment.reference_date = "test", today()
	payment.insert()
	frappe.db.savepoint("payout")
	with pytest.raises(frappe.ValidationError):
		payment.submit()
	frappe.db.rollback(save_point="payout")
	assert frappe.db.get_value("Payment Entry", payment.name, "docstatus") == 0
	assert gl_rows(payment.name) == []
	assert frappe.db.count("Payment Ledger Entry", {"voucher_no": payment.name}) == 0
	line = line_of(plan)
	assert (line.paid_amount, line.payout_status) == (0, rules.payout.INVOICED)
	assert frappe.db.get_value("Purchase Invoice", doc.name, "outstanding_amount") == 4000


def advance_for(plan, amount=800):
	frappe.set_user(user("caseworker_a"))
	line = line_of(plan)
	return frappe.get_doc(
		{"doctype": "Budget Advance", "budget_plan": plan.name, "budget_line": line.name, "amount": amount}
	).insert()


def pay_advance(advance, posting_date=None):
	frappe.set_user(user("finance"))
	payment = accounting.make_advance_payment(advance.name)
	if posting_date:
		payment.posting_date = payment.reference_date = posting_date
	payment.insert()
	payment.submit()
	return payment


def book(claim):
	"""Finance books the claim; the citizen's customer record."""
	frappe.set_user(user("finance"))
	journal = accounting.make_repayment_journal_entry(claim.name)
	journal.insert()
	journal.submit()
	return journal, frappe.db.get_value("Customer", {"participant": claim.participant})


def add_receipt(advance, amount, who="caseworker_a"):
	frappe.set_user(user(who))
	doc = frappe.get_doc("Budget Advance", advance.name)
	doc.append(
		"receipts",
		{
			"receipt_date": today(),
			"description": "Monthly bus card",
			"amount": amount,
			"attachment": "/private/files/bus.pdf",
		},
	)
	return doc.save()


def test_an_advance_is_settled_against_receipts_and_the_rest_claimed_back(programme):
	plan = reimbursement_plan(programme)
	advance = advance_for(plan)
	assert (
		line_of(plan).committed_amount == 800 and line_of(plan).payout_status == rules.payout.AWAITING_ADVANCE
	)
	payment = pay_advance(advance)
	supplier = accounting.citizen_supplier(plan.participant)
	assert (
		supplier and frappe.db.get_value("Supplier", supplier, "supplier_group") == accounting.CITIZEN_GROUP
	)
	assert gl_rows(payment.name) == sorted(
		[
			(ADVANCES, 800.0, 0.0, supplier, plan.participant, programme.name),
			("Bank Account - DK", 0.0, 800.0, None, plan.participant, programme.name),
		]
	)
	advance.reload()
	assert (advance.status, advance.paid_amount, advance.outstanding_amount) == (
		rules.payout.AWAITING_RECEIPTS,
		800,
		800,
	)
	assert getdate(advance.receipt_due_date) == getdate(add_days(today(), 14))
	assert (line_of(plan).paid_amount, line_of(plan).payout_status) == (800, rules.payout.AWAITING_RECEIPTS)

	add_receipt(advance, 500)
	frappe.set_user(user("finance"))
	settlement = accounting.make_settlement_invoice(advance.name)
	settlement.insert()
	settlement.submit()
	assert gl_rows(settlement.name) == sorted(
		[
			(EXPENSE, 500.0, 0.0, None, plan.participant, programme.name),
			(ADVANCES, 0.0, 500.0, supplier, plan.participant, programme.name),
		]
	)
	assert settlement.outstanding_amount == 0
	advance.reload()
	assert (advance.settled_amount, advance.outstanding_amount, advance.status) == (
		500,
		300,
		rules.payout.AWAITING_RECEIPTS,
	)
	assert advance.receipts[0].purchase_invoice == settlement.name
	line = line_of(plan)
	assert (line.invoiced_amount, line.committed_amount, line.paid_amount) == (500, 300, 800)

	frappe.set_user(user("caseworker_a"))
	claim = frappe.get_doc(
		{
			"doctype": "Repayment Claim",
			"budget_plan": plan.name,
			"budget_advance": advance.name,
			"reason": "Unspent money",
			"amount": 300,
			"dialogue_date": today(),
			"dialogue_note": "The bus card was cheaper than planned; the citizen agrees to pay back 300.",
		}
	).insert()
	assert claim.status == rules.payout.AWAITING_BOOKING and claim.recorded_by == user("caseworker_a")
	journal, customer = book(claim)
	assert gl_rows(journal.name) == sorted(
		[
			(CLAIMS, 300.0, 0.0, customer, plan.participant, programme.name),
			(ADVANCES, 0.0, 300.0, supplier, plan.participant, programme.name),
		]
	)
	claim.reload()
	assert (claim.status, claim.journal_entry, claim.outstanding_amount) == (
		rules.payout.CLAIM_OPEN,
		journal.name,
		300,
	)
	advance.reload()
	assert (advance.claimed_amount, advance.outstanding_amount, advance.status) == (
		300,
		0,
		rules.payout.CLAIMED,
	)
	line = line_of(plan)
	assert (line.committed_amount, line.invoiced_amount, line.paid_amount, line.remaining_amount) == (
		0,
		500,
		500,
		300,
	)
	# The advance account is clear for the citizen; the claim sits on the receivable account.
	balance = frappe.db.sql(
		"select sum(debit - credit) from `tabGL Entry` where account = %s and party = %s and is_cancelled = 0",
		(ADVANCES, supplier),
	)[0][0]
	assert balance == 0

	# The citizen pays the claim back.
	receipt = accounting.make_claim_payment(claim.name)
	receipt.insert()
	receipt.submit()
	claim.reload()
	assert (claim.status, claim.outstanding_amount) == (rules.payout.CLAIM_PAID, 0)


def test_advance_limits(programme):
	plan = reimbursement_plan(programme, amount=programme.reimbursement_limit)
	with pytest.raises(frappe.ValidationError, match="reimbursement limit"):
		advance_for(plan, programme.reimbursement_limit + 1)
	advance_for(plan, programme.reimbursement_limit - 100)
	with pytest.raises(frappe.ValidationError, match="too much"):
		advance_for(plan, 101)
	# An invoice line is not reimbursed.
	invoice_line = invoice_plan(programme)
	with pytest.raises(frappe.ValidationError, match="paid on the supplier's invoice"):
		advance_for(invoice_line, 100)


def test_no_money_goes_to_the_citizen_without_the_declaration_on_honour(programme):
	plan = reimbursement_plan(programme)
	advance = advance_for(plan)
	frappe.set_user("Administrator")
	frappe.db.set_value("Participant", plan.participant, "declaration_file", None)
	frappe.set_user(user("finance"))
	with pytest.raises(frappe.ValidationError, match="declaration on honour"):
		accounting.make_advance_payment(advance.name)
	assert not frappe.db.exists("Payment Entry", {"budget_advance": advance.name})


def test_an_advance_is_paid_once(programme):
	advance = advance_for(reimbursement_plan(programme))
	pay_advance(advance)
	frappe.set_user(user("finance"))
	with pytest.raises(frappe.ValidationError, match="already has Payment Entry"):
		accounting.make_advance_payment(advance.name).insert()


def test_overdue_receipts_remind_then_escalate(programme):
	plan = reimbursement_plan(programme)
	advance = advance_for(plan)
	pay_advance(advance, posting_date=add_days(today(), -20))
	frappe.set_user("Administrator")
	citizen_email = frappe.db.get_value("Participant", plan.participant, "email")
	frappe.db.delete("Email Queue", {"reference_name": advance.name})
	send_receipt_reminders()
	advance.reload()
	assert (advance.status, getdate(advance.reminder_sent_on), advance.escalated_on) == (
		rules.payout.RECEIPTS_OVERDUE,
		getdate(today()),
		None,
	)
	reminders = frappe.get_all("Email Queue", filters={"reference_name": advance.name}, pluck="name")
	recipients = {
		row.recipient for name in reminders for row in frappe.get_doc("Email Queue", name).recipients
	}
	assert {citizen_email, user("caseworker_a")} <= recipients
	# Once a day is enough: the next run sends nothing new until the escalation date.
	send_receipt_reminders()
	assert frappe.db.count("Email Queue", {"reference_name": advance.name}) == len(reminders)
	assert line_of(plan).payout_status == rules.payout.RECEIPTS_OVERDUE

	frappe.db.set_value("Budget Advance", advance.name, "reminder_sent_on", add_days(today(), -14))
	send_receipt_reminders()
	advance.reload()
	assert getdate(advance.escalated_on) == getdate(today())
	assert frappe.db.exists(
		"ToDo", {"reference_name": advance.name, "allocated_to": user("caseworker_a"), "status": "Open"}
	)
	escalations = frappe.get_all(
		"Email Queue", filters={"reference_name": advance.name, "name": ("not in", reminders)}, pluck="name"
	)
	assert user("team_lead") in {
		row.recipient for name in escalations for row in frappe.get_doc("Email Queue", name).recipients
	}


def test_the_citizen_adds_receipts_but_changes_nothing_else(programme):
	plan = reimbursement_plan(programme)
	frappe.set_user("Administrator")
	frappe.db.set_value("Participant", plan.participant, "user", user("citizen"))
	advance = advance_for(plan)
	pay_advance(advance)
	doc = add_receipt(advance, 200, who="citizen")
	assert doc.receipts_total == 200
	doc.amount = 700
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_a_claim_needs_the_dialogue_and_can_be_deferred(programme):
	plan = invoice_plan(programme)
	invoice(plan)
	frappe.set_user(user("caseworker_a"))
	claim = frappe.get_doc(
		{
			"doctype": "Repayment Claim",
			"budget_plan": plan.name,
			"reason": "Not used as agreed",
			"amount": 1000,
			"dialogue_date": today(),
			"dialogue_note": "   ",
		}
	)
	with pytest.raises(frappe.ValidationError, match="dialogue"):
		claim.insert()
	claim.dialogue_note = "The citizen sold the course seat on; we agreed on repayment of 1,000."
	claim.insert()
	journal, customer = book(claim)
	# Without an advance the claim reverses the line's expense.
	assert gl_rows(journal.name) == sorted(
		[
			(CLAIMS, 1000.0, 0.0, customer, plan.participant, programme.name),
			(EXPENSE, 0.0, 1000.0, None, plan.participant, programme.name),
		]
	)
	with pytest.raises(frappe.ValidationError, match="already booked"):
		accounting.make_repayment_journal_entry(claim.name)
	frappe.set_user(user("caseworker_a"))
	claim.reload()
	claim.deferred_until = add_days(today(), 60)
	with pytest.raises(frappe.ValidationError, match="reason for the deferral"):
		claim.save()
	claim.reload()
	claim.deferred_until = add_days(today(), 60)
	claim.deferral_reason = "Waiting for the first pay cheque."
	claim.save()
	assert claim.status == rules.payout.DEFERRED
	claim.amount = 10
	with pytest.raises(frappe.ValidationError, match="is booked"):
		claim.save()


def test_the_programme_summary(programme):
	plan = invoice_plan(programme)
	invoice(plan, 1000)
	frappe.set_user("Administrator")
	summary = programme_summary(frappe.get_doc("Budget Programme", programme.name))
	assert summary["approved"] == 4000 and summary["invoiced"] == 1000 and summary["due_invoices"] == 1
	assert summary["budget"] == programme.yearly_capacity * programme.maximum_per_participant


def test_the_citizen_reads_each_line_in_plain_words(programme):
	from borgerbudget.portal import get_payout_overview

	plan = approved_plan(
		programme,
		lines=[
			{"description": "Driving licence", "amount": 4000, "supplier": make_supplier(SUPPLIER)},
			{
				"description": "Bus card",
				"amount": 800,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			},
		],
	)
	frappe.db.set_value("Participant", plan.participant, "user", user("citizen"))
	frappe.set_user(user("caseworker_a"))
	bus_card = frappe.get_doc("Budget Plan", plan.name).lines[1]
	pay_advance(
		frappe.get_doc(
			{
				"doctype": "Budget Advance",
				"budget_plan": plan.name,
				"budget_line": bus_card.name,
				"amount": 800,
			}
		).insert()
	)
	frappe.set_user(user("citizen"))
	words = {row["description"]: row for row in get_payout_overview(plan.name)}
	assert words["Driving licence"]["status"] == f"Waiting for the invoice from {SUPPLIER}"
	due = frappe.utils.format_date(add_days(today(), 14))
	assert words["Bus card"]["status"] == f"Receipt due by {due}"
	assert words["Bus card"]["advance"]
	frappe.set_user(user("citizen_2"))
	with pytest.raises(frappe.PermissionError):
		get_payout_overview(plan.name)


def test_the_payout_report_shows_each_plan(programme):
	from borgerbudget.borgerbudget.report.budget_payouts.budget_payouts import execute

	plan = invoice_plan(programme)
	invoice(plan, 1500)
	frappe.set_user(user("finance"))
	_columns, rows, _message, _chart, summary = execute({"programme": programme.name})
	assert [(row.budget_plan, row.approved, row.invoiced, row.remaining) for row in rows] == [
		(plan.name, 4000, 1500, 2500)
	]
	assert {item["label"]: item["value"] for item in summary}["Spent so far"] == 1500
	# A caseworker of another team sees none of it.
	frappe.set_user(user("caseworker_b"))
	assert execute({"programme": programme.name})[1] == []
