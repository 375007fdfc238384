"""Evaluation (seed 004, "Evaluering"): stages, outcomes and the figures' arithmetic."""

from __future__ import annotations

from borgerbudget.rules.intake import ACCEPTED, DECLINED, NOT_ELIGIBLE, OFFERED, SCREENING

# Evaluation (seed 004, "Evaluering"; Aarhus's figures are the reference).
# A participant's stage in the programme, in the order the evaluation lists them.
CONTROL_GROUP = "Control Group"
WRITING_PLAN = "Writing Plan"
PLAN_BEING_ASSESSED = "Plan Being Assessed"
IN_COURSE = "In Course"
PLAN_REJECTED = "Plan Rejected"
COURSE_ENDED = "Course Ended"
STAGES = (
	SCREENING,
	CONTROL_GROUP,
	OFFERED,
	ACCEPTED,
	DECLINED,
	NOT_ELIGIBLE,
	WRITING_PLAN,
	PLAN_BEING_ASSESSED,
	PLAN_REJECTED,
	IN_COURSE,
	COURSE_ENDED,
)
# Outcomes at the end of a course (Course Termination) or for the control group.
OUTCOMES = ("Job", "Self-employed", "Education", "Still on benefits", "Other")
JOB_OR_EDUCATION = ("Job", "Self-employed", "Education")
SELF_SUPPORTING = ("Job", "Self-employed")  # off public benefits: the basis of the saving
COLLECTIVE = "Collective"
INDIVIDUAL = "Individual"
THEORY_RESULTS = ("Achieved", "Partly", "Not", "Too early")
WELLBEING_SCORES = ("quality_of_life", "self_determination", "trust_in_system", "belief_in_change")


def share(part: float, whole: float) -> float | None:
	"""`part` as a percentage of `whole`; None when there is nothing to compare."""
	return round(100.0 * part / whole, 1) if whole else None


def points(a: float | None, b: float | None) -> float | None:
	"""The difference a − b in percentage points, when both are known."""
	return round(a - b, 1) if a is not None and b is not None else None


def age_band(age: int | None) -> str:
	"""Ten-year bands: a researcher sees '30–39', never a birth date."""
	if age is None:
		return ""
	low = max(age // 10 * 10, 10)
	return f"{low}–{low + 9}"
