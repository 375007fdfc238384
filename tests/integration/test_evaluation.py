"""The programme's evaluation (issue 6): every report figure checked against values computed by hand
on a small programme, and the research export free of CPR numbers and names."""

import re

import frappe
import pytest
from frappe.client import validate_link
from frappe.desk.query_report import run
from frappe.desk.search import search_link
from frappe.utils import add_days, today

from borgerbudget import accounting, cpr_vault, evaluation, rules
from tests.integration.factories import approved_plan, make_participant, make_programme, make_supplier, user

COURSE, TRANSPORT = "Kursus / uddannelse", "Transport"


def terminate(plan, reason, outcome):
	frappe.set_user(user("caseworker_a"))
	frappe.get_doc(
		{
			"doctype": "Course Termination",
			"participant": plan.participant,
			"reason": reason,
			"outcome": outcome,
		}
	).insert().submit()


def follow_up(plan, days_ago, verdicts, **scores):
	"""A follow-up of `plan`; `verdicts` maps a line's description to whether its theory held."""
	frappe.set_user(user("caseworker_a"))
	doc = frappe.get_doc(
		{
			"doctype": "Follow-up",
			"participant": plan.participant,
			"follow_up_date": add_days(today(), -days_ago),
			**scores,
		}
	)
	doc.insert()
	for row in doc.lines:
		row.theory_of_change_held = verdicts.get(row.description, "")
	doc.save()


@pytest.fixture
def programme():
	"""By hand:
	A: course 6,000 (invoiced in full) + bus 1,000; in the cohort; ended in a job.
	B: course 3,000; ended after 6 months, still on benefits.
	C: course 2,000; in the cohort; in course; quality of life 2 → 4, self-determination 3 → 3.
	A draw of three screened citizens offers one place; the two others are the control group,
	one in education at the end and one still on benefits."""
	frappe.set_user("Administrator")
	supplier = make_supplier("_Test Køreskole")
	programme = make_programme(reference_rate=14, yearly_saving_per_person=200000, yearly_capacity=10)
	a = approved_plan(
		programme,
		lines=[
			{"description": "Truck course", "amount": 6000, "category": COURSE, "supplier": supplier},
			{
				"description": "Bus card",
				"amount": 1000,
				"category": TRANSPORT,
				"payment_route": rules.plan.REIMBURSEMENT,
			},
		],
	)
	b = approved_plan(
		programme, lines=[{"description": "Welding course", "amount": 3000, "category": COURSE}]
	)
	c = approved_plan(programme, lines=[{"description": "IT course", "amount": 2000, "category": COURSE}])
	frappe.set_user("Administrator")
	frappe.get_doc(
		{
			"doctype": "Cohort",
			"cohort_name": "_Test Evaluation Cohort " + frappe.generate_hash(length=6),
			"programme": programme.name,
			"kick_off_date": today(),
			"participants": [{"participant": a.participant}, {"participant": c.participant}],
		}
	).insert()

	frappe.set_user(user("finance"))
	invoice = accounting.make_purchase_invoice(a.name, a.lines[0].name, 6000)
	invoice.insert()
	invoice.submit()

	follow_up(a, 30, {"Truck course": "Too early", "Bus card": "Not"})
	follow_up(a, 1, {"Truck course": "Achieved"})
	follow_up(c, 20, {"IT course": "Partly"}, quality_of_life="2", self_determination="3")
	follow_up(c, 2, {}, quality_of_life="4", self_determination="3")
	terminate(a, "Ordinary employment", "Job")
	terminate(b, "6 months without employment or substantial change", "Still on benefits")

	frappe.set_user("Administrator")
	pool = [make_participant(programme, screening_assessment="Suitable").name for _ in range(3)]
	frappe.set_user(user("admin"))
	frappe.get_doc(
		{"doctype": "Draw", "programme": programme.name, "places": 1, "seed": "evaluation"}
	).insert().submit()
	frappe.set_user("Administrator")
	control = [name for name in pool if frappe.db.get_value("Participant", name, "control_group_draw")]
	for name, outcome in zip(control, ("Education", "Still on benefits")):
		frappe.db.set_value(
			"Participant", name, {"control_outcome": outcome, "control_outcome_date": today()}
		)
	programme.plans = {"A": a, "B": b, "C": c}
	programme.control = control
	return programme


def report(name, programme, **filters):
	frappe.set_user(user("auditor"))
	return run(name, filters={"programme": programme.name, **filters})


def test_participants_by_stage(programme):
	counts = evaluation.stage_counts({"programme": programme.name})
	assert {stage: count for stage, count in counts.items() if count} == {
		rules.evaluation.IN_COURSE: 1,
		rules.evaluation.COURSE_ENDED: 2,
		rules.evaluation.CONTROL_GROUP: 2,
		rules.intake.OFFERED: 1,
	}
	result = report("Participants by Stage", programme)
	assert len(result["result"]) == len(rules.evaluation.STAGES) and result["chart"]["type"] == "bar"


def test_spend_by_category(programme):
	rows = report("Budget Spend by Category", programme)["result"]
	assert [(r["category"], r["line_count"], r["approved"], r["invoiced"], r["share"]) for r in rows] == [
		(COURSE, 3, 11000, 6000, round(100 * 11000 / 12000, 1)),
		(TRANSPORT, 1, 1000, 0, round(100 * 1000 / 12000, 1)),
	]


def test_the_lines_are_summed_as_joined_to_their_participants_on_both_paths(programme):
	"""A whole programme's lines are read by their own programme (the fast path), a narrower scope
	through its participants' plans; both give what joining each line to its participant gives."""

	def joined(route=None):
		return frappe.db.sql(
			"""select coalesce(bl.category, '') as category, sum(bl.approved = 1),
				sum(if(bl.approved = 1, bl.amount, 0)), sum(if(bl.approved = 1, bl.invoiced_amount, 0)),
				sum(if(bl.approved = 1, bl.paid_amount, 0)), sum(coalesce(bl.theory_of_change_result, '') != '')
			from `tabBudget Line` bl join `tabBudget Plan` bp on bp.name = bl.parent
			join `tabParticipant` p on p.name = bp.participant
			where p.programme = %s and (%s is null or p.recruitment_route = %s)
			group by category having sum(bl.approved = 1) > 0 order by category""",
			(programme.name, route, route),
		)

	def ours(**filters):
		spend = {r.category: r for r in evaluation.spend_by_category(filters)}
		verdicts = {r.category: r.lines for r in evaluation.theory_of_change(filters)}
		return tuple(
			(c, r.line_count, r.approved, r.invoiced, r.paid, verdicts.get(c, 0))
			for c, r in sorted(spend.items())
		)

	frappe.set_user(user("auditor"))
	whole = {"programme": programme.name}
	assert evaluation.line_scope(whole)[0].startswith("bl.programme = ")
	assert ours(**whole) == tuple(tuple(row) for row in joined()) and joined()
	routes = frappe.get_all(
		"Participant", {"programme": programme.name}, pluck="recruitment_route", distinct=True
	)
	for route in filter(None, routes):
		assert "bl.parent in" in evaluation.line_scope({**whole, "recruitment_route": route})[0]
		assert ours(**whole, recruitment_route=route) == tuple(tuple(row) for row in joined(route))


def test_outcomes_against_the_control_group_and_the_reference_rate(programme):
	result = report("Programme Outcomes", programme)
	[row] = result["result"]
	assert (row["participants"], row["average_budget"], row["maximum"], row["budget_share"]) == (
		3,
		4000,
		50000,
		8.0,
	)
	assert (row["ended"], row["job_or_education"], row["share"]) == (2, 1, 50.0)
	assert (row["control_size"], row["control_share"], row["versus_control"]) == (2, 50.0, 0.0)
	assert (row["reference_rate"], row["versus_reference"]) == (14.0, 36.0)
	assert (row["self_supporting"], row["yearly_saving"]) == (1, 200000)
	assert [dataset["values"] for dataset in result["chart"]["data"]["datasets"]] == [[50.0], [50.0], [14.0]]
	summary = {item["label"]: item["value"] for item in result["report_summary"]}
	assert summary["Estimated Yearly Saving"] == 200000


def test_outcomes_per_variant_and_cohort(programme):
	rows = report("Programme Outcomes", programme, group_by="Course Variant")["result"]
	assert [(r["grp"], r["participants"], r["ended"], r["share"]) for r in rows] == [
		("Collective", 2, 1, 100.0),
		("Individual", 1, 1, 0.0),
	]
	collective = report("Programme Outcomes", programme, course_variant="Collective")["result"]
	assert [(r["participants"], r["average_budget"]) for r in collective] == [(2, 4500)]
	drawn = report("Participants by Stage", programme, recruitment_route=rules.draw.RANDOM_DRAW)["result"]
	assert {r["stage"]: r["participants"] for r in drawn if r["participants"]} == {rules.intake.OFFERED: 1}


def test_termination_reasons(programme):
	rows = report("Termination Reasons", programme)["result"]
	assert sorted((r["reason"], r["ended"], r["share"], r["job"], r["still_on_benefits"]) for r in rows) == [
		("6 months without employment or substantial change", 1, 50.0, 0, 1),
		("Ordinary employment", 1, 50.0, 1, 0),
	]


def test_theory_of_change_by_category_takes_the_latest_verdict(programme):
	rows = {r["category"]: r for r in report("Theory of Change Results", programme)["result"]}
	course, transport = rows[COURSE], rows[TRANSPORT]
	assert (course["lines"], course.get("achieved"), course.get("partly"), course.get("too_early")) == (
		2,
		1,
		1,
		None,
	)
	assert (course["achieved_share"], course["achieved_invoiced"]) == (50.0, 6000)
	assert (transport["lines"], transport.get("not"), transport["achieved_share"]) == (1, 1, 0.0)


def test_quality_of_life_changes(programme):
	rows = {r["score"]: r for r in report("Quality of Life Changes", programme)["result"]}
	life = rows["Quality of Life"]
	assert (life["participants"], life["first_average"], life["last_average"], life["change_average"]) == (
		1,
		2,
		4,
		2,
	)
	assert (life["improved"], life["unchanged"], life["worse"]) == (1, 0, 0)
	assert rows["Self-determination"]["unchanged"] == 1
	assert rows["Trust in the System"]["participants"] == 0


def test_the_research_export_is_pseudonymised(programme):
	frappe.set_user(user("admin"))
	people = frappe.get_all(
		"Participant",
		filters={"programme": programme.name},
		fields=["name", "full_name", "cpr_masked", "birth_date"],
	)
	result = report("Research Export", programme)
	rows = result["result"]
	assert len(rows) == 5  # three with a course, two in the control group
	assert sum(r["control_group"] for r in rows) == 2
	assert not {c["fieldname"] for c in result["columns"]} & {
		"name",
		"participant",
		"full_name",
		"cpr_number",
		"birth_date",
	}
	text = repr(rows)
	for person in people:
		cpr = cpr_vault.decrypt(frappe.db.get_value("Participant CPR", person.name, "cpr_encrypted"))
		for value in (person.name, person.full_name, cpr, cpr[:6], person.cpr_masked, str(person.birth_date)):
			assert value and value not in text
	assert all(re.fullmatch(r"[0-9a-f]{16}", r["pseudonym"]) for r in rows)
	# Stable between exports, so researchers can follow a participant over time.
	assert [r["pseudonym"] for r in rows] == [
		r["pseudonym"] for r in report("Research Export", programme)["result"]
	]
	a = next(
		r for r in rows if r["pseudonym"] == evaluation.pseudonymiser()(programme.plans["A"].participant)
	)
	assert (a["outcome"], a["approved_budget"], a["invoiced"], a["line_count"]) == ("Job", 7000, 6000, 2)
	c = next(
		r for r in rows if r["pseudonym"] == evaluation.pseudonymiser()(programme.plans["C"].participant)
	)
	assert (c["quality_of_life_change"], c["course_variant"]) == (2, "Collective")


def test_researchers_see_the_reports_but_no_participant(programme):
	frappe.set_user(user("researcher"))
	assert len(run("Research Export", filters={"programme": programme.name})["result"]) == 5
	assert not frappe.has_permission("Participant", "read")
	with pytest.raises(frappe.PermissionError):
		frappe.get_list("Participant")
	# They can pick a cohort in the report filter (its name only), but not open it.
	cohort = frappe.db.get_value("Cohort", {"programme": programme.name})
	assert cohort in [row["value"] for row in search_link("Cohort", cohort[:20])]
	assert validate_link("Cohort", cohort)["name"] == cohort
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Cohort", cohort).check_permission("read")
	frappe.set_user(user("caseworker_a"))
	with pytest.raises(frappe.PermissionError):
		run("Research Export", filters={"programme": programme.name})
	with pytest.raises(frappe.PermissionError):
		evaluation.card_yearly_saving()


def test_number_cards(programme):
	frappe.set_user(user("auditor"))
	filters = frappe.as_json({"programme": programme.name})
	assert evaluation.card_participants_in_course(filters)["value"] == 1
	assert evaluation.card_average_budget(filters)["value"] == 4000
	assert evaluation.card_job_or_education_share(filters)["value"] == 50.0
	assert evaluation.card_yearly_saving(filters)["value"] == 200000


def test_each_line_keeps_the_latest_verdict(programme):
	a = programme.plans["A"]
	truck = frappe.get_doc("Budget Plan", a.name).lines[0]
	assert truck.theory_of_change_result == "Achieved"
	latest = frappe.get_all(
		"Follow-up",
		filters={"participant": a.participant},
		order_by="follow_up_date desc",
		pluck="name",
		limit=1,
	)[0]
	frappe.delete_doc("Follow-up", latest)
	assert frappe.db.get_value("Budget Line", truck.name, "theory_of_change_result") == "Too early"
