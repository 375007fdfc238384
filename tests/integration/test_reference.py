"""The reference a supplier puts on the invoice: payment references on approved supplier lines, the
municipality's EAN location number, the supplier's CVR number and the requisition sent to it."""

import random
from email import message_from_string

import frappe
import pytest
from frappe.utils import fmt_money

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.budget_plan import budget_plan as budget_plan_module
from borgerbudget.borgerbudget.doctype.budget_plan.budget_plan import send_requisition
from borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment import make_amendment
from borgerbudget.borgerbudget.doctype.budget_programme.budget_programme import municipality_glns
from tests.integration.factories import (
	approved_plan,
	budget_line,
	make_programme,
	make_supplier,
	random_cpr,
	user,
)

GLN = "5798009999993"
REQUISITION = "Supplier Requisition"


def random_gln():
	digits = "579800" + f"{random.randrange(10**6):06d}"
	return digits + rules.reference.gln_check_digit(digits)


def random_cvr():
	while True:
		digits = str(random.randrange(1, 10)) + f"{random.randrange(10**6):06d}"
		total = sum(w * int(d) for w, d in zip(rules.reference.CVR_WEIGHTS, digits))
		if -total % 11 < 10:
			return digits + str(-total % 11)


def supplier_with_email():
	"""A supplier whose primary contact has a unique address: (name, address)."""
	email = f"orders-{frappe.generate_hash(length=8)}@koereskole.example"
	name = make_supplier("_Test Køreskole " + frappe.generate_hash(length=6))
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Ordre",
			"is_primary_contact": 1,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Supplier", "link_name": name}],
		}
	).insert()
	return name, email


@pytest.fixture
def programme():
	return make_programme(ean_location_number=GLN, amendment_green_threshold=2000)


@pytest.fixture
def supplier_and_email():
	return supplier_with_email()


@pytest.fixture
def supplier(supplier_and_email):
	return supplier_and_email[0]


def emails_to(address):
	return frappe.get_all("Email Queue Recipient", filters={"recipient": address}, pluck="parent")


@pytest.fixture
def cpr():
	return random_cpr()


@pytest.fixture
def plan(programme, supplier, cpr):
	return approved_plan(
		programme,
		lines=[
			{"description": "Truck licence", "amount": 9000, "supplier": supplier},
			{"description": "Welding course", "amount": 3000, "supplier_text": "Svejseskolen"},
			{
				"description": "Bus card",
				"amount": 800,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			},
		],
		cpr_number=cpr,
	)


def line(plan, description):
	return next(row for row in plan.lines if row.description == description)


def reload(doc):
	return frappe.get_doc(doc.doctype, doc.name)


def test_an_approved_supplier_line_gets_a_reference_and_a_reimbursement_line_does_not(plan):
	truck = line(plan, "Truck licence")
	assert rules.reference.normalise(truck.payment_reference) == truck.payment_reference
	assert not line(plan, "Bus card").payment_reference
	# Every approved supplier line has its own, whether its supplier is registered or not yet.
	references = [row.payment_reference for row in plan.lines if row.payment_reference]
	assert len(references) == len(set(references)) == 2

	# It is the line's for good: saving again keeps it.
	plan.save()
	assert line(reload(plan), "Truck licence").payment_reference == truck.payment_reference


def test_a_plan_not_yet_approved_has_no_references(programme):
	from tests.integration.factories import submitted_plan

	plan = submitted_plan(programme)
	assert not any(row.payment_reference for row in plan.lines)


def test_a_supplier_line_added_by_an_approved_change_gets_a_reference(plan):
	frappe.set_user(user("caseworker_a"))
	amendment = make_amendment(plan.name)
	amendment.reason = "A safety course is required too."
	amendment.append(
		"lines", budget_line(plan, description="Safety course", amount=1500, goal="A job in a warehouse")
	)
	amendment.insert()
	amendment.submit()
	frappe.set_user("Administrator")

	plan = reload(plan)
	added = line(plan, "Safety course")
	assert added.approved and rules.reference.normalise(added.payment_reference) == added.payment_reference
	assert added.payment_reference != line(plan, "Truck licence").payment_reference


def test_the_database_refuses_a_duplicate_reference(plan):
	columns = frappe.db.sql(
		"""select column_name from information_schema.statistics
		where table_schema = database() and table_name = 'tabBudget Line' and non_unique = 0
		and column_name = 'payment_reference'""",
		pluck=True,
	)
	assert columns
	other = next(row for row in plan.lines if row.payment_reference and row.description != "Truck licence")
	with pytest.raises(Exception) as error:
		frappe.db.set_value(
			"Budget Line", other.name, "payment_reference", line(plan, "Truck licence").payment_reference
		)
	assert frappe.db.is_unique_key_violation(error.value)


def test_a_reference_that_is_taken_is_drawn_again(plan, monkeypatch):
	frappe.db.set_value(
		"Budget Line",
		line(plan, "Truck licence").name,
		"payment_reference",
		rules.reference.generate(b"taken..!"),
	)
	draws = iter([b"taken..!", b"free...!"])
	monkeypatch.setattr(budget_plan_module.secrets, "token_bytes", lambda n: next(draws))
	assert budget_plan_module.new_payment_reference() == rules.reference.generate(b"free...!")


def test_the_patch_gives_approved_supplier_lines_without_one_a_reference(plan):
	from borgerbudget.patches import set_payment_references

	truck = line(plan, "Truck licence")
	frappe.db.set_value("Budget Line", truck.name, "payment_reference", None)
	set_payment_references.execute()
	reference = frappe.db.get_value("Budget Line", truck.name, "payment_reference")
	assert rules.reference.normalise(reference) == reference
	assert not frappe.db.get_value("Budget Line", line(plan, "Bus card").name, "payment_reference")


def test_the_ean_location_number_must_have_a_valid_check_digit():
	with pytest.raises(frappe.ValidationError, match=r"EAN location number .*5798009999994.* is not valid"):
		make_programme(ean_location_number="5798009999994")
	with pytest.raises(frappe.ValidationError):
		make_programme(ean_location_number="579800999999")
	gln = random_gln()
	programme = make_programme(ean_location_number=" ".join([gln[:4], gln[4:8], gln[8:]]))
	assert programme.ean_location_number == gln
	assert gln in municipality_glns()
	assert "" not in municipality_glns() and None not in municipality_glns()


def test_the_supplier_cvr_number_is_checked_and_unique():
	def supplier(cvr):
		return frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": "_Test CVR " + frappe.generate_hash(length=6),
				"supplier_group": "Services",
				"cvr_number": cvr,
			}
		)

	cvr = random_cvr()
	wrong = cvr[:-1] + str((int(cvr[-1]) + 1) % 10)
	with pytest.raises(frappe.ValidationError, match=f"CVR number .*{wrong}.* is not valid"):
		supplier(wrong).insert()
	with pytest.raises(frappe.ValidationError):
		supplier("1234567").insert()
	assert supplier(f"DK {cvr[:4]} {cvr[4:]}").insert().cvr_number == cvr
	with pytest.raises(frappe.UniqueValidationError):
		supplier(cvr).insert()
	# A supplier without one is fine, and several may have none.
	supplier("").insert()
	supplier(None).insert()


def test_the_requisition_shows_the_reference_and_the_maximum_and_nothing_about_the_citizen(plan, cpr):
	truck = line(plan, "Truck licence")
	html = frappe.get_print("Budget Plan", plan.name, REQUISITION)

	assert truck.payment_reference in html
	assert fmt_money(truck.remaining_amount, currency=plan.currency) in html
	assert GLN in html and "OrderReference/ID" in html
	assert frappe.db.get_value("Supplier", truck.supplier, "supplier_name") in html
	# One page per approved supplier line; the reimbursement line is not a requisition.
	assert (
		line(plan, "Welding course").payment_reference in html and html.count('<div class="requisition') == 2
	)
	assert "Bus card" not in html
	participant = frappe.get_doc("Participant", plan.participant)
	for secret in (cpr, cpr.replace("-", ""), participant.full_name, participant.benefit_type):
		assert secret not in html


def test_the_requisition_of_one_line_shows_only_that_line(plan):
	truck, welding = line(plan, "Truck licence"), line(plan, "Welding course")
	plan.flags.requisition_line = truck.name
	html = frappe.get_print("Budget Plan", plan.name, REQUISITION, doc=plan)
	assert truck.payment_reference in html and welding.payment_reference not in html


def test_send_requisition_mails_the_supplier_the_requisition_of_one_line(plan, supplier_and_email):
	_supplier, address = supplier_and_email
	truck = line(plan, "Truck licence")
	# wkhtmltopdf fetches the print's stylesheets from the site's own address, which a test site has
	# no DNS for: the requisition is attached as HTML here, and as a PDF on a site that is served.
	frappe.db.set_single_value("Print Settings", "send_print_as_pdf", 0)
	frappe.set_user(user("caseworker_a"))

	assert send_requisition(plan.name, truck.name) == address

	frappe.set_user("Administrator")
	[queued] = emails_to(address)
	email = frappe.get_doc("Email Queue", queued)
	assert (email.reference_doctype, email.reference_name) == ("Budget Plan", plan.name)
	# The message is queued whole, with the requisition of this one line attached.
	parts = {
		part.get_filename(): part.get_payload(decode=True).decode()
		for part in message_from_string(email.message).walk()
		if part.get_filename()
	}
	requisition = parts[f"{truck.payment_reference}.html"]
	assert truck.payment_reference in requisition
	assert line(plan, "Welding course").payment_reference not in requisition
	assert truck.payment_reference in email.message
	assert frappe.db.exists(
		"Comment", {"reference_name": plan.name, "content": ("like", f"%{truck.payment_reference}%")}
	)


def test_send_requisition_is_refused_to_those_who_are_not_the_citizens_caseworkers(
	programme, supplier_and_email
):
	supplier, address = supplier_and_email
	plan = approved_plan(
		programme,
		lines=[{"description": "Truck licence", "amount": 9000, "supplier": supplier}],
		user=user("citizen"),
	)
	truck = line(plan, "Truck licence")
	for key in ("citizen", "caseworker_b"):
		frappe.set_user(user(key))
		with pytest.raises(frappe.PermissionError):
			send_requisition(plan.name, truck.name)
	frappe.set_user("Administrator")
	assert not emails_to(address)


def test_send_requisition_needs_an_approved_supplier_line_with_a_supplier(plan, programme):
	frappe.set_user(user("caseworker_a"))
	with pytest.raises(frappe.ValidationError, match="approved supplier line"):
		send_requisition(plan.name, line(plan, "Bus card").name)
	unregistered = line(plan, "Welding course")
	with pytest.raises(frappe.ValidationError, match="register the supplier"):
		send_requisition(plan.name, unregistered.name)


def test_the_form_is_told_which_lines_can_have_a_requisition(plan):
	frappe.set_user(user("caseworker_a"))
	doc = reload(plan)
	doc.run_method("onload")
	onload = doc.get_onload()
	assert line(plan, "Truck licence").name in onload.requisition_lines
	assert line(plan, "Bus card").name not in onload.requisition_lines
	assert onload.can_send_requisition


def test_the_demo_programmes_ean_is_valid_and_its_suppliers_can_be_sent_a_requisition():
	from borgerbudget.borgerbudget.doctype.budget_plan.budget_plan import supplier_email
	from borgerbudget.setup import demo

	assert rules.reference.valid_gln(demo.JOBCENTER_GLN)
	assert all(data["ean_location_number"] == demo.JOBCENTER_GLN for data in demo.PROGRAMMES)
	name = demo.make_supplier("_Test Demo Supplier " + frappe.generate_hash(length=6))
	assert supplier_email(name).startswith("faktura@test-demo-supplier-")
