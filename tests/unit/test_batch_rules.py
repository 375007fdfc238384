"""Payout batches: how the bank's answers move a payment and its batch."""

from borgerbudget.rules import batch as B


def test_a_payment_moves_forward_only_and_settled_payments_stay():
	assert B.next_payment_status(B.PENDING, "ACCP") == B.ACCEPTED
	assert B.next_payment_status(B.ACCEPTED, "ACSC") == B.PAID
	assert B.next_payment_status(B.PENDING, "RJCT") == B.REFUSED
	assert B.next_payment_status(B.PAID, "RJCT") == B.PAID
	assert B.next_payment_status(B.REFUSED, "ACCP") == B.REFUSED
	assert B.next_payment_status(B.ACCEPTED, "PDNG") == B.ACCEPTED
	assert B.next_payment_status(B.PENDING, "XXXX") == B.PENDING


def test_the_batch_follows_its_payments():
	assert B.batch_status(B.SENT, [B.ACCEPTED, B.ACCEPTED]) == B.SENT
	assert B.batch_status(B.SENT, [B.PAID, B.PAID]) == B.CONFIRMED
	assert B.batch_status(B.SENT, [B.PAID, B.REFUSED]) == B.PARTLY_REJECTED
	assert B.batch_status(B.APPROVED, [B.ACCEPTED, B.REFUSED]) == B.PARTLY_REJECTED
	assert B.batch_status(B.SENT, [B.REFUSED, B.REFUSED]) == B.REJECTED
	assert B.batch_status(B.DRAFT, [B.PAID]) == B.DRAFT


def test_how_a_payee_is_paid():
	assert B.payment_kind(nemkonto=True, fi_creditor="1", iban="DK", account="1") == B.NEMKONTO
	assert B.payment_kind(nemkonto=False, fi_creditor="87654321", iban="DK50", account="1") == B.FI_CARD
	assert B.payment_kind(nemkonto=False, fi_creditor=None, iban="DK50", account="1") == B.IBAN
	assert B.payment_kind(nemkonto=False, fi_creditor=None, iban=None, account="12345678") == B.DOMESTIC
	assert B.payment_kind(nemkonto=False, fi_creditor=None, iban=None, account=None) is None
