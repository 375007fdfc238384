"""The collective course (issue 6): a cohort with its sessions and attendance, and the gate on
submitting the plan when the programme makes the course mandatory."""

import frappe
import pytest
from frappe.utils import add_days, today

from tests.integration.factories import TEAM, complete, make_enrolled, make_programme, plan_of, user


@pytest.fixture
def programme():
	return make_programme(collective_course_mandatory=1)


def ready_plan(programme):
	participant = make_enrolled(programme, assigned_caseworker=user("caseworker_a"), caseworker_team=TEAM)
	plan = complete(plan_of(participant))
	plan.save()
	return plan


def cohort(programme, participants, kick_off=None, **values):
	return frappe.get_doc(
		{
			"doctype": "Cohort",
			"cohort_name": "_Test Cohort " + frappe.generate_hash(length=6),
			"programme": programme.name,
			"kick_off_date": kick_off or today(),
			"kick_off_place": "Jobcentret, mødelokale 2",
			"workshop_1_date": add_days(kick_off or today(), 7),
			"workshop_2_date": add_days(kick_off or today(), 14),
			"speakers": [
				{"speaker_name": "Tidligere deltager", "kind": "Former participant", "session": "Kick-off"}
			],
			"participants": [{"participant": name, **values} for name in participants],
		}
	).insert()


def test_a_mandatory_course_gates_the_plan_until_the_participant_has_attended(programme):
	plan = ready_plan(programme)
	with pytest.raises(frappe.ValidationError, match="enrol the participant in a cohort"):
		plan.submit_for_assessment()
	plan.reload()
	course = cohort(programme, [plan.participant])
	with pytest.raises(frappe.ValidationError, match="not attended every session"):
		plan.submit_for_assessment()
	plan.reload()
	course.participants[0].attended_kick_off = 1
	course.save()
	assert plan.submit_for_assessment() == "Submitted for Assessment"


def test_the_course_must_have_started(programme):
	plan = ready_plan(programme)
	cohort(programme, [plan.participant], kick_off=add_days(today(), 3))
	with pytest.raises(frappe.ValidationError, match="has not started yet"):
		plan.submit_for_assessment()


def test_attendance_only_for_held_sessions_and_own_programme(programme):
	plan = ready_plan(programme)
	with pytest.raises(frappe.ValidationError, match="session that has taken place"):
		cohort(programme, [plan.participant], attended_workshop_1=1)
	other = ready_plan(make_programme())
	with pytest.raises(frappe.ValidationError, match="another programme"):
		cohort(programme, [other.participant])


def test_without_a_mandatory_course_no_gate():
	plan = ready_plan(make_programme())
	assert plan.submit_for_assessment() == "Submitted for Assessment"


def test_a_cohort_is_seen_by_the_caseworkers_of_its_participants_and_its_facilitators(programme):
	plan = ready_plan(programme)
	course = cohort(programme, [plan.participant])
	frappe.set_user(user("caseworker_a"))
	assert frappe.get_list("Cohort", pluck="name", filters={"name": course.name}) == [course.name]
	frappe.set_user(user("caseworker_b"))
	assert frappe.get_list("Cohort", pluck="name", filters={"name": course.name}) == []
	assert not frappe.has_permission("Cohort", "read", course.name)
	frappe.set_user("Administrator")
	course.append("facilitators", {"user": user("caseworker_b")})
	course.save()
	frappe.set_user(user("caseworker_b"))
	assert frappe.get_list("Cohort", pluck="name", filters={"name": course.name}) == [course.name]
	assert frappe.has_permission("Cohort", "read", course.name)
