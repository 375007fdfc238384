"""Read the bank's answers to a payment file, safely, without frappe.

    parse_pain002(data) -> StatusReport        a pain.002.001.03 CustomerPaymentStatusReport
    parse_camt054(data) -> DebitNotification   a camt.054.001.02 BankToCustomerDebitCreditNotification
    parse(data) -> StatusReport | DebitNotification   whichever of the two it is

Refusals are BankErrors (errors.py): "too_large", "entities" (a DOCTYPE or entity declaration,
refused before and after parsing), "not_xml", "wrong_document" (another document, or another
version of these), "missing" (a mandatory element) and "bad_value" (an amount or date that is not
one). There is no schema check: no PyPI package at hand ships the pain.002.001.03 and
camt.054.001.02 XSDs, so the elements read here are checked as they are read.

pain.002: a transaction's status is its TxSts, else its payment information's PmtInfSts, else the
group's GrpSts (a bank may answer at any of the three levels); its reason is the first StsRsnInf's
Rsn/Cd (or Rsn/Prtry) and AddtlInf, at the same level as the status. `REASONS` holds the common
ISO 20022 status reason codes in plain English, for the Frappe side to translate.

camt.054: the debit entries (CdtDbtInd DBIT), one `Booked` per NtryDtls/TxDtls that carries a
Refs/EndToEndId (entries without one, such as fees, are left out): its end-to-end id, its amount
(TxDtls/AmtDtls/TxAmt/Amt, or the entry's Amt when the entry has one transaction), the entry's
booking date and status (BOOK, PDNG or INFO; only BOOK is money that has left the account).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from borgerbudget import safexml
from borgerbudget.bank.errors import MESSAGES, BankError

__all__ = [
	"MESSAGES",
	"REASONS",
	"BankError",
	"Booked",
	"DebitNotification",
	"StatusReport",
	"TxStatus",
	"parse",
	"parse_camt054",
	"parse_pain002",
]

MAX_BYTES = 20 * 1024 * 1024

NS_PAIN002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"
NS_CAMT054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
PAIN002 = "pain.002.001.03 payment status report"
CAMT054 = "camt.054.001.02 debit notification"

# Transaction and group statuses (ExternalTransactionStatus1Code / TransactionGroupStatus3Code).
STATUSES = {
	"ACTC": "Accepted after technical validation",
	"ACCP": "Accepted after customer profile validation",
	"ACSP": "Accepted, settlement in process",
	"ACSC": "Accepted, settlement completed",
	"ACWC": "Accepted with change",
	"PART": "Partially accepted",
	"PDNG": "Pending",
	"RCVD": "Received",
	"RJCT": "Rejected",
}

# Common ISO 20022 status reason codes (ExternalStatusReason1Code), in plain English.
REASONS = {
	"AC01": "Incorrect account number",
	"AC02": "Invalid debtor account number",
	"AC03": "Invalid creditor account number",
	"AC04": "Closed account number",
	"AC05": "Closed debtor account number",
	"AC06": "Blocked account",
	"AC07": "Closed creditor account number",
	"AC13": "Invalid debtor account type",
	"AC14": "Invalid creditor account type",
	"AG01": "Transaction forbidden on this type of account",
	"AG02": "Invalid bank operation code",
	"AG03": "Transaction type not supported",
	"AM01": "Zero amount",
	"AM02": "Amount not allowed",
	"AM03": "Currency not allowed",
	"AM04": "Insufficient funds",
	"AM05": "Duplication",
	"AM09": "Wrong amount",
	"AM10": "Control sum is incorrect",
	"AM12": "Invalid amount",
	"AM18": "Number of transactions is incorrect",
	"BE01": "Inconsistent with end customer",
	"BE04": "Missing creditor address",
	"BE05": "Unrecognised initiating party",
	"BE06": "Unknown end customer",
	"BE07": "Missing debtor address",
	"CNOR": "Creditor bank is not registered",
	"CURR": "Incorrect currency",
	"CUST": "Requested by the customer",
	"DNOR": "Debtor bank is not registered",
	"DS02": "Order cancelled",
	"DT01": "Invalid date",
	"DU01": "Duplicate message id",
	"DU02": "Duplicate payment information id",
	"DU03": "Duplicate transaction",
	"DU05": "Duplicate instruction id",
	"DUPL": "Duplicate payment",
	"ED05": "Settlement failed",
	"FF01": "Invalid file format",
	"FF05": "Invalid local instrument code",
	"FOCR": "Return following a cancellation request",
	"MD07": "End customer deceased",
	"MS02": "Reason not specified, given by the customer",
	"MS03": "Reason not specified, given by the bank",
	"NARR": "Reason given in the accompanying text",
	"RC01": "Bank identifier incorrect",
	"RC05": "Invalid BIC of the debtor's bank",
	"RC07": "Invalid BIC of the creditor's bank",
	"RR01": "Debtor account or identification missing",
	"RR02": "Debtor name or address missing",
	"RR03": "Creditor name or address missing",
	"RR04": "Regulatory reason",
	"SL01": "Specific service offered by the debtor's bank",
	"TM01": "Received after the cut-off time",
}


@dataclass(frozen=True)
class TxStatus:
	end_to_end_id: str
	status: str
	reason_code: str | None
	reason_text: str | None


@dataclass(frozen=True)
class StatusReport:
	message_id: str
	original_message_id: str
	group_status: str | None
	group_reason_code: str | None
	group_reason_text: str | None
	transactions: tuple[TxStatus, ...]


@dataclass(frozen=True)
class Booked:
	end_to_end_id: str
	amount: Decimal
	currency: str | None
	booking_date: date | None
	status: str


@dataclass(frozen=True)
class DebitNotification:
	message_id: str
	entries: tuple[Booked, ...]


# --- Parsing ----------------------------------------------------------------------------------

_ROOTS = {
	f"{{{NS_PAIN002}}}Document": "CstmrPmtStsRpt",
	f"{{{NS_CAMT054}}}Document": "BkToCstmrDbtCdtNtfctn",
}


def _root(data: bytes):
	if not isinstance(data, bytes | bytearray):
		raise BankError("not_xml", error="not bytes")
	return safexml.read(data, MAX_BYTES, BankError)


def _message(root, expected_ns: str, expected: str):
	"""The document's message element (CstmrPmtStsRpt, BkToCstmrDbtCdtNtfctn) or "wrong_document"."""
	tag = f"{{{expected_ns}}}Document"
	child = root.find(f"{{{expected_ns}}}{_ROOTS[tag]}") if root.tag == tag else None
	if child is None:
		first = next(iter(root), None)
		shown = root.tag if first is None or not isinstance(first.tag, str) else f"{root.tag}/{first.tag}"
		raise BankError("wrong_document", expected=expected, root=shown)
	return child


def parse(data: bytes) -> StatusReport | DebitNotification:
	"""A pain.002.001.03 or camt.054.001.02 document, read by its root; anything else is refused."""
	root = _root(data)
	if root.tag == f"{{{NS_CAMT054}}}Document":
		return _camt054(root)
	if root.tag == f"{{{NS_PAIN002}}}Document":
		return _pain002(root)
	raise BankError("wrong_document", expected=f"{PAIN002} or {CAMT054}", root=root.tag)


def parse_pain002(data: bytes) -> StatusReport:
	return _pain002(_root(data))


def parse_camt054(data: bytes) -> DebitNotification:
	return _camt054(_root(data))


def _pain002(root) -> StatusReport:
	ns = {"p": NS_PAIN002}
	report = _message(root, NS_PAIN002, PAIN002)
	message_id = _require(report, "p:GrpHdr/p:MsgId", ns)
	original = report.find("p:OrgnlGrpInfAndSts", ns)
	if original is None:
		raise BankError("missing", element="OrgnlGrpInfAndSts")
	original_message_id = _require(original, "p:OrgnlMsgId", ns)
	group_status = _text(original, "p:GrpSts", ns)
	group_code, group_text = _reason(original, ns)
	transactions = []
	for payment in report.findall("p:OrgnlPmtInfAndSts", ns):
		payment_status = _text(payment, "p:PmtInfSts", ns)
		payment_reason = _reason(payment, ns)
		for tx in payment.findall("p:TxInfAndSts", ns):
			end_to_end_id = _require(tx, "p:OrgnlEndToEndId", ns)
			status = _text(tx, "p:TxSts", ns)
			code, text = _reason(tx, ns)
			if status is None:
				status = payment_status or group_status
				if code is None and text is None:
					code, text = payment_reason if payment_status else (group_code, group_text)
			if status is None:
				raise BankError("missing", element=f"TxSts of {end_to_end_id}")
			transactions.append(TxStatus(end_to_end_id, status, code, text))
	if group_status is None and not transactions:
		raise BankError("missing", element="GrpSts or TxInfAndSts")
	return StatusReport(
		message_id=message_id,
		original_message_id=original_message_id,
		group_status=group_status,
		group_reason_code=group_code,
		group_reason_text=group_text,
		transactions=tuple(transactions),
	)


def _reason(el, ns: dict) -> tuple[str | None, str | None]:
	info = el.find("p:StsRsnInf", ns)
	if info is None:
		return None, None
	code = _text(info, "p:Rsn/p:Cd", ns) or _text(info, "p:Rsn/p:Prtry", ns)
	texts = [t.strip() for t in (x.text for x in info.findall("p:AddtlInf", ns)) if t and t.strip()]
	return code, " ".join(texts) or None


def _camt054(root) -> DebitNotification:
	ns = {"p": NS_CAMT054}
	notification = _message(root, NS_CAMT054, CAMT054)
	message_id = _require(notification, "p:GrpHdr/p:MsgId", ns)
	entries = []
	for ntfctn in notification.findall("p:Ntfctn", ns):
		for entry in ntfctn.findall("p:Ntry", ns):
			if _text(entry, "p:CdtDbtInd", ns) != "DBIT":
				continue
			amount_el = entry.find("p:Amt", ns)
			if amount_el is None:
				raise BankError("missing", element="Ntry/Amt")
			entry_amount = _amount(amount_el.text, "Ntry/Amt")
			status = _require(entry, "p:Sts", ns)
			booked = _text(entry, "p:BookgDt/p:Dt", ns) or _text(entry, "p:BookgDt/p:DtTm", ns)
			booking_date = _date(booked, "BookgDt") if booked else None
			details = entry.findall("p:NtryDtls/p:TxDtls", ns)
			for tx in details:
				end_to_end_id = _text(tx, "p:Refs/p:EndToEndId", ns)
				if not end_to_end_id or end_to_end_id == "NOTPROVIDED":
					continue
				tx_amount = tx.find("p:AmtDtls/p:TxAmt/p:Amt", ns)
				if tx_amount is not None:
					amount, currency = _amount(tx_amount.text, "TxAmt/Amt"), tx_amount.get("Ccy")
				elif len(details) == 1:
					amount, currency = entry_amount, amount_el.get("Ccy")
				else:
					raise BankError("missing", element=f"AmtDtls/TxAmt/Amt of {end_to_end_id}")
				entries.append(Booked(end_to_end_id, amount, currency, booking_date, status))
	return DebitNotification(message_id=message_id, entries=tuple(entries))


# --- Small readers ----------------------------------------------------------------------------


def _text(el, path: str, ns: dict) -> str | None:
	found = el.find(path, ns)
	value = (found.text or "").strip() if found is not None else ""
	return value or None


def _require(el, path: str, ns: dict) -> str:
	value = _text(el, path, ns)
	if value is None:
		raise BankError("missing", element=path.replace("p:", ""))
	return value


def _amount(value: str | None, element: str) -> Decimal:
	try:
		amount = Decimal((value or "").strip())
	except InvalidOperation:
		raise BankError("bad_value", element=element, what="amount", value=str(value)[:40]) from None
	if not amount.is_finite() or amount < 0:
		raise BankError("bad_value", element=element, what="amount", value=str(value)[:40])
	return amount


def _date(value: str, element: str) -> date:
	match = re.match(r"^(\d{4}-\d{2}-\d{2})", value)
	try:
		if match is None:
			raise ValueError
		return date.fromisoformat(match.group(1))
	except ValueError:
		raise BankError("bad_value", element=element, what="date", value=value[:40]) from None
