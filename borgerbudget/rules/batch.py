"""Payout batches: the bank file's life from draft to the bank's answer."""

from __future__ import annotations

# A batch's status (Draft until approved; the bank's answers decide the rest).
DRAFT = "Draft"
APPROVED = "Approved"  # four eyes: approved by another finance user than the one who built it
SENT = "Sent"  # the file went to the bank
CONFIRMED = "Confirmed"
PARTLY_REJECTED = "Partly Rejected"
REJECTED = "Rejected"
STATUSES = (DRAFT, APPROVED, SENT, CONFIRMED, PARTLY_REJECTED, REJECTED)

# A payment's status in its batch.
PENDING = "Pending"
ACCEPTED = "Accepted"  # the bank took it (pain.002 ACCP / ACSP / ACSC)
PAID = "Confirmed"  # the money left the account (camt.054 booked, or pain.002 ACSC)
REFUSED = "Rejected"
PAYMENT_STATUSES = (PENDING, ACCEPTED, PAID, REFUSED)
SETTLED = (PAID, REFUSED)  # a later answer changes nothing

# The bank's codes (ISO 20022 ExternalPaymentTransactionStatus) and what they mean here.
BANK_STATUS = {
	"ACCP": ACCEPTED,
	"ACTC": ACCEPTED,
	"ACSP": ACCEPTED,
	"PDNG": ACCEPTED,
	"ACSC": PAID,
	"RJCT": REFUSED,
}

DOMESTIC, IBAN, FI_CARD, NEMKONTO = "Domestic", "IBAN", "FI Card", "NemKonto"


def next_payment_status(current: str, bank_status: str) -> str:
	"""A payment's status after the bank's answer: settled ones stay as they are, and an answer
	never moves a payment back (a late ACCP after a booking)."""
	new = BANK_STATUS.get(bank_status, current)
	if current in SETTLED:
		return current
	if current == ACCEPTED and new == PENDING:
		return current
	return new


def batch_status(current: str, payments: list[str]) -> str:
	"""The batch's status from its payments' (after the bank answered)."""
	if current == DRAFT or not payments:
		return current
	if all(status == REFUSED for status in payments):
		return REJECTED
	if all(status in SETTLED for status in payments):
		return PARTLY_REJECTED if REFUSED in payments else CONFIRMED
	if REFUSED in payments:
		return PARTLY_REJECTED
	return current


def payment_kind(
	*, nemkonto: bool, fi_creditor: str | None, iban: str | None, account: str | None
) -> str | None:
	"""How a payment reaches its payee: a citizen by NemKonto, a supplier by the FI card on its
	invoice, else by its IBAN, else by its Danish account; None when there is nothing to pay to."""
	if nemkonto:
		return NEMKONTO
	if fi_creditor:
		return FI_CARD
	if iban:
		return IBAN
	if account:
		return DOMESTIC
	return None
