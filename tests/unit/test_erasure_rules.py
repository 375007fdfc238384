"""When a participant's personal data has served its purpose, and what erasure does to a field."""

from datetime import date

from borgerbudget.rules import erasure as E


def ends(**values):
	given = {"course_ended_on": None, "decided_on": None, "in_control_group": False, "years": 5}
	return E.retention_ends(**{**given, "evaluation_ends_on": None, **values})


def test_retention_runs_from_the_end_of_the_course_or_the_decision():
	assert ends(course_ended_on=date(2020, 3, 15)) == date(2025, 3, 15)
	assert ends(course_ended_on=date(2020, 2, 29)) == date(2025, 2, 28)
	assert ends(decided_on=date(2021, 6, 1)) == date(2026, 6, 1)
	assert ends(course_ended_on=date(2020, 3, 15), decided_on=date(2019, 1, 1)) == date(2025, 3, 15)


def test_data_in_use_is_kept():
	assert ends() is None  # a course still running, nothing decided
	assert ends(course_ended_on=date(2020, 1, 1), years=0) is None  # kept until erased by hand
	assert not E.past_retention(None, date(2030, 1, 1))


def test_the_control_group_goes_at_the_end_of_the_evaluation():
	assert ends(in_control_group=True, course_ended_on=date(2020, 1, 1)) is None
	assert ends(in_control_group=True, evaluation_ends_on=date(2027, 6, 30)) == date(2027, 6, 30)
	assert E.past_retention(date(2027, 6, 30), date(2027, 6, 30))
	assert not E.past_retention(date(2027, 6, 30), date(2027, 6, 29))


def test_free_texts_go_the_name_becomes_the_pseudonym_and_the_figures_stay():
	assert E.field_action("Budget Plan", "motivation", "Text") == E.BLANK
	assert E.field_action("Budget Plan", "participant_name", "Data") == E.PSEUDONYM
	assert E.field_action("Participant", "full_name", "Data") == E.PSEUDONYM
	assert E.field_action("Participant", "declaration_file", "Attach") == E.BLANK
	assert E.field_action("Budget Line", "amount", "Currency") == E.KEEP
	assert E.field_action("Budget Line", "category", "Link") == E.KEEP
	assert E.field_action("Budget Line", "payment_reference", "Data") == E.KEEP
	assert E.field_action("Budget Line", "description", "Data") == E.BLANK
	# A free-text field nobody thought of is erased: forgetting errs on the citizen's side.
	assert E.field_action("Budget Plan", "a_new_note", "Small Text") == E.BLANK
	assert E.pseudonym("BB-2026-00001") == "Pseudonym BB-2026-00001"
