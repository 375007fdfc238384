"""Retention and erasure (GDPR): a participant with a whole history — a paid supplier invoice, an
advance settled against a receipt, files, notes, a comment with the CPR number typed in, a CPR
reveal, a representative, a MitID login and a portal user — is erased: afterwards no table and no
file of the site holds their name, CPR number or e-mail, while the evaluation's reports and the
general ledger are the same as before. Erasure is refused while money is open; the dry run changes
nothing; the daily job proposes, and only an administrator decides."""

import os

import frappe
import pytest
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, add_years, getdate, today

from borgerbudget import accounting, erasure, rules
from borgerbudget.borgerbudget.doctype.data_erasure import data_erasure
from borgerbudget.borgerbudget.doctype.participant_cpr import participant_cpr
from tests.integration.factories import (
	approved_plan,
	make_participant,
	make_programme,
	make_supplier,
	random_cpr,
	user,
)
from tests.integration.test_payout import SUPPLIER, invoice, pay, pay_advance

E = rules.erasure
REPORTS = (
	"Participants by Stage",
	"Budget Spend by Category",
	"Programme Outcomes",
	"Theory of Change Results",
	"Research Export",
)


def attach(doctype, name, text, field=None):
	return frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{frappe.generate_hash(length=8)}.txt",
			"content": text,
			"is_private": 1,
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			"attached_to_field": field,
		}
	).insert(ignore_permissions=True)


@pytest.fixture
def history():
	"""A citizen with everything the app keeps about a person."""
	frappe.set_user("Administrator")
	key = frappe.generate_hash(length=6)
	name, email = f"Zelmira Quistgaard {key}", f"zq-{key}@example.com"
	programme = make_programme()
	make_supplier(SUPPLIER)
	plan = approved_plan(
		programme,
		lines=[
			{"description": "Kørekort til Zelmira", "amount": 4000, "supplier": SUPPLIER},
			{
				"description": "Buskort",
				"amount": 800,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			},
		],
		full_name=name,
	)
	participant = plan.participant
	cpr = participant_cpr.stored_cpr(participant)
	frappe.set_user("Administrator")
	portal = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Zelmira",
			"last_name": f"Quistgaard {key}",
			"user_type": "Website User",
			"send_welcome_email": 0,
			"roles": [{"role": "Borgerbudget Citizen"}],
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Participant", participant, {"email": email, "user": portal.name})
	# Money: a supplier's invoice paid; an advance paid, and settled against the citizen's receipt.
	pay(invoice(plan).name)
	frappe.set_user(user("caseworker_a"))
	lines = frappe.get_doc("Budget Plan", plan.name).lines
	advance = frappe.get_doc(
		{"doctype": "Budget Advance", "budget_plan": plan.name, "budget_line": lines[1].name, "amount": 800}
	).insert()
	pay_advance(advance)
	frappe.set_user("Administrator")
	receipt = attach("Budget Advance", advance.name, f"Kvittering, buskort. {name}")
	# Notes and texts as caseworkers write them, with the name and the CPR number typed in.
	frappe.get_doc("Budget Plan", plan.name).add_comment("Comment", f"Talte med {name}, CPR {cpr.formatted}.")
	frappe.get_doc(
		{"doctype": "Budget Plan Note", "budget_plan": plan.name, "note": f"{name} har det svært."}
	).insert(ignore_permissions=True)
	attach("Participant", participant, f"Tro- og loveerklæring\n{name}\n{cpr.formatted}")
	frappe.get_doc(
		{
			"doctype": "CPR Access Log",
			"participant": participant,
			"user": user("cpr_caseworker"),
			"accessed_on": frappe.utils.now_datetime(),
			"reason": f"Udbetaling til {name}",
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "MitID Login",
			"logged_in_at": frappe.utils.now_datetime(),
			"result": rules.mitid.LOGGED_IN,
			"participant": participant,
			"user": portal.name,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Representative",
			"participant": participant,
			"representative_name": "Hans Hjælper",
			"cpr_number": random_cpr(1960),
			"scope": rules.representation.READ,
			"legal_basis": rules.representation.POWER_OF_ATTORNEY,
			"basis_reference": "FM-2026-0777",
		}
	).insert()
	return frappe._dict(
		programme=programme.name,
		plan=plan.name,
		participant=participant,
		advance=advance.name,
		receipt=receipt,
		needles=(name, email, cpr.digits, cpr.formatted),
	)


def settle(history):
	"""The citizen's receipt covers the advance: finance settles it, and no money is open."""
	frappe.set_user(user("caseworker_a"))
	advance = frappe.get_doc("Budget Advance", history.advance)
	advance.append(
		"receipts",
		{
			"receipt_date": today(),
			"description": "Buskort",
			"amount": 800,
			"attachment": history.receipt.file_url,
		},
	)
	advance.save()
	frappe.set_user(user("finance"))
	settlement = accounting.make_settlement_invoice(advance.name)
	settlement.insert()
	settlement.submit()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Budget Advance", advance.name, "status") == rules.payout.SETTLED


def reports(programme):
	frappe.set_user(user("auditor"))
	try:
		return {name: run_report(name, filters={"programme": programme})["result"] for name in REPORTS}
	finally:
		frappe.set_user("Administrator")


def ledger(participant):
	return frappe.db.sql(
		"""select account, voucher_type, voucher_no, debit, credit, is_cancelled, budget_programme
		from `tabGL Entry` where participant = %s order by voucher_no, account, debit, credit""",
		participant,
	)


def places_holding(needles, besides=()) -> list[str]:
	"""Every table column and every file of the site that holds one of `needles` (other than inside
	one of `besides`, such as another person's longer address)."""
	found = []
	columns = {}
	for table, column in frappe.db.sql(
		"""select table_name, column_name from information_schema.columns where table_schema = database()
		and data_type in ('char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json')"""
	):
		columns.setdefault(table, []).append(column)
	for table, names in columns.items():
		for needle in needles:
			where = " or ".join(f"`{column}` like %(needle)s" for column in names)
			for row in frappe.db.sql(
				f"select * from `{table}` where {where}", {"needle": f"%{needle}%"}, as_dict=True
			):
				where_found = ", ".join(k for k, v in row.items() if needle in without(str(v), besides))
				if not where_found:
					continue
				about = f"{row.get('reference_doctype') or row.get('ref_doctype') or ''} {row.get('reference_name') or ''} {row.get('comment_type') or ''}"
				found.append(f"{table} {row.get('name')} {about}: {needle!r} in {where_found}")
	for folder in (frappe.get_site_path("private", "files"), frappe.get_site_path("public", "files")):
		for root, _dirs, files in os.walk(folder):
			for file in files:
				content = open(os.path.join(root, file), "rb").read()
				found += [f"file {file}: {needle!r}" for needle in needles if needle.encode() in content]
	return found


def without(text, besides):
	for other in besides:
		text = text.replace(other, "")
	return text


def test_erasure_is_refused_while_money_is_open_and_the_dry_run_changes_nothing(history):
	reasons = erasure.money_open(history.participant)
	assert reasons == [f"Advance {history.advance} is not settled."]
	with pytest.raises(frappe.ValidationError, match="money is open"):
		erasure.erase(history.participant)
	assert frappe.db.get_value("Participant", history.participant, "full_name") == history.needles[0]
	summary = erasure.erase(history.participant, dry_run=True)
	# Record by record: the plan and its participant, the note, the files, the representation, the
	# citizen as a supplier, the vouchers and the portal user.
	assert summary["Participant: pseudonymised"] == [history.participant]
	assert summary["Budget Plan: pseudonymised"] == [history.plan]
	assert summary["Representative: deleted"] and summary["Budget Plan Note: pseudonymised"]
	assert history.receipt.name in summary["File: deleted"]
	assert summary["Supplier: renamed to the pseudonym"] == [E.pseudonym(history.participant)]
	assert summary["Payment Entry: name replaced"] and summary["User: deleted"]
	assert all(needle not in frappe.as_json(summary) for needle in history.needles[1:])
	assert frappe.db.get_value("Participant", history.participant, "full_name") == history.needles[0]
	assert frappe.db.exists("Participant CPR", history.participant)


def test_after_erasure_no_table_or_file_holds_the_person_and_the_figures_are_unchanged(history):
	settle(history)
	assert erasure.money_open(history.participant) == []
	assert places_holding(history.needles)  # the search finds them before
	# Another citizen's look-alike address, and a household address the two share, must survive.
	lookalike, household = "jo" + history.needles[1], f"hus-{frappe.generate_hash(length=6)}@example.org"
	other = make_participant(history.programme, email=lookalike)
	frappe.db.set_value("Participant", history.participant, "email", household)
	third = make_participant(history.programme, email=household)
	before_reports, before_ledger = reports(history.programme), ledger(history.participant)
	assert before_ledger and any(before_reports.values())

	# As the administrator decides it, in the background job (run at once in tests).
	frappe.set_user(user("admin"))
	proposal = frappe.get_doc({"doctype": "Data Erasure", "participant": history.participant})
	proposal.insert(ignore_permissions=True)
	proposal.erase()
	proposal.erase()  # a second click changes nothing
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Data Erasure", proposal.name, "status") == E.ERASED

	left = places_holding(history.needles, besides=(lookalike,))
	assert not left, "\n".join(left)
	assert frappe.db.get_value("Participant", other.name, "email") == lookalike
	assert frappe.db.get_value("Participant", third.name, "email") == household
	assert reports(history.programme) == before_reports
	assert ledger(history.participant) == before_ledger
	participant = frappe.get_doc("Participant", history.participant)
	assert participant.full_name == E.pseudonym(history.participant) and participant.erased_on
	assert not participant.user and not participant.email and not participant.cpr_masked
	with pytest.raises(frappe.ValidationError, match="erased"):
		participant.save()
	assert not frappe.db.exists("Participant CPR", history.participant)
	# The books keep the figures under the pseudonym; the reveal log keeps who and when.
	supplier = accounting.citizen_supplier(history.participant)
	assert supplier == E.pseudonym(history.participant)
	assert frappe.db.get_value("Supplier", supplier, "supplier_name") == supplier
	log = frappe.get_all(
		"CPR Access Log", filters={"participant": history.participant}, fields=["user", "reason"]
	)
	assert log == [{"user": user("cpr_caseworker"), "reason": ""}]
	# The amounts, categories and statuses the evaluation reads are all still there.
	lines = frappe.get_doc("Budget Plan", history.plan).lines
	assert [(line.amount, line.category, line.description) for line in lines] == [
		(4000, lines[0].category, ""),
		(800, "Transport", ""),
	]


def test_the_daily_job_proposes_and_only_an_administrator_decides():
	programme = make_programme(personal_data_retention_years=5, evaluation_ends_on=add_days(today(), -1))
	ended = make_participant(programme, course_ended_on=add_years(today(), -6))
	recent = make_participant(programme, course_ended_on=add_years(today(), -4))
	control = make_participant(programme)
	frappe.db.set_value("Participant", control.name, "control_group_draw", "DRAW-X")
	running = make_participant(programme)
	proposed = data_erasure.propose_erasures()
	assert ended.name in proposed and control.name in proposed
	assert recent.name not in proposed and running.name not in proposed
	assert not {ended.name, control.name} & set(data_erasure.propose_erasures())  # proposed once
	doc = frappe.get_doc("Data Erasure", {"participant": ended.name})
	assert doc.status == E.PROPOSED and getdate(doc.retention_ended_on) == getdate(
		add_years(ended.course_ended_on, 5)
	)
	assert frappe.db.exists(
		"ToDo", {"reference_name": doc.name, "allocated_to": user("admin"), "status": "Open"}
	)
	# A caseworker cannot decide; the administrator keeps one with a reason and erases the other.
	frappe.set_user(user("caseworker_a"))
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Data Erasure", doc.name).erase()
	frappe.set_user(user("admin"))
	try:
		with pytest.raises(frappe.ValidationError, match="reason"):
			frappe.get_doc("Data Erasure", doc.name).keep("")
		kept = frappe.get_doc("Data Erasure", {"participant": control.name})
		assert kept.keep("Klagesag verserer") == E.KEPT
		frappe.get_doc("Data Erasure", doc.name).erase()
		assert frappe.db.get_value("Data Erasure", doc.name, "status") == E.ERASED
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.get_value("Participant", ended.name, "full_name") == E.pseudonym(ended.name)
	assert frappe.db.get_value("Participant", control.name, "erased_on") is None
	summary = frappe.db.get_value("Data Erasure", doc.name, "erased_summary")
	assert "Participant: pseudonymised: 1" in summary
