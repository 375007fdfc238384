"""Suppliers' e-invoices in: the inbox's statuses and why an e-invoice finds no budget line."""

from __future__ import annotations

from dataclasses import dataclass

# An e-invoice's status in the inbox.
RECEIVED = "Received"  # read, not yet matched
DRAFTED = "Drafted"  # a draft Purchase Invoice on the line waits for finance
UNMATCHED = "Unmatched"  # in finance's work queue, with the reason
NEEDS_SUPPLIER = "Needs Supplier"  # no supplier has the invoice's CVR number
REJECTED = "Rejected"  # by finance, with a reason
FORWARDED = "Forwarded"  # not a citizen's budget: sent on outside the app
REFUSED = "Refused"  # not a readable, valid e-invoice; the original is kept for audit
DUPLICATE = "Duplicate"  # the supplier sent this invoice number before
STATUSES = (RECEIVED, DRAFTED, UNMATCHED, NEEDS_SUPPLIER, REJECTED, FORWARDED, REFUSED, DUPLICATE)
# Where finance may still act: match by hand, reject, forward, or try the match again.
OPEN_STATUSES = (RECEIVED, UNMATCHED, NEEDS_SUPPLIER)

# Finance's actions and the statuses each may start from.
MATCH, REJECT, FORWARD = "match", "reject", "forward"
ACTIONS = {MATCH: OPEN_STATUSES, REJECT: OPEN_STATUSES, FORWARD: OPEN_STATUSES}

INVOICE = "Invoice"
CREDIT_NOTE = "Credit Note"

# Why an e-invoice found no line; the controller says each in plain words.
NO_REFERENCE = "no_reference"
UNKNOWN_REFERENCE = "unknown_reference"
NOT_APPROVED = "not_approved"
LINE_CLOSED = "line_closed"
NOT_SUPPLIER_LINE = "not_supplier_line"
OTHER_SUPPLIER = "other_supplier"
OVER_REMAINING = "over_remaining"
WRONG_EAN = "wrong_ean"
UNKNOWN_SUPPLIER = "unknown_supplier"
NO_CREDITED_INVOICE = "no_credited_invoice"
CURRENCY = "currency"
NOTHING_TO_PAY = "nothing_to_pay"
NO_LINE_SUPPLIER = "no_line_supplier"
ALREADY_REGISTERED = "already_registered"
# Reasons that say the invoice is not the municipality's business (yet): it is not tied to the
# case it names, so the case's caseworkers do not see it.
NOT_OURS = (WRONG_EAN, UNKNOWN_SUPPLIER)


@dataclass(frozen=True)
class LineFacts:
	approved: bool
	closed: bool
	supplier_line: bool  # paid by supplier invoice, not reimbursed to the citizen
	supplier: str | None  # the line's supplier, if it names one
	remaining: float
	currency: str
	ean: str | None = None  # the line's programme's EAN location number


def can(action: str, status: str) -> bool:
	return status in ACTIONS.get(action, ())


def match_problem(
	*,
	buyer_gln: str | None,
	municipality_glns: set[str],
	supplier: str | None,
	line: LineFacts | None,
	reference: str | None,
	amount: float,
	credit_note: bool = False,
	currency: str,
	tolerance: float = 0.0,
) -> str | None:
	"""Why an invoice (or credit note) for `amount` cannot be drafted on `line` (None: it can).
	`line` is None when the reference names no line; checks run in the order finance would ask."""
	if buyer_gln not in municipality_glns:
		return WRONG_EAN
	if not supplier:
		return UNKNOWN_SUPPLIER
	if amount <= 0:
		return NOTHING_TO_PAY
	if not reference:
		return NO_REFERENCE
	if line is None:
		return UNKNOWN_REFERENCE
	if line.ean and buyer_gln != line.ean:
		return WRONG_EAN  # addressed to another of the municipality's locations than the line's programme
	if not line.approved:
		return NOT_APPROVED
	if line.closed:
		return LINE_CLOSED
	if not line.supplier_line:
		return NOT_SUPPLIER_LINE
	if not line.supplier:
		return NO_LINE_SUPPLIER
	if line.supplier != supplier:
		return OTHER_SUPPLIER
	if currency != line.currency:
		return CURRENCY
	if not credit_note and amount > line.remaining + tolerance + 0.005:
		return OVER_REMAINING
	return None
