"""Write a payout batch as an ISO 20022 pain.001.001.03 CustomerCreditTransferInitiation in DKK.

    render(batch) -> bytes      check every payment, write the file, validate it against the
                                pain.001.001.03 XSD; any refusal is a BankError (errors.py)

The input is a frozen `Batch` of frozen `Payment`s; the same input always gives the same bytes.
A citizen's CPR number (NEMKONTO payments) is read from its Payment and written into the returned
bytes, nowhere else: it is not logged, not kept by this module, not part of any error message, and
`Payment`'s repr leaves it out.

What is written, per kind, and the guideline behind it. The Danish banks (Danske Bank, Nordea,
Jyske Bank, the Bankdata and BEC banks) take pain.001.001.03 after a common Danish implementation
guideline: "Appendix to Danish Message Implementation Guideline for Common Global Implementation
(CGI) Customer Credit Transfer Initiation and Danish Implementation Guideline for CGI Customer
Payment Status Report", final version of 4 October 2013, whose worked examples include "Payment
Slip (OCR) (Payment Slip - FIK 71 / 73 / 75)" (pp. 28-39) and "Payment to EasyAccount (NKS) With
(CPR)" (p. 45; EasyAccount is the NemKonto, NKS the NemKonto system). Only that document's table of
contents could be consulted when this was written, so the elements below are the ISO 20022
standard as that guideline uses it to the best of our knowledge, and the parts marked UNSURE must
be checked against those examples or the bank's own message implementation guide before the first
live file (the schema check below cannot catch a wrong code, only a wrong structure).

- Every file: GrpHdr with MsgId, CreDtTm, NbOfTxs, CtrlSum and InitgPty (Nm, and the bank's
  customer/agreement id in Id/OrgId/Othr when given, SchmeNm/Cd CUST — UNSURE: some banks want BANK
  or their own scheme). One PmtInf per kind (and per FI-kort card type), all on the batch's
  execution date, PmtMtd TRF, with NbOfTxs and CtrlSum. The debtor's account is an IBAN or a
  Danish BBAN (Othr/Id = registration number + account number padded to 10 digits, 14 digits in
  all, SchmeNm/Cd BBAN) with Ccy DKK; the debtor's agent is its BIC, else the Danish clearing
  system's member id (ClrSysMmbId/ClrSysId/Cd DKNCS, MmbId the registration number), else
  Othr/Id NOTPROVIDED.
- DOMESTIC (a Danish account): PmtTpInf/SvcLvl/Cd NURG (a normal, non-urgent domestic transfer);
  CdtrAcct/Id/Othr/Id = the 14-digit BBAN with SchmeNm/Cd BBAN; CdtrAgt/FinInstnId/ClrSysMmbId with
  ClrSysId/Cd DKNCS and MmbId = the registration number; RmtInf/Ustrd = the remittance (the
  supplier's invoice number). UNSURE: whether a bank wants NURG in SvcLvl at all.
- IBAN: CdtrAcct/Id/IBAN; CdtrAgt/FinInstnId/BIC when given or when schwifty can derive it from the
  IBAN, else no CdtrAgt; ChrgBr SHAR outside Denmark (shared charges, the usual choice for a
  cross-border payment; none for a Danish IBAN); RmtInf/Ustrd. A Danish IBAN goes in the same
  PmtInf as the others of this kind, with SvcLvl NURG.
- FI_CARD (FI-kort / indbetalingskort +71, +73, +75): PmtTpInf/LclInstrm/Prtry = the card type
  ("71", "73", "75"), so each card type gets its own PmtInf; CdtrAcct/Id/Othr/Id = the 8-digit FI
  creditor number (no SchmeNm: the local instrument says what it is); no CdtrAgt (the FI system
  routes by creditor number). For +71 and +75 the payment id goes in RmtInf/Strd/CdtrRefInf with
  Tp/CdOrPrtry/Prtry = the card type and Ref = the payment id; +71 carries nothing else (the card
  type allows no message), +75 carries the remittance in Strd/AddtlRmtInf; +73 has no payment id
  and carries the remittance in RmtInf/Ustrd. UNSURE: the local instrument's codes (plain "71" or a
  bank's prefixed variant), and whether the reference type is Prtry card type or Cd SCOR.
- NEMKONTO (a citizen's NemKonto, found by CPR): no CdtrAcct and no CdtrAgt; the citizen is
  Cdtr/Id/PrvtId/Othr with Id = the CPR number and SchmeNm/Cd NIDN (national identity number);
  PmtTpInf/LclInstrm/Prtry NEMKONTO; RmtInf/Ustrd. UNSURE: the scheme code (NIDN or SOSE) and the
  local instrument; a bank that offers NemKonto payments in pain.001 documents its own codes, and
  some take them only through the NemKonto system itself.

Checks before anything is written (each a BankError code): the batch has payments ("empty_batch");
texts fit the schema's lengths and hold no control characters ("bad_text"); every amount is > 0
with at most 2 decimals ("bad_amount"); end-to-end ids are 1–35 printable characters
("bad_end_to_end_id") and unique in the batch ("duplicate_end_to_end_id"); each payment has the
bank details its kind needs ("missing_account", "unknown_kind"); a Danish account is a 4-digit
registration number and 1–10 digits ("bad_account"); an IBAN passes schwifty's country, length and
checksum checks ("bad_iban"); a BIC has the BIC form ("bad_bic"); FI-kort: card type 71/73/75, an
8-digit creditor number, for +71 a 15-digit payment id whose last digit is its modulus-10 check
digit (weights 1 and 2 from the right, digits of the products summed, the Luhn method), for +75 a
16-digit payment id (length and digits only: its check digit is not verified), for +73 none
("bad_fi_card"); a CPR number is 10 digits ("bad_cpr"; no modulus-11 check, since CPR numbers without
one have been issued since 2007).

Schema: the ISO 20022 pain.001.001.03 XSD (the generic one, which allows any currency; SEPA's
variant allows only EUR) that the PyPI package ``sepaxml`` 2.7.0 ships as sepaxml/schemas/
pain.001.001.03.xsd, found through its distribution metadata (none of its code is imported) and
used only with the SHA-256 in `XSD_SHA256`. `configure_schema(path)` or the environment variable
BORGERBUDGET_PAIN001_XSD names another copy of the same file. Without the schema no file is
written ("schema_unavailable"): money is not sent on an unchecked file.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path

from lxml import etree
from schwifty import IBAN as SchwiftyIBAN
from schwifty.exceptions import SchwiftyException

from borgerbudget.bank.errors import MESSAGES, BankError

__all__ = [
	"DOMESTIC",
	"FI_CARD",
	"IBAN",
	"KINDS",
	"MESSAGES",
	"NEMKONTO",
	"BankError",
	"Batch",
	"Payment",
	"configure_schema",
	"render",
	"schema_available",
]

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
CURRENCY = "DKK"

DOMESTIC = "DOMESTIC"
IBAN = "IBAN"
FI_CARD = "FI_CARD"
NEMKONTO = "NEMKONTO"
KINDS = (DOMESTIC, IBAN, FI_CARD, NEMKONTO)
FI_CARD_TYPES = ("71", "73", "75")

# A file larger than this many payments is refused: the Frappe side splits a larger run.
MAX_PAYMENTS = 10_000


@dataclass(frozen=True)
class Payment:
	"""One credit transfer. `kind` says which of the kind-specific fields are read:
	DOMESTIC reg_no + account; IBAN iban (+ bic); FI_CARD fi_card_type + fi_creditor (+ payment_id
	for 71 and 75); NEMKONTO cpr."""

	end_to_end_id: str
	amount: Decimal
	kind: str
	creditor_name: str
	remittance: str = ""
	reg_no: str | None = None
	account: str | None = None
	iban: str | None = None
	bic: str | None = None
	fi_card_type: str | None = None
	fi_creditor: str | None = None
	payment_id: str | None = None
	cpr: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Batch:
	"""The debtor's side and its payments. `debtor_account` is an IBAN, or a Danish account: the
	4-digit registration number and the account number, apart ("1234 0001234567", "1234-1234567")
	or together as 14 digits. `initiating_party_id` is the bank's id of the agreement, if it wants one."""

	message_id: str
	created_at: datetime
	initiating_party_name: str
	debtor_name: str
	debtor_account: str
	debtor_bic: str | None
	execution_date: date
	payments: tuple[Payment, ...]
	initiating_party_id: str | None = None


# --- Checks -----------------------------------------------------------------------------------

# Characters a bank file may carry: printable, no control characters (XML 1.0 cannot hold most of
# them, and banks refuse the rest).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def _text(value, field_name: str, limit: int, *, required: bool = True) -> str | None:
	if value is None or (isinstance(value, str) and not value.strip()):
		if required:
			raise BankError("bad_text", field=field_name, limit=limit)
		return None
	if not isinstance(value, str) or len(value.strip()) > limit or _CONTROL.search(value):
		raise BankError("bad_text", field=field_name, limit=limit)
	return value.strip()


def _end_to_end_id(value) -> str:
	if not isinstance(value, str) or not value.strip() or len(value.strip()) > 35 or _CONTROL.search(value):
		raise BankError("bad_end_to_end_id", end_to_end_id=str(value)[:40])
	return value.strip()


def _amount(value, end_to_end_id: str) -> Decimal:
	try:
		amount = value if isinstance(value, Decimal) else Decimal(str(value))
	except (InvalidOperation, ValueError, TypeError):
		raise BankError("bad_amount", end_to_end_id=end_to_end_id, amount=str(value)) from None
	if (
		isinstance(value, float | bool)
		or not amount.is_finite()
		or amount <= 0
		or amount != amount.quantize(Decimal("0.01"))
		or amount >= Decimal("1e15")
	):
		raise BankError("bad_amount", end_to_end_id=end_to_end_id, amount=str(value))
	return amount.quantize(Decimal("0.01"))


def _danish_account(reg_no, account, who: str) -> str:
	"""The 14-digit BBAN: the 4-digit registration number and the account number padded to 10."""
	reg = re.sub(r"[\s-]", "", reg_no or "")
	acc = re.sub(r"[\s-]", "", account or "")
	if not re.fullmatch(r"\d{4}", reg) or not re.fullmatch(r"\d{1,10}", acc):
		raise BankError("bad_account", who=who, reg_no=str(reg_no or ""), account=str(account or ""))
	return reg + acc.zfill(10)


def _iban(value: str, who: str):
	"""A schwifty IBAN, or BankError("bad_iban") with schwifty's reason."""
	try:
		return SchwiftyIBAN(value)
	except SchwiftyException as e:
		raise BankError("bad_iban", who=who, iban=str(value), reason=str(e) or type(e).__name__) from None


def check_account(who: str, iban: str | None = None, reg_no: str | None = None, account: str | None = None):
	"""A payee's bank details as the file will need them: an IBAN that validates, or a Danish
	registration and account number; BankError otherwise (for the Bank Account's own check)."""
	if iban:
		_iban(iban, who)
	if reg_no or account:
		_danish_account(reg_no, account, who)


def _bic(value: str | None, who: str) -> str | None:
	if value is None or not value.strip():
		return None
	bic = value.replace(" ", "").upper()
	if not _BIC.match(bic):
		raise BankError("bad_bic", who=who, bic=value)
	return bic


def _derived_bic(iban) -> str | None:
	"""The BIC schwifty knows for the IBAN's bank, or None."""
	try:
		bic = iban.bic
	except Exception:
		return None
	return str(bic) if bic else None


def luhn_ok(digits: str) -> bool:
	"""Whether the last digit of `digits` is its modulus-10 check digit (weights 1, 2, 1, … from the
	right, the digits of each product summed)."""
	total = 0
	for i, ch in enumerate(reversed(digits)):
		product = int(ch) * (2 if i % 2 else 1)
		total += product // 10 + product % 10
	return total % 10 == 0


def _fi_card(p: Payment, e2e: str) -> tuple[str, str, str | None]:
	"""(card type, creditor number, payment id or None), checked."""
	card = (p.fi_card_type or "").strip().lstrip("+")
	creditor = re.sub(r"\s", "", p.fi_creditor or "")
	payment_id = re.sub(r"\s", "", p.payment_id or "") or None
	if not card or not creditor:
		raise BankError(
			"missing_account", end_to_end_id=e2e, kind=FI_CARD, needed="FI card type and creditor number"
		)
	if card not in FI_CARD_TYPES:
		raise BankError("bad_fi_card", end_to_end_id=e2e, reason=f"card type {card} is not 71, 73 or 75")
	if not re.fullmatch(r"\d{8}", creditor):
		raise BankError("bad_fi_card", end_to_end_id=e2e, reason="the creditor number is not 8 digits")
	if card == "71":
		if payment_id is None or not re.fullmatch(r"\d{15}", payment_id):
			raise BankError("bad_fi_card", end_to_end_id=e2e, reason="a +71 payment id is 15 digits")
		if not luhn_ok(payment_id):
			raise BankError(
				"bad_fi_card", end_to_end_id=e2e, reason="the +71 payment id's check digit is wrong"
			)
	elif card == "75":
		if payment_id is None or not re.fullmatch(r"\d{16}", payment_id):
			raise BankError("bad_fi_card", end_to_end_id=e2e, reason="a +75 payment id is 16 digits")
	elif payment_id is not None:
		raise BankError("bad_fi_card", end_to_end_id=e2e, reason="a +73 card has no payment id")
	return card, creditor, payment_id


@dataclass(frozen=True)
class _Tx:
	"""A checked payment, ready to be written; `group` is its PmtInf's key."""

	group: tuple
	end_to_end_id: str
	amount: Decimal
	creditor_name: str
	remittance: str | None
	payment: Payment
	bban: str | None = None
	reg_no: str | None = None
	iban: str | None = None
	bic: str | None = None
	card: str | None = None
	creditor_no: str | None = None
	payment_id: str | None = None
	foreign: bool = False


# The order of the PmtInf blocks in a file.
_GROUP_ORDER = {(DOMESTIC, None): 0, (IBAN, None): 1, (FI_CARD, "71"): 2, (FI_CARD, "73"): 3}
_GROUP_ORDER |= {(FI_CARD, "75"): 4, (NEMKONTO, None): 5}


def _check_payment(p: Payment) -> _Tx:
	if not isinstance(p, Payment):
		raise BankError("unknown_kind", end_to_end_id="?", kind=type(p).__name__)
	e2e = _end_to_end_id(p.end_to_end_id)
	amount = _amount(p.amount, e2e)
	name = _text(p.creditor_name, f"Payment {e2e}: the creditor's name", 140)
	kind = p.kind
	if kind not in KINDS:
		raise BankError("unknown_kind", end_to_end_id=e2e, kind=str(kind))
	remittance = _text(p.remittance, f"Payment {e2e}: the remittance", 140, required=False)
	common = {"end_to_end_id": e2e, "amount": amount, "creditor_name": name, "payment": p}
	who = f"Payment {e2e}"
	if kind == DOMESTIC:
		if not (p.reg_no or "").strip() or not (p.account or "").strip():
			raise BankError(
				"missing_account", end_to_end_id=e2e, kind=kind, needed="registration and account number"
			)
		bban = _danish_account(p.reg_no, p.account, who)
		return _Tx(group=(DOMESTIC, None), remittance=remittance, bban=bban, reg_no=bban[:4], **common)
	if kind == IBAN:
		if not (p.iban or "").strip():
			raise BankError("missing_account", end_to_end_id=e2e, kind=kind, needed="IBAN")
		iban = _iban(p.iban, who)
		bic = _bic(p.bic, who) or _derived_bic(iban)
		return _Tx(
			group=(IBAN, None),
			remittance=remittance,
			iban=iban.compact,
			bic=bic,
			foreign=iban.country_code != "DK",
			**common,
		)
	if kind == FI_CARD:
		card, creditor, payment_id = _fi_card(p, e2e)
		return _Tx(
			group=(FI_CARD, card),
			remittance=remittance,
			card=card,
			creditor_no=creditor,
			payment_id=payment_id,
			**common,
		)
	# NEMKONTO
	if not (p.cpr or "").strip():
		raise BankError("missing_account", end_to_end_id=e2e, kind=kind, needed="CPR number")
	if not re.fullmatch(r"\d{10}", re.sub(r"[\s-]", "", p.cpr)):
		raise BankError("bad_cpr", end_to_end_id=e2e)
	return _Tx(group=(NEMKONTO, None), remittance=remittance, **common)


def _check(batch: Batch) -> tuple[dict, list[tuple[tuple, list[_Tx]]]]:
	message_id = _text(batch.message_id, "The batch's message id", 35)
	if not isinstance(batch.created_at, datetime):
		raise BankError("bad_text", field="The batch's creation time", limit=35)
	if not isinstance(batch.execution_date, date) or isinstance(batch.execution_date, datetime):
		raise BankError("bad_text", field="The batch's execution date", limit=10)
	header = {
		"message_id": message_id,
		"initiating_party_name": _text(batch.initiating_party_name, "The initiating party's name", 140),
		"initiating_party_id": _text(
			batch.initiating_party_id, "The initiating party's id", 35, required=False
		),
		"debtor_name": _text(batch.debtor_name, "The debtor's name", 140),
	}
	who = "The debtor's account"
	debtor_account = batch.debtor_account if isinstance(batch.debtor_account, str) else ""
	debtor_bic = _bic(batch.debtor_bic, "The debtor's agent")
	danish = re.fullmatch(r"\s*(\d{4})(?:[\s-]+(\d{1,10})|(\d{10}))\s*", debtor_account)
	if danish or not re.match(r"\s*[A-Za-z]{2}", debtor_account):
		reg_no, account = (danish.group(1), danish.group(2) or danish.group(3)) if danish else ("", "")
		if not danish:
			raise BankError("bad_account", who=who, reg_no="", account=debtor_account)
		bban = _danish_account(reg_no, account, who)
		header |= {
			"debtor_bban": bban,
			"debtor_iban": None,
			"debtor_reg_no": bban[:4],
			"debtor_bic": debtor_bic,
		}
	else:
		iban = _iban(batch.debtor_account, who)
		header |= {
			"debtor_bban": None,
			"debtor_iban": iban.compact,
			"debtor_reg_no": None,
			"debtor_bic": debtor_bic or _derived_bic(iban),
		}

	payments = tuple(batch.payments or ())
	if not payments:
		raise BankError("empty_batch")
	if len(payments) > MAX_PAYMENTS:
		raise BankError("too_many_payments", count=len(payments), limit=MAX_PAYMENTS)
	seen: set[str] = set()
	groups: dict[tuple, list[_Tx]] = {}
	for p in payments:
		tx = _check_payment(p)
		if tx.end_to_end_id in seen:
			raise BankError("duplicate_end_to_end_id", end_to_end_id=tx.end_to_end_id)
		seen.add(tx.end_to_end_id)
		groups.setdefault(tx.group, []).append(tx)
	return header, sorted(groups.items(), key=lambda item: _GROUP_ORDER[item[0]])


# --- Writing ----------------------------------------------------------------------------------


def render(batch: Batch) -> bytes:
	"""The batch as pain.001.001.03 bytes (UTF-8), checked and schema-valid; or a BankError."""
	schema = _schema()
	header, groups = _check(batch)
	txs = [tx for _, group in groups for tx in group]

	document = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
	initiation = _sub(document, "CstmrCdtTrfInitn")
	grp = _sub(initiation, "GrpHdr")
	_sub(grp, "MsgId", header["message_id"])
	_sub(grp, "CreDtTm", _datetime(batch.created_at))
	_sub(grp, "NbOfTxs", str(len(txs)))
	_sub(grp, "CtrlSum", _money(sum((tx.amount for tx in txs), Decimal(0))))
	party = _sub(grp, "InitgPty")
	_sub(party, "Nm", header["initiating_party_name"])
	if header["initiating_party_id"]:
		other = _path(party, "Id", "OrgId", "Othr")
		_sub(other, "Id", header["initiating_party_id"])
		_sub(_sub(other, "SchmeNm"), "Cd", "CUST")

	for number, ((kind, card), group) in enumerate(groups, start=1):
		_payment_information(initiation, header, batch, number, kind, card, group)

	data = etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
	if not schema.validate(document):
		error = schema.error_log.last_error
		message = f"line {error.line}: {error.message.replace('{' + NS + '}', '')}" if error else "invalid"
		raise BankError("schema", error=message)
	return data


def _payment_information(parent, header: dict, batch: Batch, number: int, kind, card, group) -> None:
	info = _sub(parent, "PmtInf")
	_sub(info, "PmtInfId", f"{header['message_id'][:30]}-{number}")
	_sub(info, "PmtMtd", "TRF")
	_sub(info, "NbOfTxs", str(len(group)))
	_sub(info, "CtrlSum", _money(sum((tx.amount for tx in group), Decimal(0))))
	type_info = _sub(info, "PmtTpInf")
	if kind in (DOMESTIC, IBAN):
		_sub(_sub(type_info, "SvcLvl"), "Cd", "NURG")
	elif kind == FI_CARD:
		_sub(_sub(type_info, "LclInstrm"), "Prtry", card)
	else:
		_sub(_sub(type_info, "LclInstrm"), "Prtry", "NEMKONTO")
	_sub(info, "ReqdExctnDt", batch.execution_date.isoformat())
	_sub(_sub(info, "Dbtr"), "Nm", header["debtor_name"])
	account = _sub(info, "DbtrAcct")
	if header["debtor_iban"]:
		_sub(_sub(account, "Id"), "IBAN", header["debtor_iban"])
	else:
		_bban(account, header["debtor_bban"])
	_sub(account, "Ccy", CURRENCY)
	agent = _sub(_sub(info, "DbtrAgt"), "FinInstnId")
	if header["debtor_bic"]:
		_sub(agent, "BIC", header["debtor_bic"])
	elif header["debtor_reg_no"]:
		_clearing(agent, header["debtor_reg_no"])
	else:
		_sub(_sub(agent, "Othr"), "Id", "NOTPROVIDED")
	for tx in group:
		_transaction(info, tx)


def _transaction(parent, tx: _Tx) -> None:
	el = _sub(parent, "CdtTrfTxInf")
	_sub(_sub(el, "PmtId"), "EndToEndId", tx.end_to_end_id)
	amount = _sub(_sub(el, "Amt"), "InstdAmt", _money(tx.amount))
	amount.set("Ccy", CURRENCY)
	kind = tx.group[0]
	if kind == IBAN and tx.foreign:
		_sub(el, "ChrgBr", "SHAR")
	if kind == DOMESTIC:
		_clearing(_sub(_sub(el, "CdtrAgt"), "FinInstnId"), tx.reg_no)
	elif kind == IBAN and tx.bic:
		_sub(_sub(_sub(el, "CdtrAgt"), "FinInstnId"), "BIC", tx.bic)
	creditor = _sub(el, "Cdtr")
	_sub(creditor, "Nm", tx.creditor_name)
	if kind == NEMKONTO:
		# The CPR number goes from the Payment into the document here, and nowhere else.
		other = _path(creditor, "Id", "PrvtId", "Othr")
		_sub(other, "Id", re.sub(r"[\s-]", "", tx.payment.cpr))
		_sub(_sub(other, "SchmeNm"), "Cd", "NIDN")
	elif kind == DOMESTIC:
		_bban(_sub(el, "CdtrAcct"), tx.bban)
	elif kind == IBAN:
		_sub(_path(el, "CdtrAcct", "Id"), "IBAN", tx.iban)
	else:
		_sub(_path(el, "CdtrAcct", "Id", "Othr"), "Id", tx.creditor_no)
	if kind == FI_CARD and tx.payment_id:
		structured = _path(el, "RmtInf", "Strd")
		reference = _sub(structured, "CdtrRefInf")
		_sub(_path(reference, "Tp", "CdOrPrtry"), "Prtry", tx.card)
		_sub(reference, "Ref", tx.payment_id)
		if tx.card == "75" and tx.remittance:
			_sub(structured, "AddtlRmtInf", tx.remittance)
	elif tx.remittance:
		_sub(_sub(el, "RmtInf"), "Ustrd", tx.remittance)


def _bban(account, bban: str) -> None:
	other = _path(account, "Id", "Othr")
	_sub(other, "Id", bban)
	_sub(_sub(other, "SchmeNm"), "Cd", "BBAN")


def _clearing(institution, reg_no: str) -> None:
	member = _sub(institution, "ClrSysMmbId")
	_sub(_sub(member, "ClrSysId"), "Cd", "DKNCS")
	_sub(member, "MmbId", reg_no)


def _sub(parent, tag: str, text: str | None = None):
	el = etree.SubElement(parent, f"{{{NS}}}{tag}")
	if text is not None:
		el.text = text
	return el


def _path(parent, *tags: str):
	for tag in tags:
		parent = _sub(parent, tag)
	return parent


def _money(amount: Decimal) -> str:
	return str(amount.quantize(Decimal("0.01")))


def _datetime(value: datetime) -> str:
	"""ISO 8601 to the second, with the offset when the time has one."""
	return value.replace(microsecond=0).isoformat()


# --- Schema -----------------------------------------------------------------------------------

XSD_ENV = "BORGERBUDGET_PAIN001_XSD"
XSD_PACKAGE = "sepaxml"
XSD_PACKAGE_VERSION = "2.7.0"
XSD_FILE = "sepaxml/schemas/pain.001.001.03.xsd"
# The generic ISO 20022 pain.001.001.03 schema (SWIFTStandards Workstation, 2009), as sepaxml ships it.
XSD_SHA256 = "ed4be42522e3e35b108b3ad2ebbcc65da987cddbf6cfdc20828cd4fd0d69c51a"

_schema_path: Path | None = None
_schema_path_set = False
_local = threading.local()
_generation = 0
_packaged: list = []


def configure_schema(path: str | os.PathLike | None = None) -> None:
	"""Read the pain.001.001.03 XSD from `path` (a file); with None, find it again as at start (the
	environment, then the package's checked copy)."""
	global _schema_path, _schema_path_set, _generation
	_schema_path = Path(path) if path is not None else None
	_schema_path_set = path is not None
	_generation += 1


def schema_path() -> Path | None:
	if _schema_path_set:
		return _schema_path
	if os.environ.get(XSD_ENV):
		return Path(os.environ[XSD_ENV])
	return _packaged_schema()


def schema_available() -> bool:
	return schema_path() is not None


def _packaged_schema() -> Path | None:
	"""sepaxml's copy of the ISO schema, if the file has the expected SHA-256."""
	if _packaged:
		return _packaged[0]
	found = None
	try:
		files = metadata.distribution(XSD_PACKAGE).files or []
		entry = next(f for f in files if str(f).replace("\\", "/") == XSD_FILE)
		path = Path(entry.locate())
		if hashlib.sha256(path.read_bytes()).hexdigest() == XSD_SHA256:
			found = path
	except (StopIteration, OSError, metadata.PackageNotFoundError):
		found = None
	_packaged.append(found)
	return found


def _schema() -> etree.XMLSchema:
	"""The compiled schema, once per process and thread (a validator keeps its error log)."""
	if getattr(_local, "generation", None) != _generation:
		_local.schema = None
		_local.generation = _generation
	if _local.schema is None:
		path = schema_path()
		if path is None:
			raise BankError("schema_unavailable", package=XSD_PACKAGE, version=XSD_PACKAGE_VERSION)
		parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
		try:
			_local.schema = etree.XMLSchema(etree.parse(str(path), parser))
		except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError):
			raise BankError("schema_unavailable", package=XSD_PACKAGE, version=XSD_PACKAGE_VERSION) from None
	return _local.schema
