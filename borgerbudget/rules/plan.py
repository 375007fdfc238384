"""Budget plans: their lines, the checks before submission and the plan's statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Budget plans. Line problems are (code, line index) pairs for translated messages.
DRAFT = "Draft"
SUBMITTED = "Submitted for Assessment"
SUPPLIER_INVOICE = "Supplier invoice"
REIMBURSEMENT = "Reimbursement to the citizen"
# A small sum the citizen spends as they see fit, paid to their NemKonto without receipts (like the
# Dutch personal budget's free allowance); the programme sets how much a plan may hold.
ALLOWANCE = "Receipt-free allowance"
TO_THE_CITIZEN = (REIMBURSEMENT, ALLOWANCE)  # paid to the citizen's own supplier record
ROUTES = (SUPPLIER_INVOICE, REIMBURSEMENT, ALLOWANCE)

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
	allowance_limit: float = 0.0,
) -> list[tuple[str, int]]:
	"""Problems that stop a plan from being saved: amount, need date, route limit, goal, and the
	receipt-free allowance past the programme's limit (reported on the line that takes it past)."""
	problems = []
	allowance = 0.0
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
		if line.payment_route == ALLOWANCE:
			allowance = round(allowance + (line.amount or 0), 2)
			if allowance > allowance_limit + 0.005:
				problems.append(("allowance_limit", index))
	return problems


# The line's field each problem of line_problems is about (where a form shows it): a route's limit is
# met by choosing another route.
PROBLEM_FIELDS = {
	"amount": "amount",
	"need_date": "need_date",
	"reimbursement_limit": "payment_route",
	"allowance_limit": "payment_route",
	"goal": "goal",
}


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


# The plan's statuses. Its approval decides; the plan carries the decision.
APPROVED = "Approved"
NEEDS_REVISION = "Needs Revision"
REJECTED = "Rejected"
PLAN_STATUSES = (DRAFT, SUBMITTED, APPROVED, NEEDS_REVISION, REJECTED)
EDITABLE_PLAN_STATUSES = (DRAFT, NEEDS_REVISION)
DECIDED_PLAN_STATUSES = (APPROVED, NEEDS_REVISION, REJECTED)

# The steps between them. The controller checks each step's condition and carries it out:
SUBMIT = "submit"  # the plan must be complete
WITHDRAW = "withdraw"  # by a caseworker, while no one is assessing it
DECIDE = "decide"  # to the decision of the plan's approval
REOPEN = "reopen"  # the decision was cancelled: the plan waits for a new assessment
PLAN_TRANSITIONS = {
	(DRAFT, SUBMITTED): SUBMIT,
	(NEEDS_REVISION, SUBMITTED): SUBMIT,
	(SUBMITTED, DRAFT): WITHDRAW,
	**{(SUBMITTED, decided): DECIDE for decided in DECIDED_PLAN_STATUSES},
	(APPROVED, SUBMITTED): REOPEN,
	(REJECTED, SUBMITTED): REOPEN,
}


def plan_step(current: str, new: str) -> str | None:
	"""The step from `current` to `new`, or None when a plan cannot move so."""
	return PLAN_TRANSITIONS.get((current, new))
