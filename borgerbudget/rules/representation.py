"""Representatives (fuldmagt): who may act for a citizen, how far, and for how long."""

from __future__ import annotations

from datetime import date, datetime

READ, ACT = "Read", "Act"  # read: see the plan, its status and payouts; act: also change and submit
SCOPES = (READ, ACT)

POWER_OF_ATTORNEY = "Digital power of attorney"  # digital fuldmagt, with its reference
GUARDIANSHIP = "Guardianship"  # værgemål, with the decision's reference
WRITTEN_CONSENT = "Written consent"  # the citizen's signed consent, attached
LEGAL_BASES = (POWER_OF_ATTORNEY, GUARDIANSHIP, WRITTEN_CONSENT)

ACTIVE, NOT_YET, EXPIRED, REVOKED = "Active", "Not yet valid", "Expired", "Revoked"
STATUSES = (ACTIVE, NOT_YET, EXPIRED, REVOKED)


def status(valid_from: date | None, valid_to: date | None, revoked_on: datetime | None, on: date) -> str:
	"""A representation's status on a day: revoking and expiry end it by themselves."""
	if revoked_on:
		return REVOKED
	if valid_from and on < valid_from:
		return NOT_YET
	if valid_to and on > valid_to:
		return EXPIRED
	return ACTIVE


def missing_basis(legal_basis: str, reference: str | None, document: str | None) -> str | None:
	"""What the legal basis still needs: a reference for a power of attorney or a guardianship, the
	signed document for written consent."""
	if legal_basis in (POWER_OF_ATTORNEY, GUARDIANSHIP) and not (reference or "").strip():
		return "reference"
	if legal_basis == WRITTEN_CONSENT and not document:
		return "document"
	return None
