"""Payout (seed 004, "Udbetaling af midler"): line, advance and claim statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from borgerbudget.rules.plan import REIMBURSEMENT

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


def payable(approved: bool, closed: bool, remaining: float) -> bool:
	"""Whether a line can take a new invoice or advance."""
	return bool(approved) and not closed and remaining > CENT


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
