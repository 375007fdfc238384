"""The pure payout rules: limits, line and advance statuses, receipt follow-up and claims."""

from datetime import date

import pytest

from borgerbudget import rules
from borgerbudget.rules.payout import LineMoney

TODAY = date(2026, 3, 12)


def test_overrun_is_zero_within_the_limit_and_the_excess_beyond_it():
	assert rules.payout.overrun(4000, 1500, 2500) == 0
	assert rules.payout.overrun(4000, 1500, 3000) == 500
	assert rules.payout.overrun(4000, 0, 4000.004) == 0  # rounding is not an overrun


def test_remaining_counts_committed_and_invoiced_money():
	money = LineMoney(approved=4000, committed=1000, invoiced=1500, paid=1500)
	assert money.used == 2500 and money.remaining == 1500


@pytest.mark.parametrize(
	"route, approved, closed, money, advance, expected",
	[
		(rules.plan.SUPPLIER_INVOICE, False, False, LineMoney(4000), None, rules.payout.NOT_APPROVED),
		(rules.plan.SUPPLIER_INVOICE, True, True, LineMoney(4000, invoiced=4000), None, rules.payout.CLOSED),
		(
			rules.plan.SUPPLIER_INVOICE,
			True,
			False,
			LineMoney(4000, committed=4000),
			None,
			rules.payout.AWAITING_INVOICE,
		),
		(
			rules.plan.SUPPLIER_INVOICE,
			True,
			False,
			LineMoney(4000, invoiced=4000),
			None,
			rules.payout.INVOICED,
		),
		(
			rules.plan.SUPPLIER_INVOICE,
			True,
			False,
			LineMoney(4000, invoiced=4000, paid=1000),
			None,
			rules.payout.PARTLY_PAID,
		),
		(
			rules.plan.SUPPLIER_INVOICE,
			True,
			False,
			LineMoney(4000, invoiced=1500, paid=1500),
			None,
			rules.payout.PAID,
		),
		(rules.plan.REIMBURSEMENT, True, False, LineMoney(800), None, rules.payout.AWAITING_ADVANCE),
		(
			rules.plan.REIMBURSEMENT,
			True,
			False,
			LineMoney(800, committed=800),
			rules.payout.AWAITING_PAYMENT,
			rules.payout.AWAITING_ADVANCE,
		),
		(
			rules.plan.REIMBURSEMENT,
			True,
			False,
			LineMoney(800, committed=800, paid=800),
			rules.payout.AWAITING_RECEIPTS,
			rules.payout.AWAITING_RECEIPTS,
		),
		(
			rules.plan.REIMBURSEMENT,
			True,
			False,
			LineMoney(800, committed=800, paid=800),
			rules.payout.RECEIPTS_OVERDUE,
			rules.payout.RECEIPTS_OVERDUE,
		),
		(
			rules.plan.REIMBURSEMENT,
			True,
			False,
			LineMoney(800, invoiced=800, paid=800),
			rules.payout.SETTLED,
			rules.payout.SETTLED,
		),
	],
)
def test_line_payout_status(route, approved, closed, money, advance, expected):
	assert rules.payout.line_payout_status(route, approved, closed, money, advance) == expected


@pytest.mark.parametrize(
	"paid, settled, claimed, unsettled, due, expected",
	[
		(0, 0, 0, 0, None, rules.payout.AWAITING_PAYMENT),
		(800, 0, 0, 0, date(2026, 3, 20), rules.payout.AWAITING_RECEIPTS),
		(800, 0, 0, 0, date(2026, 3, 11), rules.payout.RECEIPTS_OVERDUE),
		(800, 500, 0, 300, date(2026, 3, 11), rules.payout.RECEIPTS_RECEIVED),
		(800, 800, 0, 0, date(2026, 3, 11), rules.payout.SETTLED),
		(800, 500, 300, 0, date(2026, 3, 11), rules.payout.CLAIMED),
	],
)
def test_advance_status(paid, settled, claimed, unsettled, due, expected):
	assert rules.payout.advance_status(paid, settled, claimed, unsettled, due, TODAY) == expected


def test_receipts_are_reminded_once_then_escalated_once():
	due = date(2026, 3, 1)
	follow_up = rules.payout.receipt_follow_up
	assert follow_up(rules.payout.AWAITING_RECEIPTS, date(2026, 3, 12), None, None, 14, TODAY) is None
	assert follow_up(rules.payout.AWAITING_RECEIPTS, due, None, None, 14, TODAY) == rules.payout.REMIND
	assert follow_up(rules.payout.RECEIPTS_OVERDUE, due, date(2026, 3, 2), None, 14, TODAY) is None
	assert (
		follow_up(rules.payout.RECEIPTS_OVERDUE, due, date(2026, 2, 26), None, 14, TODAY)
		== rules.payout.ESCALATE
	)
	assert (
		follow_up(rules.payout.RECEIPTS_OVERDUE, due, date(2026, 2, 26), date(2026, 3, 11), 14, TODAY) is None
	)
	assert follow_up(rules.payout.RECEIPTS_RECEIVED, due, None, None, 14, TODAY) is None


def test_claim_status():
	assert rules.payout.claim_status(False, 0, None, TODAY) == rules.payout.AWAITING_BOOKING
	assert rules.payout.claim_status(True, 300, None, TODAY) == rules.payout.CLAIM_OPEN
	assert rules.payout.claim_status(True, 300, date(2026, 4, 1), TODAY) == rules.payout.DEFERRED
	assert rules.payout.claim_status(True, 300, date(2026, 3, 1), TODAY) == rules.payout.CLAIM_OPEN
	assert rules.payout.claim_status(True, 0, date(2026, 4, 1), TODAY) == rules.payout.CLAIM_PAID
