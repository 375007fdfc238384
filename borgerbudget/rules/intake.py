"""Intake: the eligibility criteria and the participant's way from screening to enrolment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# Eligibility. The criterion kinds are the options of the programme's criteria table;
# several rows of the "Benefit type" kind mean "any of these benefits".
MIN_AGE = "Minimum age"
MAX_AGE = "Maximum age"
MIN_MONTHS_UNEMPLOYED = "Minimum months unemployed"
JOB_READY = "Job-ready"
BENEFIT_TYPE = "Benefit type"
AVAILABLE = "Available to the labour market"
CRITERION_KINDS = (MIN_AGE, MAX_AGE, MIN_MONTHS_UNEMPLOYED, JOB_READY, BENEFIT_TYPE, AVAILABLE)
NUMERIC_KINDS = (MIN_AGE, MAX_AGE, MIN_MONTHS_UNEMPLOYED)

# Aarhus' target group in "Langtidsledige tager teten".
AARHUS_CRITERIA = (
	(MIN_AGE, 30, None),
	(MIN_MONTHS_UNEMPLOYED, 12, None),
	(JOB_READY, None, None),
	(BENEFIT_TYPE, None, "Kontanthjælp"),
	(AVAILABLE, None, None),
)


@dataclass(frozen=True)
class Criterion:
	kind: str
	number: int | None = None
	benefit_type: str | None = None


@dataclass(frozen=True)
class ScreeningFacts:
	age: int | None
	months_unemployed: int | None
	job_ready: bool
	benefit_type: str | None
	available: bool


@dataclass(frozen=True)
class Failure:
	"""One criterion not met. `required` and `actual` fill the message."""

	kind: str
	required: object = None
	actual: object = None


def evaluate_eligibility(criteria: list[Criterion], facts: ScreeningFacts) -> list[Failure]:
	"""Return the failing criteria, in the programme's order; empty means eligible.

	A missing fact fails its criterion: eligibility is never assumed.
	"""
	failures: list[Failure] = []
	accepted_benefits = [c.benefit_type for c in criteria if c.kind == BENEFIT_TYPE and c.benefit_type]
	benefit_checked = False
	for criterion in criteria:
		kind = criterion.kind
		if kind == MIN_AGE:
			if facts.age is None or facts.age < criterion.number:
				failures.append(Failure(kind, criterion.number, facts.age))
		elif kind == MAX_AGE:
			if facts.age is None or facts.age > criterion.number:
				failures.append(Failure(kind, criterion.number, facts.age))
		elif kind == MIN_MONTHS_UNEMPLOYED:
			if facts.months_unemployed is None or facts.months_unemployed < criterion.number:
				failures.append(Failure(kind, criterion.number, facts.months_unemployed))
		elif kind == JOB_READY:
			if not facts.job_ready:
				failures.append(Failure(kind))
		elif kind == AVAILABLE:
			if not facts.available:
				failures.append(Failure(kind))
		elif kind == BENEFIT_TYPE:
			if benefit_checked:
				continue
			benefit_checked = True
			if facts.benefit_type not in accepted_benefits:
				failures.append(Failure(kind, tuple(accepted_benefits), facts.benefit_type))
		else:
			raise ValueError(f"unknown criterion kind: {kind}")
	return failures


def criterion_problem(criterion: Criterion) -> str | None:
	"""Why a configured criterion is unusable, or None. Codes: 'number', 'benefit_type', 'kind'."""
	if criterion.kind not in CRITERION_KINDS:
		return "kind"
	if criterion.kind in NUMERIC_KINDS and (criterion.number is None or criterion.number < 0):
		return "number"
	if criterion.kind == BENEFIT_TYPE and not criterion.benefit_type:
		return "benefit_type"
	return None


# Intake. Screening -> Offered -> Accepted / Declined; Screening -> Not Eligible;
# Accepted -> Enrolled. A citizen who declined or was found not eligible may be screened again.
SCREENING = "Screening"
OFFERED = "Offered"
ACCEPTED = "Accepted"
DECLINED = "Declined"
NOT_ELIGIBLE = "Not Eligible"
ENROLLED = "Enrolled"
INTAKE_STATUSES = (SCREENING, OFFERED, ACCEPTED, DECLINED, NOT_ELIGIBLE, ENROLLED)

INTAKE_TRANSITIONS = {
	SCREENING: (OFFERED, NOT_ELIGIBLE),
	OFFERED: (ACCEPTED, DECLINED),
	ACCEPTED: (ENROLLED,),
	DECLINED: (SCREENING,),
	NOT_ELIGIBLE: (SCREENING,),
	ENROLLED: (),
}


# The desk's intake button for each next status: the Participant method that takes the step, and its label.
INTAKE_ACTIONS = {
	OFFERED: ("offer", "Offer a Place"),
	ACCEPTED: ("accept", "Accept Offer"),
	DECLINED: ("decline", "Decline Offer"),
	NOT_ELIGIBLE: ("mark_not_eligible", "Mark Not Eligible"),
	SCREENING: ("rescreen", "Screen Again"),
	ENROLLED: ("enroll", "Enroll"),
}


def can_move(current: str, new: str) -> bool:
	return current == new or new in INTAKE_TRANSITIONS.get(current, ())


def places_left(capacity: int, enrolled: int, open_offers: int = 0) -> int:
	"""A programme's places left this year. Enrolment counts the enrolled only: the citizen who
	enrols holds one of the open offers. Offering counts the open offers too, so that no more
	places are offered than there are."""
	return max(capacity - enrolled - open_offers, 0)


def decision_deadline(offer_date: date, days_to_decide: int) -> date:
	return offer_date + timedelta(days=days_to_decide)


def plan_deadline(enrolment_date: date, weeks_to_write_plan: int) -> date:
	return enrolment_date + timedelta(weeks=weeks_to_write_plan)
