"""Suppliers' e-invoices in: OIOUBL and Peppol documents, taken in by upload, by an access point's
push and by mail, become draft Purchase Invoices on the budget line whose payment reference they
carry, or wait in finance's queue with the reason. Documents are written by borgerbudget/einvoice/samples.py."""

import email.mime.application
import email.mime.multipart
import email.mime.text
import random
import threading

import frappe
import pytest

from borgerbudget import rules
from borgerbudget.accounting.builders import build_purchase_invoice
from borgerbudget.einvoice import intake
from borgerbudget.einvoice.samples import bad, make, make_zip, make_zip_bomb
from tests.integration.factories import (
	Api,
	approved_plan,
	make_programme,
	make_supplier,
	remove_programme,
	user,
)

E = rules.einvoice


def valid_cvr():
	while True:
		digits = f"{random.randint(10000000, 99999999)}"
		if rules.reference.valid_cvr(digits):
			return digits


def valid_gln():
	digits = f"579{random.randint(0, 10**9 - 1):09d}"
	return digits + rules.reference.gln_check_digit(digits)


def new_case(amount=4000, **line):
	"""An approved plan with a supplier line; the supplier has a CVR number, the programme an EAN."""
	gln, cvr = valid_gln(), valid_cvr()
	supplier = make_supplier(f"_Test Kursus {cvr}")
	frappe.db.set_value("Supplier", supplier, "cvr_number", cvr)
	programme = make_programme(ean_location_number=gln)
	plan = approved_plan(
		programme, lines=[{"description": "Truck licence", "amount": amount, "supplier": supplier, **line}]
	)
	row = plan.lines[0]
	return frappe._dict(
		programme=programme.name,
		plan=plan,
		line=row,
		reference=row.payment_reference,
		gln=gln,
		cvr=cvr,
		supplier=supplier,
	)


def document(case, kind="Invoice", profile="oioubl", **values):
	values = {
		"order_reference": case.reference,
		"buyer_gln": case.gln,
		"supplier_cvr": case.cvr,
		"number": "F-" + frappe.generate_hash(length=6),
		"amount": "1000.00",
		**values,
	}
	return make(kind, profile, **values)


def take(content, source=intake.UPLOAD, filename="invoice.xml"):
	frappe.set_user("Administrator")
	(result,) = intake.take_in(content, filename, source)
	return frappe.get_doc("E-Invoice", result["name"])


@pytest.fixture
def case():
	return new_case()


@pytest.mark.parametrize("profile", ["oioubl", "peppol"])
def test_an_invoice_with_the_lines_reference_becomes_a_draft_purchase_invoice(case, profile):
	doc = take(document(case, profile=profile))
	assert doc.status == E.DRAFTED, doc.reason
	assert (doc.budget_plan, doc.budget_line, doc.participant) == (
		case.plan.name,
		case.line.name,
		case.plan.participant,
	)
	invoice = frappe.get_doc("Purchase Invoice", doc.purchase_invoice)
	assert invoice.docstatus == 0  # finance submits it
	assert (invoice.supplier, invoice.bill_no) == (case.supplier, doc.invoice_number)
	# 1,000 net + 25 % VAT: the budget pays what the supplier asks for
	assert [(item.budget_line, item.amount) for item in invoice.items] == [(case.line.name, 1250.0)]
	assert frappe.db.exists(
		"File", {"attached_to_doctype": "Purchase Invoice", "attached_to_name": invoice.name}
	)
	assert frappe.get_doc("File", {"file_url": doc.xml_file}).is_private


def test_a_reference_typed_loosely_still_finds_the_line(case):
	loose = case.reference.lower().replace("-", " ")
	doc = take(document(case, order_reference=None, buyer_reference=loose))
	assert doc.status == E.DRAFTED, doc.reason


def test_a_credit_note_returns_money_to_the_line(case):
	invoice_doc = take(document(case, number="F-100"))
	invoice = frappe.get_doc("Purchase Invoice", invoice_doc.purchase_invoice)
	invoice.submit()
	assert frappe.db.get_value("Budget Line", case.line.name, "invoiced_amount") == 1250

	credit = take(
		document(case, kind="CreditNote", number="K-100", billing_reference="F-100", amount="400.00")
	)

	assert credit.status == E.DRAFTED, credit.reason
	assert credit.credited_invoice == invoice.name
	returned = frappe.get_doc("Purchase Invoice", credit.purchase_invoice)
	assert returned.is_return and returned.return_against == invoice.name and returned.grand_total == -500
	returned.submit()
	assert frappe.db.get_value("Budget Line", case.line.name, "invoiced_amount") == 750


def test_a_credit_note_for_an_unknown_invoice_waits_for_finance(case):
	doc = take(document(case, kind="CreditNote", billing_reference="F-NOPE", amount="100.00"))
	assert doc.status == E.UNMATCHED and "F-NOPE" in doc.reason


@pytest.mark.parametrize(
	"change, words",
	[
		({"order_reference": None, "buyer_contact": None}, "no payment reference"),
		({"order_reference": rules.reference.generate(bytes(8))}, "No budget line has the payment reference"),
		({"buyer_gln": "5790000000005"}, "not one of the municipality's"),
		({"amount": "9000.00"}, "only"),
	],
)
def test_an_invoice_that_matches_no_line_waits_with_the_reason(case, change, words):
	doc = take(document(case, **change))
	assert doc.status == E.UNMATCHED and words in doc.reason, doc.reason
	assert not doc.purchase_invoice


def test_a_closed_line_or_another_supplier_is_refused_in_plain_words(case):
	frappe.db.set_value("Budget Line", case.line.name, "closed", 1)
	doc = take(document(case))
	assert doc.status == E.UNMATCHED and "closed" in doc.reason
	frappe.db.set_value("Budget Line", case.line.name, "closed", 0)
	other_cvr = valid_cvr()
	other = make_supplier(f"_Test Anden {other_cvr}")
	frappe.db.set_value("Supplier", other, "cvr_number", other_cvr)
	doc = take(document(case, supplier_cvr=other_cvr))
	assert doc.status == E.UNMATCHED and f"not {other}" in doc.reason


def test_a_supplier_without_its_cvr_number_gets_it_from_the_invoice_then_matched(case):
	frappe.db.set_value("Supplier", case.supplier, "cvr_number", None)
	cvr = valid_cvr()
	doc = take(document(case, supplier_cvr=cvr, supplier_name=case.supplier))
	assert doc.status == E.NEEDS_SUPPLIER and cvr in doc.reason
	assert not doc.participant  # not tied to the case before the supplier is known
	frappe.set_user(user("finance"))
	doc = frappe.get_doc("E-Invoice", doc.name)
	doc.run_method("onload")
	assert doc.get_onload().actions["supplier"]
	result = doc.create_supplier()
	assert result["supplier"] == case.supplier
	assert frappe.db.get_value("Supplier", case.supplier, "cvr_number") == cvr
	assert frappe.db.get_value("E-Invoice", doc.name, "status") == E.DRAFTED


def test_an_unknown_supplier_is_created_from_the_invoice(case):
	cvr = valid_cvr()
	doc = take(document(case, supplier_cvr=cvr, supplier_name="Ny Køreskole " + cvr))
	frappe.set_user(user("finance"))
	result = frappe.get_doc("E-Invoice", doc.name).create_supplier()
	assert frappe.db.get_value("Supplier", result["supplier"], "cvr_number") == cvr
	# A new supplier is not the one the line names: finance sees why.
	assert frappe.db.get_value("E-Invoice", doc.name, ["status", "reason"])[0] == E.UNMATCHED


def test_nothing_to_pay_an_invoice_already_registered_or_a_line_without_supplier(case):
	assert "above zero" in take(document(case, amount="0.00")).reason
	invoice = build_purchase_invoice(case.plan.name, case.line.name, 100)
	invoice.update({"bill_no": "F-HAND"})
	invoice.insert()
	doc = take(document(case, number="F-HAND"))
	assert doc.status == E.UNMATCHED and invoice.name in doc.reason
	frappe.db.set_value("Budget Line", case.line.name, "supplier", None)
	assert "names no registered supplier" in take(document(case)).reason


def test_a_credit_note_for_more_than_the_invoice_is_refused(case):
	invoice = frappe.get_doc("Purchase Invoice", take(document(case, number="F-200")).purchase_invoice)
	invoice.submit()
	credit = take(
		document(case, kind="CreditNote", number="K-200", billing_reference="F-200", amount="2000.00")
	)
	assert credit.status == E.UNMATCHED and "F-200" in credit.reason


def test_a_cancelled_draft_sends_its_e_invoice_back_to_the_queue(case):
	doc = take(document(case))
	frappe.delete_doc("Purchase Invoice", doc.purchase_invoice)
	assert frappe.db.get_value("E-Invoice", doc.name, ["status", "purchase_invoice"]) == (E.UNMATCHED, None)


def test_an_e_invoice_is_changed_by_its_actions_only(case):
	doc = take(document(case, order_reference=None, buyer_contact=None))
	frappe.set_user(user("finance"))
	doc = frappe.get_doc("E-Invoice", doc.name)
	doc.payable_amount = 1
	with pytest.raises(frappe.PermissionError):
		doc.save()
	# A stale copy (as a form sends it) cannot act twice: the stored record decides.
	first, second = frappe.get_doc("E-Invoice", doc.name), frappe.get_doc("E-Invoice", doc.name)
	first.reject("Not ours")
	with pytest.raises(frappe.PermissionError):
		second.forward("Too late")


def test_finance_matches_by_hand_rejects_or_forwards(case):
	unmatched = take(document(case, order_reference=None, buyer_contact=None))
	frappe.set_user(user("finance"))
	doc = frappe.get_doc("E-Invoice", unmatched.name)
	doc.match_to_line(case.reference.lower())
	assert frappe.db.get_value("E-Invoice", doc.name, "status") == E.DRAFTED
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("E-Invoice", doc.name).reject("Too late")  # drafted: no longer in the queue

	second = take(document(case, buyer_gln="5790000000005"))
	frappe.set_user(user("finance"))
	frappe.get_doc("E-Invoice", second.name).reject("Not addressed to us")
	assert frappe.db.get_value("E-Invoice", second.name, ["status", "decision_note"]) == (
		E.REJECTED,
		"Not addressed to us",
	)
	third = take(document(case, order_reference=None, buyer_contact=None))
	frappe.set_user(user("finance"))
	frappe.get_doc("E-Invoice", third.name).forward("An invoice for the job centre's own course")
	assert frappe.db.get_value("E-Invoice", third.name, "status") == E.FORWARDED
	# A caseworker sees the matched e-invoice of their citizen, and acts on none.
	frappe.set_user(user("caseworker_a"))
	assert frappe.has_permission("E-Invoice", "read", doc.name)
	assert not frappe.has_permission("E-Invoice", "read", third.name)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("E-Invoice", doc.name).try_again()


def test_the_same_invoice_twice_is_a_duplicate(case):
	content = document(case)
	first, second = take(content), take(content)
	assert first.status == E.DRAFTED
	assert second.status == E.DUPLICATE and second.duplicate_of == first.name and not second.purchase_invoice


@pytest.mark.parametrize(
	"name", ["not_xml", "not_ubl", "unknown_profile", "schema", "sums", "xxe", "billion_laughs"]
)
def test_bad_documents_are_refused_and_kept_for_audit(name):
	doc = take(bad(name))
	assert doc.status == E.REFUSED and doc.reason
	assert doc.xml_file and frappe.get_doc("File", {"file_url": doc.xml_file}).is_private


def test_a_zip_is_taken_in_document_by_document_and_a_zip_bomb_is_refused(case):
	upload = make_zip(
		{"a.xml": document(case), "b.xml": document(case, order_reference=None, buyer_contact=None)}
	)
	results = intake.take_in(upload, "invoices.zip", intake.UPLOAD)
	assert sorted(result["status"] for result in results) == [E.DRAFTED, E.UNMATCHED]
	(bomb,) = intake.take_in(make_zip_bomb(), "bomb.zip", intake.UPLOAD)
	assert bomb["status"] == E.REFUSED and "zip" in bomb["reason"]
	assert not frappe.db.get_value("E-Invoice", bomb["name"], "xml_file")


def test_a_desk_upload_is_taken_in_and_removed(case):
	frappe.set_user(user("finance"))
	file = frappe.get_doc(
		{"doctype": "File", "file_name": "upload.xml", "content": document(case), "is_private": 1}
	).insert()
	frappe.set_user(user("caseworker_a"))
	with pytest.raises(frappe.PermissionError):
		intake.take_in_file(file.name)
	frappe.set_user(user("finance"))
	(result,) = intake.take_in_file(file.name)
	assert result["status"] == E.DRAFTED
	assert not frappe.db.exists("File", file.name)


def test_a_mail_with_the_invoice_attached_reaches_the_inbox(case):
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "_Test E-Invoices " + frappe.generate_hash(length=5),
			"email_id": f"faktura-{frappe.generate_hash(length=5)}@example.com",
			"enable_incoming": 0,
			"receives_e_invoices": 1,
		}
	)
	account.flags.ignore_validate = True
	account.insert(ignore_permissions=True)
	message = email.mime.multipart.MIMEMultipart()
	message["From"] = "faktura@kursus.example.com"
	message["To"] = account.email_id
	message["Subject"] = "Faktura"
	message["Message-ID"] = f"<{frappe.generate_hash()}@kursus.example.com>"
	message.attach(email.mime.text.MIMEText("Se vedhæftede faktura."))
	attachment = email.mime.application.MIMEApplication(document(case), Name="faktura.xml")
	attachment["Content-Disposition"] = 'attachment; filename="faktura.xml"'
	message.attach(attachment)
	from frappe.email.receive import InboundMail

	InboundMail(message.as_bytes(), account).process()

	doc = frappe.get_last_doc("E-Invoice", filters={"source": intake.EMAIL})
	assert doc.status == E.DRAFTED and doc.budget_line == case.line.name, doc.reason


def test_the_citizens_portal_says_the_invoice_has_arrived(case):
	from borgerbudget.portal import get_payout_overview

	take(document(case))
	(line,) = get_payout_overview(case.plan.name)
	assert line["status"] == f"Invoice received from {case.supplier}"


# Over HTTP, committed: the access point's push, and the same document many times at once ------


@pytest.fixture(scope="module")
def pushed_case(site):
	frappe.set_user("Administrator")
	case = new_case(amount=40000)
	email_id = "bb-einvoice-ap@example.com"
	if not frappe.db.exists("User", email_id):
		frappe.get_doc(
			{"doctype": "User", "email": email_id, "first_name": "Access point", "send_welcome_email": 0}
		).insert()
	access_point = frappe.get_doc("User", email_id)
	access_point.add_roles("Borgerbudget E-Invoice Integration")
	access_point.api_key = access_point.api_key or frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	access_point.api_secret = secret
	access_point.save()
	frappe.db.commit()
	case.token = f"token {access_point.api_key}:{secret}"
	yield case
	frappe.set_user("Administrator")
	frappe.db.delete("E-Invoice", {"budget_plan": case.plan.name})
	frappe.db.delete("E-Invoice", {"supplier_cvr": case.cvr})
	remove_programme(case.programme)
	frappe.db.commit()


RECEIVE = "/api/method/borgerbudget.einvoice.intake.receive"


def push(server_url, site, token, body, headers=None):
	api = Api(server_url, site)
	return api.post(
		RECEIVE,
		data=body,
		headers={"Authorization": token, "Content-Type": "application/xml", **(headers or {})},
	)


def test_an_access_point_pushes_and_bad_input_is_never_a_server_error(pushed_case, server_url, site):
	response = push(server_url, site, pushed_case.token, document(pushed_case))
	assert response.status_code == 200, response.text
	(result,) = response.json()["message"]
	assert result["status"] == E.DRAFTED and set(result) == {"name", "status"}  # nothing of the case
	for body in (bad("not_xml"), bad("xxe"), bad("billion_laughs"), b"\x00" * 1000):
		response = push(server_url, site, pushed_case.token, body)
		assert response.status_code == 200 and response.json()["message"][0]["status"] == E.REFUSED
	response = push(server_url, site, pushed_case.token, b"<x/>" * (13 * 1024 * 1024))  # 52 MB
	assert response.status_code == 413
	response = push(server_url, site, pushed_case.token, make_zip_bomb())
	assert response.status_code == 200 and response.json()["message"][0]["status"] == E.REFUSED


def test_only_the_integration_and_finance_may_push(pushed_case, api):
	response = api("caseworker_a").post(
		RECEIVE, data=document(pushed_case), headers={"Content-Type": "application/xml"}
	)
	assert response.status_code == 403


def test_the_same_document_posted_twenty_times_at_once_gives_one_draft(pushed_case, server_url, site):
	content = document(pushed_case, number="SAME-" + frappe.generate_hash(length=5))
	start = threading.Barrier(20)
	answers = []

	def send():
		start.wait()
		answers.append(push(server_url, site, pushed_case.token, content))

	threads = [threading.Thread(target=send) for _ in range(20)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(120)
	assert [answer.status_code for answer in answers] == [200] * 20, [
		a.text[:300] for a in answers if not a.ok
	]
	statuses = sorted(answer.json()["message"][0]["status"] for answer in answers)
	assert statuses == [E.DRAFTED] + [E.DUPLICATE] * 19
	frappe.db.rollback()
	assert (
		frappe.db.count(
			"Purchase Invoice", {"supplier": pushed_case.supplier, "bill_no": content and ("like", "SAME-%")}
		)
		== 1
	)
