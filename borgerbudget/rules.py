"""Pure domain rules of borgerbudget.

No frappe import: every rule here has one home and a fast unit test. Controllers call
these functions and turn the structured results into translated messages.
"""

from __future__ import annotations

import calendar
import hashlib
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


# Approval (seed 004, "Godkendelse af budgetter og planer"): three criteria, a colour
# suggested from the scores, and a route per colour ending in a decision.
APPROVED = "Approved"
NEEDS_REVISION = "Needs Revision"
REJECTED = "Rejected"
PLAN_STATUSES = (DRAFT, SUBMITTED, APPROVED, NEEDS_REVISION, REJECTED)
EDITABLE_PLAN_STATUSES = (DRAFT, NEEDS_REVISION)

YES = "Yes"
DOUBTFUL = "Doubtful"
NO = "No"
ANY = "Any"
DOUBTFUL_OR_NO = "Doubtful or no"
GREEN = "Green"
YELLOW = "Yellow"
RED = "Red"
CRITERIA = ("difference", "ability", "coherence")


@dataclass(frozen=True)
class ClassificationRule:
	"""Scores to match (YES, DOUBTFUL, NO, DOUBTFUL_OR_NO or ANY) and the colour they suggest."""

	difference: str
	ability: str
	coherence: str
	classification: str


# Trust in the citizen (ability) and in the plan (difference and coherence): doubt about
# one of them is yellow, doubt about both red. The first matching rule wins; no match is red.
DEFAULT_CLASSIFICATION_RULES = (
	ClassificationRule(YES, YES, YES, GREEN),
	ClassificationRule(DOUBTFUL_OR_NO, YES, ANY, YELLOW),
	ClassificationRule(ANY, YES, DOUBTFUL_OR_NO, YELLOW),
	ClassificationRule(YES, DOUBTFUL_OR_NO, YES, YELLOW),
)


def score_matches(condition: str, score: str) -> bool:
	if condition == ANY:
		return True
	if condition == DOUBTFUL_OR_NO:
		return score in (DOUBTFUL, NO)
	return condition == score


def suggest_classification(scores: dict[str, str], classification_rules) -> str | None:
	"""The colour for the three scores, or None while a score is missing."""
	if any(not scores.get(criterion) for criterion in CRITERIA):
		return None
	for rule in classification_rules:
		if all(score_matches(getattr(rule, criterion), scores[criterion]) for criterion in CRITERIA):
			return rule.classification
	return RED


# Workflow states of an approval. The Workflow fixture mirrors this table for the desk's
# action menu; the controller enforces it for every route (REST, frappe.client, forms).
AWAITING_ASSESSMENT = "Awaiting Assessment"
AWAITING_COMMENTS = "Awaiting Colleague Comments"
AWAITING_TEAM = "Awaiting Team Decision"
PLAN_APPROVED = "Plan Approved"
PLAN_NEEDS_REVISION = "Plan Needs Revision"
PLAN_REJECTED = "Plan Rejected"
OPEN_STATES = (AWAITING_ASSESSMENT, AWAITING_COMMENTS, AWAITING_TEAM)
DECISIONS = {PLAN_APPROVED: APPROVED, PLAN_NEEDS_REVISION: NEEDS_REVISION, PLAN_REJECTED: REJECTED}

CASEWORKER = "caseworker"  # the caseworker who assesses the plan
TEAM_LEAD = "team lead"  # the lead of the case's team, never the assessing caseworker

APPROVAL_TRANSITIONS = {
	(AWAITING_ASSESSMENT, AWAITING_COMMENTS): CASEWORKER,
	(AWAITING_ASSESSMENT, AWAITING_TEAM): CASEWORKER,
	(AWAITING_ASSESSMENT, PLAN_APPROVED): CASEWORKER,
	(AWAITING_ASSESSMENT, PLAN_NEEDS_REVISION): CASEWORKER,
	(AWAITING_COMMENTS, PLAN_APPROVED): CASEWORKER,
	(AWAITING_COMMENTS, AWAITING_TEAM): CASEWORKER,
	(AWAITING_COMMENTS, PLAN_NEEDS_REVISION): CASEWORKER,
	(AWAITING_TEAM, PLAN_APPROVED): TEAM_LEAD,
	(AWAITING_TEAM, PLAN_REJECTED): TEAM_LEAD,
	(AWAITING_TEAM, PLAN_NEEDS_REVISION): TEAM_LEAD,
}
# Who may change an approval while it waits in a state.
RESPONSIBLE = {AWAITING_ASSESSMENT: CASEWORKER, AWAITING_COMMENTS: CASEWORKER, AWAITING_TEAM: TEAM_LEAD}

# The colour an assessment must have to leave the first state for each next state.
ROUTE_COLOUR = {AWAITING_COMMENTS: YELLOW, AWAITING_TEAM: RED, PLAN_APPROVED: GREEN}

FOR = "For"
AGAINST = "Against"
ABSTAIN = "Abstain"


@dataclass(frozen=True)
class TeamVote:
	"""The team meeting of a red case. The assessing caseworker's vote is never counted."""

	took_part: int  # members who took part, the assessing caseworker not counted
	votes_for: int
	votes_against: int
	abstentions: int
	not_voted: int  # members who took part without a recorded vote
	quorum: int
	majority_percent: float  # approval needs more than this share of the votes for or against

	@property
	def has_quorum(self) -> bool:
		return self.took_part >= self.quorum

	@property
	def has_majority(self) -> bool:
		cast = self.votes_for + self.votes_against
		return cast > 0 and self.votes_for * 100 > self.majority_percent * cast


@dataclass(frozen=True)
class ApprovalFacts:
	scores: dict[str, str]
	notes: dict[str, str]
	suggested: str | None
	classification: str | None
	override_reason: str
	colleagues: int
	colleague_answers: int
	team: TeamVote | None
	meeting_recorded: bool
	decision_reason: str
	course_months: int
	min_course_months: int
	max_course_months: int
	follow_up_frequency: str
	first_follow_up_in_course: bool | None  # None: no date given
	amendment: bool = False  # a change to a running course, whose length and follow-up are set


def missing_assessment(scores: dict[str, str], notes: dict[str, str]) -> list[str]:
	"""The criteria without a score or a note, as 'score:<criterion>' / 'note:<criterion>'."""
	missing = []
	for criterion in CRITERIA:
		if not scores.get(criterion):
			missing.append(f"score:{criterion}")
		if not (notes.get(criterion) or "").strip():
			missing.append(f"note:{criterion}")
	return missing


def transition_problems(current: str, new: str, facts: ApprovalFacts) -> list[str]:
	"""Why an approval may not move from `current` to `new` (empty when it may)."""
	if (current, new) not in APPROVAL_TRANSITIONS:
		return ["order"]
	problems = []
	if current == AWAITING_ASSESSMENT and new != PLAN_NEEDS_REVISION:
		problems += missing_assessment(facts.scores, facts.notes)
		if (
			facts.classification
			and facts.classification != facts.suggested
			and not facts.override_reason.strip()
		):
			problems.append("override_reason")
		if facts.classification != ROUTE_COLOUR[new]:
			problems.append("classification")
	if new == AWAITING_COMMENTS and facts.colleagues < 1:
		problems.append("colleagues")
	if current == AWAITING_COMMENTS and new != PLAN_NEEDS_REVISION and facts.colleague_answers < 1:
		problems.append("colleague_answers")
	if current == AWAITING_TEAM:
		if not facts.meeting_recorded:
			problems.append("meeting")
		if facts.team is None or not facts.team.has_quorum:
			problems.append("quorum")
		elif facts.team.not_voted:
			problems.append("votes_missing")
		elif new == PLAN_APPROVED and not facts.team.has_majority:
			problems.append("majority")
		elif new == PLAN_REJECTED and facts.team.has_majority:
			problems.append("majority_for")
	if new in (PLAN_NEEDS_REVISION, PLAN_REJECTED) and not facts.decision_reason.strip():
		problems.append("decision_reason")
	if new == PLAN_APPROVED and not facts.amendment:
		if not facts.min_course_months <= facts.course_months <= facts.max_course_months:
			problems.append("course_months")
		if not facts.follow_up_frequency:
			problems.append("follow_up_frequency")
		if facts.first_follow_up_in_course is None:
			problems.append("first_follow_up")
		elif not facts.first_follow_up_in_course:
			problems.append("first_follow_up_outside")
	return problems


# Payout (seed 004, "Udbetaling af midler"): invoice first, small amounts against receipts.
CENT = 0.005

# A budget line's payout status, derived from the documents in ERPNext.
NOT_APPROVED = "Not Approved"
AWAITING_INVOICE = "Awaiting Invoice"
INVOICED = "Invoiced"
PARTLY_PAID = "Partly Paid"
PAID = "Paid"
AWAITING_ADVANCE = "Awaiting Advance"
CLOSED = "Closed"

# An advance to the citizen, from payment to settlement.
AWAITING_PAYMENT = "Awaiting Payment"
AWAITING_RECEIPTS = "Awaiting Receipts"
RECEIPTS_RECEIVED = "Receipts Received"
RECEIPTS_OVERDUE = "Receipts Overdue"
SETTLED = "Settled"
CLAIMED = "Claimed"
OPEN_ADVANCE_STATUSES = (AWAITING_PAYMENT, AWAITING_RECEIPTS, RECEIPTS_RECEIVED, RECEIPTS_OVERDUE)

# A repayment claim against the citizen.
AWAITING_BOOKING = "Awaiting Booking"
CLAIM_OPEN = "Open"
DEFERRED = "Deferred"
CLAIM_PAID = "Paid"


@dataclass(frozen=True)
class LineMoney:
	"""What has happened to one budget line's money."""

	approved: float
	committed: float = 0.0  # draft invoices and advances not yet settled or claimed back
	invoiced: float = 0.0  # submitted invoices, including receipts settled against an advance
	paid: float = 0.0

	@property
	def used(self) -> float:
		return self.committed + self.invoiced

	@property
	def remaining(self) -> float:
		return round(self.approved - self.used, 2)


def overrun(limit: float, used: float, requested: float) -> float:
	"""How far `requested` on top of `used` goes past `limit`; 0 when it fits."""
	excess = round(used + requested - limit, 2)
	return excess if excess > CENT else 0.0


def line_payout_status(
	route: str, approved: bool, closed: bool, money: LineMoney, advance: str | None
) -> str:
	"""`advance` is the status of the line's latest advance, if it has one."""
	if closed:
		return CLOSED
	if not approved:
		return NOT_APPROVED
	if route == REIMBURSEMENT and advance in OPEN_ADVANCE_STATUSES:
		return AWAITING_ADVANCE if advance == AWAITING_PAYMENT else advance
	if money.invoiced <= CENT:
		return AWAITING_ADVANCE if route == REIMBURSEMENT else AWAITING_INVOICE
	if route == REIMBURSEMENT:
		return SETTLED
	if money.paid + CENT >= money.invoiced:
		return PAID
	return PARTLY_PAID if money.paid > CENT else INVOICED


def advance_status(
	paid: float, settled: float, claimed: float, unsettled_receipts: float, due: date | None, on: date
) -> str:
	if paid <= CENT:
		return AWAITING_PAYMENT
	outstanding = round(paid - settled - claimed, 2)
	if outstanding <= CENT:
		return CLAIMED if claimed > CENT else SETTLED
	if unsettled_receipts + CENT >= outstanding:
		return RECEIPTS_RECEIVED
	if due and on > due:
		return RECEIPTS_OVERDUE
	return AWAITING_RECEIPTS


REMIND = "remind"
ESCALATE = "escalate"


def receipt_follow_up(
	status: str,
	due: date | None,
	reminded: date | None,
	escalated: date | None,
	escalation_days: int,
	on: date,
) -> str | None:
	"""What the daily job does for an advance: remind the citizen once the receipts are overdue,
	then escalate once, `escalation_days` after the reminder."""
	if status not in (AWAITING_RECEIPTS, RECEIPTS_OVERDUE) or not due or on <= due:
		return None
	if not reminded:
		return REMIND
	if not escalated and (on - reminded).days >= escalation_days:
		return ESCALATE
	return None


def claim_status(booked: bool, outstanding: float, deferred_until: date | None, on: date) -> str:
	if not booked:
		return AWAITING_BOOKING
	if outstanding <= CENT:
		return CLAIM_PAID
	if deferred_until and deferred_until >= on:
		return DEFERRED
	return CLAIM_OPEN


# The random draw (lodtrækning): fair, reproducible and auditable.
DESIGNATED = "Designated by caseworker"
RANDOM_DRAW = "Random draw"


def pool_fingerprint(participant_ids: list[str]) -> str:
	"""SHA-256 of the sorted pseudonymous ids, one per line: anyone can check the pool."""
	return hashlib.sha256("\n".join(sorted(participant_ids)).encode()).hexdigest()


def draw_order(participant_ids: list[str], seed: str) -> list[str]:
	"""The pool in draw order: sorted by SHA-256 of "seed:id". The hash makes the order a
	uniformly random permutation for an unknown seed; with the recorded seed, anyone can
	recompute it with any SHA-256 tool, independently of this program's random generator."""
	return sorted(set(participant_ids), key=lambda pid: hashlib.sha256(f"{seed}:{pid}".encode()).hexdigest())


def draw(participant_ids: list[str], places: int, seed: str) -> list[str]:
	"""The first `places` of the draw order."""
	if places < 0:
		raise ValueError("places must be zero or more")
	return draw_order(participant_ids, seed)[:places]


# The course's length after approval: 6 months by default, extendable to the programme's maximum.
def extension_problem(start: date, current_end: date, new_end: date, max_months: int) -> str | None:
	if new_end <= current_end:
		return "not_later"
	if new_end > add_months(start, max_months):
		return "too_long"
	return None


# Follow-up: the agreed contact frequency gives the next date.
FOLLOW_UP_INTERVALS = {
	"Weekly": (7, 0),
	"Every two weeks": (14, 0),
	"Monthly": (0, 1),
	"Every two months": (0, 2),
}


def next_follow_up(on: date, frequency: str | None) -> date:
	days, months = FOLLOW_UP_INTERVALS.get(frequency or "", (0, 1))
	return add_months(on, months) + timedelta(days=days)


# The collective course: a kick-off and two workshop days.
def attendance_gap(sessions: list[tuple[date | None, bool]], on: date) -> str | None:
	"""Why a participant has not yet attended the collective course: no session held yet, or a
	session held that they missed. None when they attended every session held so far."""
	held = [attended for day, attended in sessions if day and day <= on]
	if not held:
		return "not_started"
	if not all(held):
		return "missed"
	return None


# Amendments (seed 004: "med mulighed for mindre ændringer på sigt").
ADDED = "Added"
CHANGED = "Changed"
DROPPED = "Dropped"
GREEN_BY_RULE = "Green by Rule"
ASSESSMENT = "Assessment"
# A line given a new purpose is new money, however little its amount changes.
PURPOSE_FIELDS = (
	"description",
	"category",
	"payment_route",
	"supplier",
	"supplier_text",
	"goal",
	"theory_of_change",
)


@dataclass(frozen=True)
class Change:
	kind: str
	key: str | None  # the approved line; None for an added one
	old_amount: float
	new_amount: float
	fields: tuple[str, ...] = ()  # the fields that differ from the approved line
	index: int | None = None  # the position in the proposed lines; None for a dropped line

	@property
	def difference(self) -> float:
		return round(self.new_amount - self.old_amount, 2)

	@property
	def new_money(self) -> float:
		if self.kind == ADDED or set(self.fields) & set(PURPOSE_FIELDS):
			return self.new_amount
		return max(self.difference, 0.0)


def amendment_changes(approved: dict[str, dict], proposed: list[tuple[str | None, dict]]) -> list[Change]:
	"""The diff of an amendment: `approved` maps each approved line to its values, `proposed` is
	the lines after the change as (approved line or None, values). Values hold `amount` and the
	other compared fields; an approved line missing from `proposed` is dropped."""
	changes, seen = [], set()
	for index, (key, values) in enumerate(proposed):
		amount = round(float(values.get("amount") or 0), 2)
		if key is None:
			changes.append(Change(ADDED, None, 0.0, amount, index=index))
			continue
		seen.add(key)
		old = approved[key]
		fields = tuple(name for name in values if values[name] != old.get(name))
		if fields:
			changes.append(
				Change(CHANGED, key, round(float(old.get("amount") or 0), 2), amount, fields, index)
			)
	for key, old in approved.items():
		if key not in seen:
			changes.append(Change(DROPPED, key, round(float(old.get("amount") or 0), 2), 0.0))
	return changes


def amendment_size(changes: list[Change]) -> float:
	"""The new money an amendment directs: what is assessed against the programme's threshold."""
	return round(sum(change.new_money for change in changes), 2)


def amendment_route(changes: list[Change], threshold: float) -> str:
	"""Small changes go green by rule; larger ones through the normal assessment."""
	return GREEN_BY_RULE if amendment_size(changes) <= threshold + CENT else ASSESSMENT


def below_used(changes: list[Change], used: dict[str, float]) -> list[Change]:
	"""Changes that take an approved line below what has been invoiced or committed on it."""
	return [
		change for change in changes if change.key and change.new_amount < used.get(change.key, 0.0) - CENT
	]


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
