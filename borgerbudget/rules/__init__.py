"""Pure domain rules of borgerbudget, a module per domain.

No frappe import: every rule here has one home and a fast unit test. Controllers call these
functions and turn the structured results into translated messages. Callers name the domain:
`rules.approval.APPROVED`, `rules.payout.line_payout_status(...)`.
"""

from borgerbudget.rules import (
	amendment,
	approval,
	batch,
	course,
	cpr,
	draw,
	einvoice,
	erasure,
	evaluation,
	intake,
	mitid,
	payout,
	plan,
	programme,
	readability,
	reference,
	representation,
)

__all__ = [
	"amendment",
	"approval",
	"batch",
	"course",
	"cpr",
	"draw",
	"einvoice",
	"erasure",
	"evaluation",
	"intake",
	"mitid",
	"payout",
	"plan",
	"programme",
	"readability",
	"reference",
	"representation",
]
