"""Pure domain rules of borgerbudget.

No frappe import: every rule here has one home and a fast unit test. Controllers call
these functions and turn the structured results into translated messages.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

# CPR numbers: DDMMYY-SSSS. The century follows from the 7th digit (the first of the
# serial) together with the two-digit year, as defined by the CPR office.
_CPR_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


class CprError(ValueError):
	"""A CPR number that cannot be accepted. `code` says why, for a translated message."""

	FORMAT = "format"
	DATE = "date"

	def __init__(self, code: str):
		super().__init__(code)
		self.code = code


@dataclass(frozen=True)
class Cpr:
	digits: str  # ten digits, no dash
	birth_date: date

	@property
	def formatted(self) -> str:
		return f"{self.digits[:6]}-{self.digits[6:]}"

	@property
	def masked(self) -> str:
		return f"{self.digits[:6]}-XXXX"


def cpr_century(seventh_digit: int, two_digit_year: int) -> int:
	if seventh_digit <= 3:
		return 1900
	if seventh_digit in (4, 9):
		return 2000 if two_digit_year <= 36 else 1900
	# 5, 6, 7, 8
	return 2000 if two_digit_year <= 57 else 1800


def parse_cpr(value: str) -> Cpr:
	"""Parse `DDMMYY-SSSS` (the dash may be left out; surrounding spaces are ignored)."""
	match = _CPR_PATTERN.match((value or "").strip())
	if not match:
		raise CprError(CprError.FORMAT)
	day, month, year, serial = match.groups()
	century = cpr_century(int(serial[0]), int(year))
	try:
		birth_date = date(century + int(year), int(month), int(day))
	except ValueError:
		raise CprError(CprError.DATE) from None
	return Cpr(digits=f"{day}{month}{year}{serial}", birth_date=birth_date)


def age_on(birth_date: date, on: date) -> int:
	return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


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


def can_move(current: str, new: str) -> bool:
	return current == new or new in INTAKE_TRANSITIONS.get(current, ())


def decision_deadline(offer_date: date, days_to_decide: int) -> date:
	return offer_date + timedelta(days=days_to_decide)


def plan_deadline(enrolment_date: date, weeks_to_write_plan: int) -> date:
	return enrolment_date + timedelta(weeks=weeks_to_write_plan)


def add_months(start: date, months: int) -> date:
	"""Same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
	month_index = start.month - 1 + months
	year, month = start.year + month_index // 12, month_index % 12 + 1
	return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# Budget plans. Line problems are (code, line index) pairs for translated messages.
DRAFT = "Draft"
SUBMITTED = "Submitted for Assessment"
SUPPLIER_INVOICE = "Supplier invoice"
REIMBURSEMENT = "Reimbursement to the citizen"

# The categories of spend in the Aarhus evaluation and the seeds. Records, named in Danish like
# the benefit types; municipalities add their own.
BUDGET_CATEGORIES = (
	"Kursus / uddannelse",
	"Kørekort",
	"Transport",
	"Computer / udstyr",
	"Tandbehandling",
	"Terapi / sundhed",
	"Diætist",
	"Bolig / møbler",
	"Cykel / knallert",
	"Gældsafvikling",
	"Depositum til bolig",
	"Opstart / selvstændig virksomhed",
	"Andre udgifter",
)


@dataclass(frozen=True)
class Line:
	amount: float
	need_date: date | None
	payment_route: str
	theory_of_change: str = ""
	goal: str = ""


def line_problems(
	lines: list[Line],
	reimbursement_limit: float,
	course_start: date | None,
	course_end: date | None,
	goals: list[str],
) -> list[tuple[str, int]]:
	"""Problems that stop a plan from being saved: amount, need date, route limit, goal."""
	problems = []
	for index, line in enumerate(lines):
		if not line.amount or line.amount <= 0:
			problems.append(("amount", index))
		if (
			line.need_date
			and course_start
			and course_end
			and not course_start <= line.need_date <= course_end
		):
			problems.append(("need_date", index))
		if line.payment_route == REIMBURSEMENT and line.amount > reimbursement_limit:
			problems.append(("reimbursement_limit", index))
		if line.goal and line.goal not in goals:
			problems.append(("goal", index))
	return problems


def plan_total(lines: list[Line]) -> float:
	return round(sum(line.amount or 0 for line in lines), 2)


def missing_for_submission(parts: dict[str, object], lines: list[Line]) -> list[str]:
	"""What must still be written before the plan can go for assessment.

	`parts` maps a part's name to its content; lines without a theory of change are
	reported as 'theory_of_change:<line number>'.
	"""
	missing = [name for name, content in parts.items() if not content or not str(content).strip()]
	if not lines:
		missing.append("lines")
	missing.extend(
		f"theory_of_change:{index + 1}"
		for index, line in enumerate(lines)
		if not (line.theory_of_change or "").strip()
	)
	return missing


def timeline(start: date, need_dates: list[date | None], months: int = 3) -> list[list[int]]:
	"""Place items by need date in `months` monthly columns from `start` (Randers' three-month
	timeline). Returns the item indexes per column; items before the start go in the first
	column, later ones in the last."""
	columns: list[list[int]] = [[] for _ in range(months)]
	for index, need_date in enumerate(need_dates):
		month = 0 if need_date is None else (need_date.year - start.year) * 12 + need_date.month - start.month
		columns[min(max(month, 0), months - 1)].append(index)
	return columns
