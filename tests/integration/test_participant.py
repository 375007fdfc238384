import threading

import frappe
import pytest
from frappe.utils import add_days, getdate, today

from borgerbudget import rules
from tests.integration.conftest import connect
from tests.integration.factories import (
	give_consent,
	make_enrolled,
	make_offered,
	make_participant,
	make_programme,
)


@pytest.fixture
def programme():
	return make_programme()


def count(programme):
	return frappe.db.count("Participant", {"programme": programme.name})


# CPR validation


def test_valid_cpr_sets_birth_date_age_and_mask(programme):
	doc = make_participant(programme, cpr_number="120378-1235", screening_date="2026-03-12")
	assert doc.birth_date == getdate("1978-03-12")
	assert doc.age == 48
	assert doc.cpr_masked == "120378-XXXX"
	assert not doc.cpr_number


@pytest.mark.parametrize(
	"cpr, birth_date",
	[
		("010137-4000", "1937-01-01"),
		("010120-4000", "2020-01-01"),
		("010160-5000", "1860-01-01"),
		("010150-8000", "2050-01-01"),
		("010199-9000", "1999-01-01"),
	],
)
def test_century_rule(programme, cpr, birth_date):
	assert make_participant(programme, cpr_number=cpr).birth_date == getdate(birth_date)


@pytest.mark.parametrize(
	"cpr, message",
	[
		("310278-1235", "real date"),
		("290201-4000", "real date"),
		("12345", "DDMMYY-SSSS"),
		("120378-12", "DDMMYY-SSSS"),
		("12.03.78-1235", "DDMMYY-SSSS"),
		("", "CPR number is required"),
	],
)
def test_invalid_cpr_is_refused_and_nothing_saved(programme, cpr, message):
	before = count(programme)
	with pytest.raises(frappe.ValidationError, match=message):
		make_participant(programme, cpr_number=cpr)
	assert count(programme) == before


def test_cpr_is_never_stored_in_clear(programme):
	doc = make_participant(programme, cpr_number="120378-1235")
	row = frappe.db.sql("select * from `tabParticipant` where name = %s", doc.name, as_dict=True)[0]
	stored = " ".join(str(value) for value in row.values())
	assert "1203781235" not in stored and "120378-1235" not in stored
	assert "cpr_number" not in row
	versions = frappe.get_all(
		"Version", filters={"ref_doctype": "Participant", "docname": doc.name}, pluck="data"
	)
	assert not any("1235" in (data or "") for data in versions)


def test_saving_without_cpr_keeps_the_stored_number(programme):
	doc = make_participant(programme, cpr_number="120378-1235")
	encrypted = frappe.db.get_value("Participant CPR", doc.name, "cpr_encrypted")
	doc = frappe.get_doc("Participant", doc.name)
	doc.phone = "+45 11 22 33 44"
	doc.save()
	assert frappe.db.get_value("Participant CPR", doc.name, "cpr_encrypted") == encrypted
	assert frappe.db.get_value("Participant", doc.name, "cpr_masked") == "120378-XXXX"


# Duplicates


def test_same_cpr_twice_in_a_programme_is_refused(programme):
	make_participant(programme, cpr_number="120378-1235")
	with pytest.raises(frappe.UniqueValidationError, match="already registered"):
		make_participant(programme, cpr_number="1203781235")
	assert count(programme) == 1


def test_same_cpr_in_another_programme_is_allowed(programme):
	make_participant(programme, cpr_number="120378-1235")
	other = make_programme()
	assert frappe.db.exists("Participant CPR", make_participant(other, cpr_number="120378-1235").name)


def test_concurrent_inserts_of_one_cpr_give_one_participant():
	"""Eight connections insert the same citizen at once: the unique key lets one through."""
	programme = make_programme()
	# An earlier participant, so the naming series row exists as it does on a live site.
	make_participant(programme, cpr_number="030985-2468")
	frappe.db.commit()
	barrier = threading.Barrier(8)
	outcomes = []

	def insert():
		connect()
		try:
			doc = make_participant(programme.name, cpr_number="120378-1235", insert=False)
			barrier.wait()
			doc.insert()
			frappe.db.commit()
			outcomes.append("saved")
		except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
			frappe.db.rollback()
			outcomes.append("refused")
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=insert) for _ in range(8)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	try:
		assert sorted(outcomes) == ["refused"] * 7 + ["saved"]
		assert count(programme) == 2
	finally:
		frappe.db.delete("Participant CPR", {"programme": programme.name})
		frappe.db.delete("Participant", {"programme": programme.name})
		frappe.delete_doc("Budget Programme", programme.name)
		frappe.db.commit()


# Eligibility


def test_eligible_when_every_criterion_is_met(programme):
	doc = make_participant(programme)
	assert doc.eligible == 1
	assert doc.eligibility_result == "All criteria met"


@pytest.mark.parametrize(
	"values, named",
	[
		({"cpr_number": "010199-1234"}, "at least 30"),
		({"months_unemployed": 11}, "Unemployed for 11 months"),
		({"job_ready": 0}, "not assessed as job-ready"),
		({"benefit_type": "Sygedagpenge"}, "Benefit type is Sygedagpenge"),
		({"available_to_labour_market": 0}, "not available to the labour market"),
	],
)
def test_each_failing_criterion_is_named(programme, values, named):
	doc = make_participant(programme, **values)
	assert doc.eligible == 0
	assert named in doc.eligibility_result
	assert len(doc.eligibility_result.splitlines()) == 1


def test_criteria_are_per_programme():
	programme = make_programme(
		criteria=[
			{"criterion": rules.intake.MAX_AGE, "number": 29},
			{"criterion": rules.intake.BENEFIT_TYPE, "benefit_type": "Uddannelseshjælp"},
			{"criterion": rules.intake.BENEFIT_TYPE, "benefit_type": "Kontanthjælp"},
		]
	)
	young = make_participant(programme, cpr_number="010101-4234", screening_date="2026-06-01", job_ready=0)
	assert young.eligible == 1
	old = make_participant(programme, cpr_number="010170-1234")
	assert old.eligible == 0 and "at most 29" in old.eligibility_result


def test_new_programme_gets_the_aarhus_criteria(programme):
	kinds = [(row.criterion, row.number or None, row.benefit_type) for row in programme.criteria]
	assert kinds == [
		(rules.intake.MIN_AGE, 30, None),
		(rules.intake.MIN_MONTHS_UNEMPLOYED, 12, None),
		(rules.intake.JOB_READY, None, None),
		(rules.intake.BENEFIT_TYPE, None, "Kontanthjælp"),
		(rules.intake.AVAILABLE, None, None),
	]
	assert programme.maximum_per_participant == 50000
	assert (programme.days_to_decide, programme.weeks_to_write_plan, programme.course_months) == (7, 4, 6)
	assert (programme.max_course_months, programme.receipt_deadline_days) == (12, 14)
	assert programme.currency == "DKK"
	assert programme.expense_account and programme.cost_center


# Intake


def test_offer_sets_the_decision_deadline(programme):
	doc = make_offered(programme)
	assert doc.status == rules.intake.OFFERED
	assert doc.offer_date == getdate(today())
	assert doc.decision_deadline == getdate(add_days(today(), 7))


def test_offer_needs_eligibility_and_a_suitable_assessment(programme):
	doc = make_participant(programme, months_unemployed=3, screening_assessment="Suitable")
	with pytest.raises(frappe.ValidationError, match="Only an eligible citizen"):
		doc.offer()
	doc = make_participant(programme)
	with pytest.raises(frappe.ValidationError, match="assessment as Suitable"):
		doc.offer()
	assert frappe.db.get_value("Participant", doc.name, "status") == rules.intake.SCREENING


def test_accept_needs_consent_and_the_signed_declaration(programme):
	doc = make_offered(programme)
	with pytest.raises(frappe.ValidationError, match="voluntary consent"):
		doc.accept()
	doc = frappe.get_doc("Participant", doc.name)
	doc.consent_given = 1
	doc.declaration_signed_on = today()
	with pytest.raises(frappe.ValidationError, match="Signed Declaration on Honour"):
		doc.accept()
	doc = frappe.get_doc("Participant", doc.name)
	give_consent(doc)
	doc.accept()
	assert doc.status == rules.intake.ACCEPTED and doc.decision_date == getdate(today())


def test_accept_after_the_decision_deadline_is_refused(programme):
	doc = make_offered(programme)
	frappe.db.set_value(
		"Participant",
		doc.name,
		{"offer_date": add_days(today(), -8), "decision_deadline": add_days(today(), -1)},
	)
	doc = frappe.get_doc("Participant", doc.name)
	give_consent(doc)
	with pytest.raises(frappe.ValidationError, match="decision deadline"):
		doc.accept()


def test_enrol_sets_the_plan_deadline(programme):
	doc = make_offered(programme)
	give_consent(doc)
	doc.accept()
	doc.enroll()
	assert doc.status == rules.intake.ENROLLED
	assert doc.enrolment_date == getdate(today())
	assert doc.plan_deadline == getdate(add_days(today(), 28))


def test_enrolment_respects_the_yearly_capacity():
	programme = make_programme(yearly_capacity=1)
	first, second = make_offered(programme), make_offered(programme)
	for doc in (first, second):
		give_consent(doc)
		doc.accept()
	first.enroll()
	with pytest.raises(frappe.ValidationError, match="no capacity left"):
		second.enroll()


def test_decline_and_screen_again(programme):
	doc = make_offered(programme)
	doc.decline("Wants an ordinary offer")
	assert doc.status == rules.intake.DECLINED and doc.decline_reason == "Wants an ordinary offer"
	doc.rescreen()
	assert doc.status == rules.intake.SCREENING and not doc.offer_date


@pytest.mark.parametrize("status", [rules.intake.ENROLLED, rules.intake.ACCEPTED, rules.intake.DECLINED])
def test_status_cannot_skip_steps_even_when_written_directly(programme, status):
	doc = make_participant(programme, screening_assessment="Suitable")
	doc.status = status
	with pytest.raises(frappe.ValidationError, match="cannot move from Screening"):
		doc.save()


def test_a_new_participant_starts_in_screening(programme):
	with pytest.raises(frappe.ValidationError, match="starts in Screening"):
		make_participant(programme, status=rules.intake.ENROLLED)


# Programme validation


@pytest.mark.parametrize(
	"values, message",
	[
		({"reimbursement_limit": 60000}, "cannot exceed the maximum"),
		({"maximum_per_participant": 0}, "greater than zero"),
		({"course_months": 13}, "cannot be shorter"),
		({"days_to_decide": 0}, "at least 1"),
		({"criteria": [{"criterion": rules.intake.MIN_AGE}]}, "needs a number"),
		({"criteria": [{"criterion": rules.intake.BENEFIT_TYPE}]}, "needs a benefit type"),
	],
)
def test_programme_rules(values, message):
	with pytest.raises(frappe.ValidationError, match=message):
		make_programme(**values)


def test_programme_accounts_must_belong_to_its_company():
	income = frappe.get_all("Account", filters={"root_type": "Income", "is_group": 0}, pluck="name", limit=1)[
		0
	]
	with pytest.raises(frappe.ValidationError, match="must be an Expense account"):
		make_programme(expense_account=income)


def form_facts(doc):
	doc = frappe.get_doc("Participant", doc.name)
	doc.run_method("onload")
	return doc.get_onload()


def test_the_form_is_offered_the_intake_steps_of_the_table(programme):
	screening = form_facts(make_participant(programme, screening_assessment="Suitable"))
	assert [action["method"] for action in screening.intake_actions] == ["offer", "mark_not_eligible"]
	offered = form_facts(make_offered(programme))
	assert [(action["method"], action["ask_reason"]) for action in offered.intake_actions] == [
		("accept", False),
		("decline", True),
	]
	assert offered.awaiting_decision and not offered.course_running
	enrolled = make_enrolled(programme)
	facts = form_facts(enrolled)
	assert facts.intake_actions == [] and facts.course_running and not facts.awaiting_decision
	frappe.db.set_value("Participant", enrolled.name, "course_termination", "CT-TEST")
	assert not form_facts(enrolled).course_running
