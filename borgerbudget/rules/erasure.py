"""Retention and erasure of a citizen's personal data (GDPR art. 5 and 17): when a participant's
data has served its purpose, and what erasure does to each field of the app's records.

Erasure pseudonymises: the participant keeps its id, and the figures the evaluation and the books
need (amounts, categories, dates, statuses, outcomes and verdicts) stay; every free text goes,
since any of them may carry personal data. A new free-text field is erased unless it is listed
here as kept, so forgetting a field errs on the side of the citizen.
"""

from __future__ import annotations

from datetime import date

from borgerbudget.rules.intake import DECLINED, NOT_ELIGIBLE

# What a participant's name becomes: the id alone says nothing about the person.
PSEUDONYM_PREFIX = "Pseudonym"


def pseudonym(participant: str) -> str:
	return f"{PSEUDONYM_PREFIX} {participant}"


PROPOSED, ERASED, KEPT = "Proposed", "Erased", "Kept"  # a Data Erasure's statuses
STATUSES = (PROPOSED, ERASED, KEPT)
NEVER_STARTED = (DECLINED, NOT_ELIGIBLE)  # intake ended without a course: retention runs from then


def retention_ends(
	*,
	course_ended_on: date | None,
	decided_on: date | None,
	in_control_group: bool,
	years: int,
	evaluation_ends_on: date | None,
) -> date | None:
	"""The day a participant's personal data has served its purpose, or None while it still does.

	- a member of the drawn control group: at the end of the evaluation (kept while none is set);
	- a citizen whose course ended: `years` after it ended;
	- a citizen who never started (declined, not eligible): `years` after that was decided;
	- a course still running, or nothing decided yet: kept.
	"""
	if in_control_group:
		return evaluation_ends_on
	ended = course_ended_on or decided_on
	if not ended or years <= 0:
		return None
	try:
		return ended.replace(year=ended.year + years)
	except ValueError:  # 29 February
		return ended.replace(year=ended.year + years, day=28)


def past_retention(ends: date | None, today: date) -> bool:
	return ends is not None and today >= ends


# Fields that carry text.
FREE_TEXT = frozenset(
	{
		"Data",
		"Small Text",
		"Text",
		"Long Text",
		"Text Editor",
		"HTML Editor",
		"Markdown Editor",
		"Code",
		"Attach",
		"Attach Image",
	}
)
# The name as a record shows it: the participant's own, and a payee's name in a payout batch.
PSEUDONYMISED = frozenset({"participant_name", "Participant.full_name", "Payout Batch Payment.party"})
# Structured texts that say nothing about the person: ids, references, codes, staff names.
KEPT_FIELDS = {
	"Budget Plan": {"method"},
	"Follow-up": {"method"},
	"Budget Line": {"payment_reference"},
	"Budget Advance": {"budget_line"},
	"Budget Plan Amendment Change": {"budget_line", "changed_fields"},
	"Budget Plan Amendment Line": {"budget_line"},
	"Follow-up Line Result": {"budget_line"},
	"Approval Vote": {"voter_name"},
	"Budget Plan Approval Member": {"full_name"},
	"MitID Login": {"reason", "assurance"},
	"Representative Action": {"action"},
	"Payout Batch Payment": {"end_to_end_id", "open_key", "fi_card_type", "fi_creditor", "fi_payment_id"},
	"E-Invoice": {
		"profile",
		"supplier_name",
		"supplier_cvr",
		"supplier_address",
		"payment_means",
		"fi_card_type",
		"fi_creditor",
		"fi_payment_id",
		"invoice_number",
		"billing_reference",
		"buyer_gln",
		"order_reference",
		"payment_reference",
		"budget_line",
		"dedupe_key",
	},
}
PSEUDONYM, BLANK, KEEP = "pseudonym", "blank", "keep"


def field_action(doctype: str, fieldname: str, fieldtype: str) -> str:
	"""What erasure does to a field of the app's records: PSEUDONYM, BLANK or KEEP."""
	if fieldtype not in FREE_TEXT:
		return KEEP  # numbers, dates, checks, selects and links: the figures and their structure
	if fieldname in PSEUDONYMISED or f"{doctype}.{fieldname}" in PSEUDONYMISED:
		return PSEUDONYM
	return KEEP if fieldname in KEPT_FIELDS.get(doctype, ()) else BLANK
