"""The refusals of the bank-file layer: one error class, its codes and their English templates.

A message never carries a CPR number: payments are named by their end-to-end id.
"""

from __future__ import annotations

MESSAGES = {
	# The payment file (pain.001)
	"empty_batch": "The payout batch has no payments.",
	"bad_text": "{field} is empty, too long (at most {limit} characters) or holds characters a bank file cannot carry.",
	"bad_amount": "Payment {end_to_end_id}: the amount {amount} is not a positive amount in kroner and øre.",
	"bad_end_to_end_id": 'The end-to-end id "{end_to_end_id}" is empty, longer than 35 characters or holds characters a bank file cannot carry.',
	"duplicate_end_to_end_id": "The end-to-end id {end_to_end_id} is used by more than one payment in the batch.",
	"unknown_kind": 'Payment {end_to_end_id}: "{kind}" is not a kind of payment this file can carry.',
	"missing_account": "Payment {end_to_end_id}: the creditor has no {needed} for a {kind} payment.",
	"bad_account": '{who}: "{reg_no}" / "{account}" is not a Danish account (a 4-digit registration number and an account number of 1 to 10 digits).',
	"bad_iban": '{who}: "{iban}" is not a valid IBAN ({reason}).',
	"bad_bic": '{who}: "{bic}" is not a BIC.',
	"bad_fi_card": "Payment {end_to_end_id}: the FI-kort details are wrong ({reason}).",
	"bad_cpr": "Payment {end_to_end_id}: the CPR number is not 10 digits.",
	"too_many_payments": "The batch has {count} payments; a file takes at most {limit}.",
	"schema": "The payment file does not follow the pain.001.001.03 schema: {error}",
	"schema_unavailable": "The pain.001.001.03 schema is not available (install {package} {version}), so no payment file is written.",
	# The bank's answers (pain.002, camt.054)
	"too_large": "The document is {size} bytes; at most {limit} bytes are accepted.",
	"not_xml": "The document is not well-formed XML: {error}",
	"entities": "The document declares a DOCTYPE or entities, which are refused for safety.",
	"wrong_document": "The document is not a {expected} (its root element is {root}).",
	"missing": "The document lacks {element}.",
	"bad_value": "The document's {element} is not a valid {what}: {value}.",
}


class BankError(Exception):
	"""A refused batch or bank document: `code` (a key of MESSAGES), `params` and the English `message`
	template, which the Frappe side translates and fills with `params`."""

	def __init__(self, code: str, **params):
		self.code = code
		self.params = params
		self.message = MESSAGES[code]
		super().__init__(self.message.format(**params))
