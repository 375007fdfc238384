"""Fast tests of the pure domain rules: no frappe, no database."""

from datetime import date

import pytest

from borgerbudget import rules
from borgerbudget.rules.intake import Criterion, ScreeningFacts


@pytest.mark.parametrize(
	"value, birth_date",
	[
		("120378-1235", date(1978, 3, 12)),
		("1203781235", date(1978, 3, 12)),
		("  120378-1235 ", date(1978, 3, 12)),
		# 7th digit 0-3: always 1900-1999
		("010100-3999", date(1900, 1, 1)),
		# 7th digit 4 and 9: 00-36 is 2000-2036, 37-99 is 1937-1999
		("010120-4000", date(2020, 1, 1)),
		("010136-9000", date(2036, 1, 1)),
		("010137-4000", date(1937, 1, 1)),
		("010199-9000", date(1999, 1, 1)),
		# 7th digit 5-8: 00-57 is 2000-2057, 58-99 is 1858-1899
		("010157-5000", date(2057, 1, 1)),
		("010158-8000", date(1858, 1, 1)),
		("290200-4000", date(2000, 2, 29)),
	],
)
def test_parse_cpr_and_century_rule(value, birth_date):
	cpr = rules.cpr.parse_cpr(value)
	assert cpr.birth_date == birth_date
	assert cpr.digits == value.strip().replace("-", "")
	assert cpr.formatted == f"{cpr.digits[:6]}-{cpr.digits[6:]}"
	assert cpr.masked == f"{cpr.digits[:6]}-XXXX"


@pytest.mark.parametrize(
	"value", ["", "12345", "120378-12345", "12-03-78-1235", "abcdef-ghij", "120378_1235", None]
)
def test_parse_cpr_rejects_wrong_format(value):
	with pytest.raises(rules.cpr.CprError) as error:
		rules.cpr.parse_cpr(value)
	assert error.value.code == rules.cpr.CprError.FORMAT


@pytest.mark.parametrize(
	"value", ["320178-1235", "311178-1235", "001078-1235", "120078-1235", "290201-4000", "290200-3000"]
)
def test_parse_cpr_rejects_impossible_dates(value):
	# 29 Feb 1900 (serial 3 -> 1900) is not a leap day; 29 Feb 2000 is (see above).
	with pytest.raises(rules.cpr.CprError) as error:
		rules.cpr.parse_cpr(value)
	assert error.value.code == rules.cpr.CprError.DATE


def test_age_on_birthday_boundaries():
	born = date(1990, 6, 15)
	assert rules.cpr.age_on(born, date(2026, 6, 14)) == 35
	assert rules.cpr.age_on(born, date(2026, 6, 15)) == 36


AARHUS = [Criterion(kind, number, benefit) for kind, number, benefit in rules.intake.AARHUS_CRITERIA]
GOOD = ScreeningFacts(
	age=35, months_unemployed=13, job_ready=True, benefit_type="Kontanthjælp", available=True
)


def facts(**changes):
	return ScreeningFacts(**{**GOOD.__dict__, **changes})


def test_aarhus_defaults_accept_the_target_group():
	assert rules.intake.evaluate_eligibility(AARHUS, GOOD) == []
	assert rules.intake.evaluate_eligibility(AARHUS, facts(age=30, months_unemployed=12)) == []


@pytest.mark.parametrize(
	"changes, kind",
	[
		({"age": 29}, rules.intake.MIN_AGE),
		({"age": None}, rules.intake.MIN_AGE),
		({"months_unemployed": 11}, rules.intake.MIN_MONTHS_UNEMPLOYED),
		({"job_ready": False}, rules.intake.JOB_READY),
		({"benefit_type": "Sygedagpenge"}, rules.intake.BENEFIT_TYPE),
		({"benefit_type": None}, rules.intake.BENEFIT_TYPE),
		({"available": False}, rules.intake.AVAILABLE),
	],
)
def test_each_aarhus_criterion_fails_alone(changes, kind):
	failures = rules.intake.evaluate_eligibility(AARHUS, facts(**changes))
	assert [f.kind for f in failures] == [kind]


def test_failures_carry_required_and_actual_values():
	[failure] = rules.intake.evaluate_eligibility(AARHUS, facts(age=27))
	assert (failure.required, failure.actual) == (30, 27)


def test_several_failures_are_all_named_in_programme_order():
	failures = rules.intake.evaluate_eligibility(AARHUS, facts(age=20, job_ready=False, available=False))
	assert [f.kind for f in failures] == [
		rules.intake.MIN_AGE,
		rules.intake.JOB_READY,
		rules.intake.AVAILABLE,
	]


def test_benefit_rows_mean_any_of():
	criteria = [
		Criterion(rules.intake.BENEFIT_TYPE, benefit_type="Kontanthjælp"),
		Criterion(rules.intake.BENEFIT_TYPE, benefit_type="Uddannelseshjælp"),
	]
	assert rules.intake.evaluate_eligibility(criteria, facts(benefit_type="Uddannelseshjælp")) == []
	failures = rules.intake.evaluate_eligibility(criteria, facts(benefit_type="Sygedagpenge"))
	assert len(failures) == 1 and failures[0].required == ("Kontanthjælp", "Uddannelseshjælp")


def test_maximum_age():
	criteria = [Criterion(rules.intake.MAX_AGE, 29)]
	assert rules.intake.evaluate_eligibility(criteria, facts(age=29)) == []
	assert [f.kind for f in rules.intake.evaluate_eligibility(criteria, facts(age=30))] == [
		rules.intake.MAX_AGE
	]


def test_no_criteria_means_everyone_is_eligible():
	assert rules.intake.evaluate_eligibility([], facts(age=None, job_ready=False)) == []


@pytest.mark.parametrize(
	"criterion, problem",
	[
		(Criterion(rules.intake.MIN_AGE, None), "number"),
		(Criterion(rules.intake.MIN_MONTHS_UNEMPLOYED, -1), "number"),
		(Criterion(rules.intake.BENEFIT_TYPE), "benefit_type"),
		(Criterion("Favourite colour"), "kind"),
		(Criterion(rules.intake.MIN_AGE, 30), None),
		(Criterion(rules.intake.JOB_READY), None),
	],
)
def test_criterion_problem(criterion, problem):
	assert rules.intake.criterion_problem(criterion) == problem


def test_intake_transitions():
	assert rules.intake.can_move(rules.intake.SCREENING, rules.intake.OFFERED)
	assert rules.intake.can_move(rules.intake.OFFERED, rules.intake.ACCEPTED)
	assert rules.intake.can_move(rules.intake.ACCEPTED, rules.intake.ENROLLED)
	assert rules.intake.can_move(rules.intake.DECLINED, rules.intake.SCREENING)
	assert not rules.intake.can_move(rules.intake.SCREENING, rules.intake.ENROLLED)
	assert not rules.intake.can_move(rules.intake.SCREENING, rules.intake.ACCEPTED)
	assert not rules.intake.can_move(rules.intake.OFFERED, rules.intake.ENROLLED)
	assert not rules.intake.can_move(rules.intake.ENROLLED, rules.intake.SCREENING)
	assert set(rules.intake.INTAKE_TRANSITIONS) == set(rules.intake.INTAKE_STATUSES)


def test_deadlines():
	assert rules.intake.decision_deadline(date(2026, 12, 28), 7) == date(2027, 1, 4)
	assert rules.intake.plan_deadline(date(2026, 2, 1), 4) == date(2026, 3, 1)
	assert rules.course.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
	assert rules.course.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
	assert rules.course.add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)


def test_timeline_places_items_by_month_and_clamps_the_ends():
	start = date(2026, 11, 20)
	dates = [
		date(2026, 11, 25),
		date(2026, 12, 31),
		date(2027, 1, 2),
		date(2027, 5, 1),
		date(2026, 10, 1),
		None,
	]
	assert rules.plan.timeline(start, dates) == [[0, 4, 5], [1], [2, 3]]


def test_line_problems():
	start, end = date(2026, 1, 1), date(2026, 6, 30)
	ok = rules.plan.Line(
		amount=100, need_date=date(2026, 3, 1), payment_route=rules.plan.SUPPLIER_INVOICE, goal="Job"
	)
	assert rules.plan.line_problems([ok], 3000, start, end, ["Job"]) == []
	lines = [
		rules.plan.Line(amount=0, need_date=date(2026, 3, 1), payment_route=rules.plan.SUPPLIER_INVOICE),
		rules.plan.Line(amount=100, need_date=date(2026, 7, 1), payment_route=rules.plan.SUPPLIER_INVOICE),
		rules.plan.Line(amount=3001, need_date=None, payment_route=rules.plan.REIMBURSEMENT),
		rules.plan.Line(amount=10, need_date=None, payment_route=rules.plan.SUPPLIER_INVOICE, goal="Moon"),
	]
	assert rules.plan.line_problems(lines, 3000, start, end, ["Job"]) == [
		("amount", 0),
		("need_date", 1),
		("reimbursement_limit", 2),
		("goal", 3),
	]
	# Each problem names the line's field a form shows it at.
	assert [
		rules.plan.PROBLEM_FIELDS[code]
		for code, _index in rules.plan.line_problems(lines, 3000, start, end, ["Job"])
	] == [
		"amount",
		"need_date",
		"payment_route",
		"goal",
	]
	assert rules.plan.PROBLEM_FIELDS["allowance_limit"] == "payment_route"


def test_the_receipt_free_allowance_stays_within_the_programmes_limit():
	def allowance(amount):
		return rules.plan.Line(amount=amount, need_date=None, payment_route=rules.plan.ALLOWANCE)

	other = rules.plan.Line(amount=4000, need_date=None, payment_route=rules.plan.SUPPLIER_INVOICE)
	assert rules.plan.line_problems([allowance(300), other, allowance(200)], 3000, None, None, [], 500) == []
	# The line that takes the plan past the limit is the one named.
	assert rules.plan.line_problems([allowance(300), other, allowance(201)], 3000, None, None, [], 500) == [
		("allowance_limit", 2)
	]
	# A programme without an allowance (limit 0) refuses any.
	assert rules.plan.line_problems([allowance(1)], 3000, None, None, []) == [("allowance_limit", 0)]
	assert rules.plan.ALLOWANCE in rules.plan.ROUTES and rules.plan.ALLOWANCE in rules.plan.TO_THE_CITIZEN


def test_missing_for_submission():
	lines = [
		rules.plan.Line(100, None, rules.plan.SUPPLIER_INVOICE, theory_of_change="x"),
		rules.plan.Line(100, None, rules.plan.SUPPLIER_INVOICE),
	]
	assert rules.plan.missing_for_submission({"motivation": "Why", "goals": [1]}, lines) == [
		"theory_of_change:2"
	]
	assert rules.plan.missing_for_submission({"motivation": "  ", "goals": []}, []) == [
		"motivation",
		"goals",
		"lines",
	]
	assert rules.plan.plan_total(lines) == 200


@pytest.mark.parametrize(
	"current, new, step",
	[
		(rules.plan.DRAFT, rules.plan.SUBMITTED, rules.plan.SUBMIT),
		(rules.plan.NEEDS_REVISION, rules.plan.SUBMITTED, rules.plan.SUBMIT),
		(rules.plan.SUBMITTED, rules.plan.DRAFT, rules.plan.WITHDRAW),
		(rules.plan.SUBMITTED, rules.plan.APPROVED, rules.plan.DECIDE),
		(rules.plan.SUBMITTED, rules.plan.REJECTED, rules.plan.DECIDE),
		(rules.plan.APPROVED, rules.plan.SUBMITTED, rules.plan.REOPEN),
		(rules.plan.REJECTED, rules.plan.SUBMITTED, rules.plan.REOPEN),
		(rules.plan.DRAFT, rules.plan.APPROVED, None),
		(rules.plan.APPROVED, rules.plan.DRAFT, None),
		(rules.plan.REJECTED, rules.plan.APPROVED, None),
	],
)
def test_a_plan_moves_only_by_the_steps_of_its_table(current, new, step):
	assert rules.plan.plan_step(current, new) == step


def test_every_plan_status_is_reachable_and_left_by_the_table():
	reached = {new for _current, new in rules.plan.PLAN_TRANSITIONS} | {rules.plan.DRAFT}
	left = {current for current, _new in rules.plan.PLAN_TRANSITIONS}
	assert reached == set(rules.plan.PLAN_STATUSES)
	assert left == set(rules.plan.PLAN_STATUSES)


def test_places_left_counts_the_enrolled_and_for_offering_the_open_offers():
	assert rules.intake.places_left(10, 7) == 3
	assert rules.intake.places_left(10, 7, open_offers=2) == 1
	assert rules.intake.places_left(10, 9, open_offers=3) == 0
