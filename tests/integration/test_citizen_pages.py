"""The citizen's own pages (/my-plan, /my-timeline) over HTTP as real users: every change goes
through borgerbudget.portal's whitelisted methods, and so through the plan's controller and the
permission rule, the same as the desk and REST."""

import json

import frappe
import pytest
from frappe.utils import add_days

from borgerbudget import rules
from borgerbudget.portal import CITIZEN_PAGES
from tests.integration import factories
from tests.integration.factories import make_enrolled, make_programme, plan_of, remove_programme, user

METHOD = "/api/method/borgerbudget.portal."
# The controls as the page's markup has them (the page's own script names them too).
LINE_FORM = '<form class="bb-step-form" id="bb-line-form"'
SUBMIT = "data-submit-plan aria-describedby"
ADD_LINE = "data-add-line>"


@pytest.fixture(scope="module")
def plans(site):
	"""Two enrolled citizens with portal logins, and a representative with the scope Read for the
	first (committed)."""
	frappe.set_user("Administrator")
	programme = make_programme(maximum_per_participant=50000, reimbursement_limit=1000)
	made = {
		key: plan_of(make_enrolled(programme, assigned_caseworker=user("caseworker_a"), user=user(key)))
		for key in ("citizen", "citizen_2")
	}
	frappe.get_doc(
		{
			"doctype": "Representative",
			"participant": made["citizen"].participant,
			"representative": user("representative_read"),
			"scope": rules.representation.READ,
			"legal_basis": rules.representation.POWER_OF_ATTORNEY,
			"basis_reference": "FM-TEST",
		}
	).insert()
	frappe.db.commit()
	yield frappe._dict(
		{key: plan.name for key, plan in made.items()}, course_start=made["citizen"].course_start_date
	)
	frappe.set_user("Administrator")
	frappe.db.rollback()
	for plan in made.values():
		for file in frappe.get_all("File", filters={"attached_to_name": plan.name}, pluck="name"):
			frappe.delete_doc("File", file, force=True)
	remove_programme(programme.name)
	frappe.db.commit()


def post(session, method, **args):
	return session.post(METHOD + method, json=args)


def message(response):
	"""The reason frappe gives for a refusal, as the page shows it."""
	body = response.json()
	return " ".join(json.loads(m)["message"] for m in json.loads(body.get("_server_messages") or "[]"))


def stored(plan):
	frappe.db.rollback()
	return frappe.get_doc("Budget Plan", plan)


def line(plans, **values):
	return {
		"description": "Truckcertifikat",
		"category": "Kursus / uddannelse",
		"amount": 4200,
		"need_date": str(add_days(plans.course_start, 10)),
		"payment_route": rules.plan.SUPPLIER_INVOICE,
		"supplier_text": "Aarhus Truckskole",
		"theory_of_change": "Lagrene i byen spørger efter truckcertifikat.",
		**values,
	}


def test_the_pages_are_listed_for_the_accessibility_tests():
	assert {"/my-plan", "/my-timeline", "/my-money", "/my-change"} <= set(CITIZEN_PAGES)


def test_the_portal_menu_leads_to_the_plan_and_its_changes(api):
	menu = api("citizen").get("/me").text
	for route in ("/my-plan", "/my-change", "/my-data"):
		assert f'href="{route}"' in menu, route


def test_the_citizen_sees_their_plan_as_cards_with_a_step_by_step_form(plans, api):
	citizen = api("citizen")
	page = citizen.get("/my-plan")
	assert page.status_code == 200, page.text
	assert plans.citizen in page.text and LINE_FORM in page.text
	assert citizen.get("/my-timeline").status_code == 200
	assert api("citizen_2").get("/my-plan").text.count(plans.citizen) == 0


def test_bad_input_gets_a_clear_message_and_nothing_half_saved(plans, api):
	citizen = api("citizen")
	before = stored(plans.citizen)
	refusals = {
		"must be a number": post(
			citizen, "save_plan_line", plan=plans.citizen, line=line(plans, amount="mange")
		),
		"over the programme's maximum": post(
			citizen, "save_plan_line", plan=plans.citizen, line=line(plans, amount=60000)
		),
		"outside the course period": post(
			citizen,
			"save_plan_line",
			plan=plans.citizen,
			line=line(plans, need_date=str(add_days(plans.course_start, -400))),
		),
		"at most": post(
			citizen,
			"save_plan_line",
			plan=plans.citizen,
			line=line(plans, payment_route=rules.plan.REIMBURSEMENT, amount=5000),
		),
		"cannot be changed here": post(
			citizen, "save_plan_line", plan=plans.citizen, line=line(plans, approved=1)
		),
		"cannot be changed here: comment_for_citizen": post(
			citizen,
			"save_plan_parts",
			plan=plans.citizen,
			parts={"motivation": "Halvt gemt?", "comment_for_citizen": "Godkendt!"},
		),
	}
	for expected, response in refusals.items():
		assert response.status_code == 417, (expected, response.text)
		assert expected in message(response), (expected, message(response))
	after = stored(plans.citizen)
	assert (len(after.lines), after.motivation, after.comment_for_citizen) == (
		len(before.lines),
		before.motivation,
		before.comment_for_citizen,
	)


def test_another_citizen_is_refused(plans, api):
	other = api("citizen_2")
	assert other.get("/my-plan", params={"plan": plans.citizen}).status_code == 403
	assert other.get("/my-timeline", params={"plan": plans.citizen}).status_code == 403
	for method, args in (
		("save_plan_line", {"line": line(plans)}),
		("save_plan_parts", {"parts": {"motivation": "Hacked"}}),
		("remove_plan_line", {"line_name": "x"}),
		("submit_plan", {}),
	):
		assert post(other, method, plan=plans.citizen, **args).status_code == 403, method
	assert stored(plans.citizen).motivation != "Hacked"


def test_a_read_representative_sees_the_plan_without_controls_and_is_refused_writes(plans, api):
	helper = api("representative_read")
	page = helper.get("/my-plan")
	assert page.status_code == 200, page.text
	assert plans.citizen in page.text
	assert LINE_FORM not in page.text and SUBMIT not in page.text
	response = post(helper, "save_plan_parts", plan=plans.citizen, parts={"motivation": "Ændret"})
	assert response.status_code == 403
	response = post(helper, "save_plan_line", plan=plans.citizen, line=line(plans))
	assert response.status_code == 403
	assert stored(plans.citizen).motivation != "Ændret"


def upload_quote(session, plan, name):
	response = session.post(
		"/api/method/upload_file",
		data={"doctype": "Budget Plan", "docname": plan, "is_private": 1},
		files={"file": (name, b"%PDF-1.4 " + frappe.generate_hash().encode(), "application/pdf")},
	)
	assert response.status_code == 200, response.text
	return response.json()["message"]["file_url"]


def test_the_citizen_writes_the_four_parts_adds_and_edits_lines_and_submits(plans, api):
	citizen = api("citizen")
	parts = {
		"motivation": "Jeg vil arbejde på et lager.",
		"goals": [{"goal": "Job på et lager"}, {"goal": "Kørekort", "how_to_measure": "Bestået prøve"}],
		"strategy_continue": "Løbe om morgenen",
		"strategy_stop": "Sove længe",
		"strategy_start": "Søge to job om ugen",
	}
	for part in (
		{"motivation": parts["motivation"]},
		{"goals": parts["goals"]},
		{key: parts[key] for key in ("strategy_continue", "strategy_stop", "strategy_start")},
	):
		response = post(citizen, "save_plan_parts", plan=plans.citizen, parts=part)
		assert response.status_code == 200, response.text
	# Not complete yet: no budget line. The page says what is missing; the server refuses.
	assert SUBMIT not in citizen.get("/my-plan").text
	response = post(citizen, "submit_plan", plan=plans.citizen)
	assert response.status_code == 417 and "budget line" in message(response)

	quote = upload_quote(citizen, plans.citizen, "tilbud.pdf")
	response = post(
		citizen, "save_plan_line", plan=plans.citizen, line=line(plans, quote=quote, goal="Job på et lager")
	)
	assert response.status_code == 200, response.text
	first = response.json()["message"]
	response = post(
		citizen,
		"save_plan_line",
		plan=plans.citizen,
		line=line(plans, description="Buskort", amount=600, payment_route=rules.plan.REIMBURSEMENT, parked=1),
	)
	assert response.status_code == 200, response.text
	response = post(
		citizen, "save_plan_line", plan=plans.citizen, line_name=first, line={"amount": "4500.50"}
	)
	assert response.status_code == 200, response.text

	plan = stored(plans.citizen)
	assert [(row.description, row.amount, row.parked) for row in plan.lines] == [
		("Truckcertifikat", 4500.5, 0),
		("Buskort", 600, 1),
	]
	assert plan.total_amount == 5100.5 and [goal.goal for goal in plan.goals] == [
		"Job på et lager",
		"Kørekort",
	]
	file = frappe.get_doc("File", {"file_url": plan.lines[0].quote})
	assert (file.is_private, file.attached_to_name) == (1, plans.citizen)

	page = citizen.get("/my-plan").text
	assert SUBMIT in page and "Aarhus Truckskole" in page and quote in page
	timeline = citizen.get("/my-timeline").text
	assert "Truckcertifikat" in timeline and "Buskort" in timeline

	response = post(citizen, "submit_plan", plan=plans.citizen)
	assert response.status_code == 200, response.text
	assert stored(plans.citizen).status == rules.plan.SUBMITTED
	# Submitted: locked, on this route as on every other.
	response = post(citizen, "save_plan_parts", plan=plans.citizen, parts={"motivation": "Ændret bagefter"})
	assert response.status_code == 417 and "cannot be changed" in message(response)
	assert ADD_LINE not in citizen.get("/my-plan").text
	# Successes and frustrations are the Randers follow-up's: still written after submitting.
	response = post(
		citizen, "save_plan_parts", plan=plans.citizen, parts={"successes": "Jeg kom op hver dag."}
	)
	assert response.status_code == 200, response.text


@pytest.fixture
def advance(site):
	"""An approved plan of the citizen with a bus card advanced to them and paid (committed)."""
	from borgerbudget import accounting
	from tests.integration.factories import approved_plan

	frappe.set_user("Administrator")
	programme = make_programme()
	plan = approved_plan(
		programme,
		lines=[
			{
				"description": "Buskort",
				"amount": 600,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			}
		],
		user=user("citizen"),
	)
	frappe.set_user(user("caseworker_a"))
	doc = frappe.get_doc(
		{
			"doctype": "Budget Advance",
			"budget_plan": plan.name,
			"budget_line": plan.lines[0].name,
			"amount": 600,
		}
	).insert()
	frappe.set_user(user("finance"))
	payment = accounting.make_advance_payment(doc.name)
	payment.insert()
	payment.submit()
	frappe.set_user("Administrator")
	frappe.db.commit()
	yield frappe._dict(plan=plan.name, advance=doc.name)
	frappe.set_user("Administrator")
	frappe.db.rollback()
	remove_programme(programme.name)
	frappe.db.commit()


def test_the_citizen_adds_a_receipt_on_the_money_page(advance, api):
	citizen, other = api("citizen"), api("citizen_2")
	page = citizen.get("/my-money", params={"plan": advance.plan})
	assert page.status_code == 200, page.text
	assert "Buskort" in page.text and f'data-advance="{advance.advance}"' in page.text
	assert other.get("/my-money", params={"plan": advance.plan}).status_code == 403
	# The plan's card links to it.
	assert "/my-money?plan=" in citizen.get("/my-plan", params={"plan": advance.plan}).text

	response = citizen.post(
		"/api/method/upload_file",
		data={"doctype": "Budget Advance", "docname": advance.advance, "is_private": 1},
		files={"file": ("kvittering.pdf", b"%PDF-1.4 " + frappe.generate_hash().encode(), "application/pdf")},
	)
	assert response.status_code == 200, response.text
	receipt = {
		"receipt_date": frappe.utils.today(),
		"description": "Buskort for en måned",
		"amount": "450",
		"attachment": response.json()["message"]["file_url"],
	}
	future = {**receipt, "receipt_date": str(add_days(frappe.utils.today(), 3))}
	response = post(citizen, "add_receipt", budget_advance=advance.advance, receipt=future)
	assert response.status_code == 417 and "in the future" in message(response)
	response = post(
		citizen, "add_receipt", budget_advance=advance.advance, receipt={**receipt, "amount": "mange"}
	)
	assert response.status_code == 417 and "must be a number" in message(response), message(response)
	assert post(other, "add_receipt", budget_advance=advance.advance, receipt=receipt).status_code == 403
	frappe.db.rollback()
	assert not frappe.get_doc("Budget Advance", advance.advance).receipts

	response = post(citizen, "add_receipt", budget_advance=advance.advance, receipt=receipt)
	assert response.status_code == 200, response.text
	frappe.db.rollback()
	doc = frappe.get_doc("Budget Advance", advance.advance)
	assert [(row.description, row.amount) for row in doc.receipts] == [("Buskort for en måned", 450)]
	assert "Buskort for en måned" in citizen.get("/my-money", params={"plan": advance.plan}).text


def fields_of(response):
	"""The fields the server names in its refusal: [(doctype or None, fieldname)]."""
	body = response.json()
	return [
		(field.get("doctype"), field["fieldname"])
		for m in json.loads(body.get("_server_messages") or "[]")
		for field in json.loads(m).get("fields") or []
	]


def test_a_refusal_names_the_field_it_is_about(plans, api):
	"""The step form shows a refusal at its question: the server names the field, structured."""
	citizen = api("citizen_2")  # whose plan is still a draft
	cases = {
		("Budget Line", "amount"): line(plans, amount=60000),  # over the maximum
		("Budget Line", "need_date"): line(plans, need_date=str(add_days(plans.course_start, -400))),
		("Budget Line", "payment_route"): line(plans, payment_route=rules.plan.REIMBURSEMENT, amount=5000),
		(None, "amount"): line(plans, amount="mange"),  # refused before any document holds it
		("Budget Line", "description"): line(plans, description=""),  # frappe's own mandatory check
	}
	for expected, values in cases.items():
		response = post(citizen, "save_plan_line", plan=plans.citizen_2, line=values)
		assert response.status_code == 417, (expected, response.text)
		assert expected in fields_of(response), (expected, response.text)


@pytest.fixture(scope="module")
def approved(site):
	"""An approved plan of the citizen (a course and a bus card), and a representative with the scope
	Read for it (committed)."""
	from tests.integration.factories import approved_plan

	frappe.set_user("Administrator")
	programme = make_programme(maximum_per_participant=20000, reimbursement_limit=1000)
	plan = approved_plan(
		programme,
		lines=factories.course_and_bus_card(),
		user=user("citizen"),
	)
	frappe.get_doc(
		{
			"doctype": "Representative",
			"participant": plan.participant,
			"representative": user("representative_read"),
			"scope": rules.representation.READ,
			"legal_basis": rules.representation.POWER_OF_ATTORNEY,
			"basis_reference": "FM-TEST-2",
		}
	).insert()
	frappe.db.commit()
	yield frappe._dict(
		plan=plan.name,
		lines={row.description: row.name for row in plan.lines},
		course_start=plan.course_start_date,
	)
	frappe.set_user("Administrator")
	frappe.db.rollback()
	remove_programme(programme.name)
	frappe.db.commit()


def requests_of(plan):
	frappe.db.rollback()
	return frappe.get_all(
		"Budget Plan Amendment",
		filters={"budget_plan": plan},
		fields=["name", "status", "reason", "owner", "docstatus"],
		order_by="creation asc",
	)


def changes_of(name):
	return [
		(c.change, c.description, c.old_amount, c.new_amount)
		for c in frappe.get_doc("Budget Plan Amendment", name).changes
	]


CHANGE_FORM = '<form class="bb-step-form" id="bb-change-form"'


def test_the_citizen_asks_for_a_change_on_their_own_page(plans, approved, api):
	citizen = api("citizen")
	page = citizen.get("/my-change", params={"plan": approved.plan})
	assert page.status_code == 200, page.text
	assert CHANGE_FORM in page.text and "Buskort" in page.text
	assert "You have not asked for a change." in page.text
	# The plan's page and the old web form lead here.
	assert f"/my-change?plan={approved.plan}" in citizen.get("/my-plan", params={"plan": approved.plan}).text
	old = citizen.get("/plan-change/new", params={"budget_plan": approved.plan})
	assert old.url.endswith(f"/my-change?plan={approved.plan}"), old.url
	# A plan that is not approved: the page says when a change can be asked for, and offers no form.
	draft = citizen.get("/my-change", params={"plan": plans.citizen}).text
	assert "You can ask for a change when your plan is approved." in draft and CHANGE_FORM not in draft
	response = post(citizen, "ask_for_change", plan=plans.citizen, change={"action": "other", "reason": "x"})
	assert response.status_code == 417 and "Only an approved plan" in message(response), response.text

	# Bad input: a clear message naming the field, and nothing saved.
	before = len(requests_of(approved.plan))
	bus = {"action": "amount", "line": approved.lines["Buskort"]}
	refusals = {
		("must be a number", (None, "amount")): {**bus, "amount": "mange", "reason": "Dyrere"},
		("over the programme's maximum", ("Budget Line", "amount")): {
			"action": "amount",
			"line": approved.lines["Truckkursus"],
			"amount": 30000,
			"reason": "Dyrere",
		},
		("at most", ("Budget Line", "payment_route")): {**bus, "amount": 1500, "reason": "Dyrere"},
		("Why the Plan Should Change", ("Budget Plan Amendment", "reason")): {**bus, "amount": 900},
		# A new expense needs what a budget line requires, or it would fail when approved.
		("A new expense needs: Category, Expected Need Date", ("Budget Plan Amendment Line", "category")): {
			"action": "add",
			"description": "Sko",
			"amount": 500,
			"reason": "Til lageret",
		},
		("Theory of Change", ("Budget Plan Amendment Line", "theory_of_change")): {
			"action": "add",
			"description": "Sko",
			"category": "Andre udgifter",
			"need_date": str(add_days(approved.course_start, 5)),
			"amount": 500,
			"reason": "Til lageret",
		},
		("Choose what you want to change", None): {"action": "guess", "reason": "x"},
		("cannot be changed here: approved", None): {**bus, "amount": 900, "reason": "x", "approved": 1},
	}
	for (expected, field), change in refusals.items():
		response = post(citizen, "ask_for_change", plan=approved.plan, change=change)
		assert response.status_code == 417, (expected, response.text)
		assert expected in message(response), (expected, message(response))
		if field:
			assert field in fields_of(response), (expected, fields_of(response))
	response = post(citizen, "ask_for_change", plan=approved.plan, change={**bus, "line": "x", "reason": "x"})
	assert response.status_code == 404
	assert len(requests_of(approved.plan)) == before

	# Three requests: a new amount, a new expense, and something else in the citizen's own words.
	for change in (
		{**bus, "amount": "900", "reason": "Buskortet er blevet dyrere."},
		{
			"action": "add",
			"line": "",
			"description": "Sikkerhedssko",
			"category": "Andre udgifter",
			"amount": "700",
			"need_date": str(add_days(approved.course_start, 5)),
			"payment_route": rules.plan.SUPPLIER_INVOICE,
			"supplier_text": "Skobutikken",
			"theory_of_change": "Lageret kræver sikkerhedssko.",
			"reason": "Jeg har fået job på et lager.",
		},
		{"action": "other", "line": "", "reason": "Jeg vil tale om kurset."},
	):
		response = post(citizen, "ask_for_change", plan=approved.plan, change=change)
		assert response.status_code == 200, response.text
	made = requests_of(approved.plan)
	assert [(r.status, r.docstatus, r.owner) for r in made] == [
		(rules.amendment.DRAFT, 0, user("citizen"))
	] * 3
	assert changes_of(made[0].name) == [(rules.amendment.CHANGED, "Buskort", 600, 900)]
	assert changes_of(made[1].name) == [(rules.amendment.ADDED, "Sikkerhedssko", 0, 700)]
	assert changes_of(made[2].name) == []
	new_line = frappe.get_doc("Budget Plan Amendment", made[1].name).lines[-1]
	assert (new_line.category, new_line.supplier_text, str(new_line.need_date)) == (
		"Andre udgifter",
		"Skobutikken",
		str(add_days(approved.course_start, 5)),
	)
	# The caseworker has it in their list, as from every other route.
	assert frappe.db.exists("ToDo", {"reference_name": made[0].name, "allocated_to": user("caseworker_a")})

	page = citizen.get("/my-change", params={"plan": approved.plan}).text
	assert page.count('class="bb-card"') == 3
	assert "Sent. Your caseworker will go through it with you." in page
	assert "Buskortet er blevet dyrere." in page and "Sikkerhedssko" in page
	assert "Your caseworker writes it with you." in page  # the request without lines

	# A decided change reads as decided.
	frappe.db.set_value(
		"Budget Plan Amendment", made[2].name, {"status": rules.plan.REJECTED, "docstatus": 1}
	)
	frappe.db.commit()
	assert (
		"Not approved. Your plan stays as it is."
		in citizen.get("/my-change", params={"plan": approved.plan}).text
	)


def test_others_are_refused_a_change(approved, api):
	change = {"action": "amount", "line": approved.lines["Buskort"], "amount": 800, "reason": "Hacked"}
	before = len(requests_of(approved.plan))
	other = api("citizen_2")
	assert other.get("/my-change", params={"plan": approved.plan}).status_code == 403
	assert post(other, "ask_for_change", plan=approved.plan, change=change).status_code == 403
	# A representative with the scope Read sees the page without the form, and is refused.
	helper = api("representative_read")
	page = helper.get("/my-change", params={"plan": approved.plan})
	assert page.status_code == 200, page.text
	assert CHANGE_FORM not in page.text and "You can see the changes, but not ask for one." in page.text
	assert post(helper, "ask_for_change", plan=approved.plan, change=change).status_code == 403
	assert len(requests_of(approved.plan)) == before
