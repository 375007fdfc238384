"""Sample bank files for the tests and the demo, written from the ISO 20022 standard.

batch()                          a payout batch with one payment of each kind (all test data:
                                 the CPR number is a made-up one, the accounts are examples)
pain002(original_message_id, transactions, group_status=None, ...) -> bytes
                                 a pain.002.001.03 status report; transactions are
                                 (end_to_end_id, status, reason_code or None, reason_text or None)
camt054(message_id, entries, ...) -> bytes
                                 a camt.054.001.02 debit notification; entries are
                                 (end_to_end_id, amount, booking_date) or with a fourth item,
                                 the entry's status (BOOK by default)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone
from decimal import Decimal

from lxml import etree

from borgerbudget.bank.pain001 import DOMESTIC, FI_CARD, IBAN, NEMKONTO, Batch, Payment

NS_PAIN002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"
NS_CAMT054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"

CREATED = datetime(2025, 3, 3, 9, 30, 0, tzinfo=timezone.utc)


def batch(message_id: str = "BB-PAYOUT-2025-0001") -> Batch:
	"""A batch with every kind: a Danish account, a foreign IBAN, FI-kort +71, +73 and +75, NemKonto."""
	return Batch(
		message_id=message_id,
		created_at=CREATED,
		initiating_party_name="Eksempel Kommune",
		debtor_name="Eksempel Kommune",
		debtor_account="5301 0000123456",
		debtor_bic=None,
		execution_date=date(2025, 3, 5),
		initiating_party_id="12345678",
		payments=(
			Payment(
				end_to_end_id="PINV-2025-00011",
				amount=Decimal("1250.00"),
				kind=DOMESTIC,
				creditor_name="Tømrer Hansen ApS",
				remittance="Faktura 4711",
				reg_no="1234",
				account="1234567",
			),
			Payment(
				end_to_end_id="PINV-2025-00012",
				amount=Decimal("899.50"),
				kind=IBAN,
				creditor_name="Hilfsmittel GmbH",
				remittance="Rechnung 2025-118",
				iban="DE89 3704 0044 0532 0130 00",
				bic="COBADEFFXXX",
			),
			Payment(
				end_to_end_id="PINV-2025-00013",
				amount=Decimal("432.10"),
				kind=FI_CARD,
				creditor_name="Forsyning A/S",
				remittance="Faktura 9001",
				fi_card_type="71",
				fi_creditor="87654321",
				payment_id="000000000012344",
			),
			Payment(
				end_to_end_id="PINV-2025-00014",
				amount=Decimal("75.00"),
				kind=FI_CARD,
				creditor_name="Foreningen Kørestolen",
				remittance="Kontingent 2025",
				fi_card_type="73",
				fi_creditor="81234567",
			),
			Payment(
				end_to_end_id="PINV-2025-00015",
				amount=Decimal("2000.00"),
				kind=FI_CARD,
				creditor_name="Boligselskabet Eksempel",
				remittance="Husleje marts",
				fi_card_type="75",
				fi_creditor="89999999",
				payment_id="1234567890123456",
			),
			Payment(
				end_to_end_id="CLAIM-2025-00007",
				amount=Decimal("3500.25"),
				kind=NEMKONTO,
				creditor_name="Borger Eksempel",
				remittance="Udbetaling af borgerbudget",
				cpr="0101709999",
			),
		),
	)


def _sub(parent, ns: str, tag: str, text: str | None = None):
	el = etree.SubElement(parent, f"{{{ns}}}{tag}")
	if text is not None:
		el.text = text
	return el


def _reason(parent, ns: str, code: str | None, text: str | None) -> None:
	if not code and not text:
		return
	info = _sub(parent, ns, "StsRsnInf")
	if code:
		_sub(_sub(info, ns, "Rsn"), ns, "Cd", code)
	if text:
		_sub(info, ns, "AddtlInf", text)


def pain002(
	original_message_id: str,
	transactions: Iterable[tuple[str, str, str | None, str | None]],
	group_status: str | None = None,
	group_reason: str | None = None,
	message_id: str = "STATUS-0001",
	created_at: datetime = CREATED,
) -> bytes:
	"""A pain.002.001.03 CustomerPaymentStatusReport for the given original message."""
	ns = NS_PAIN002
	document = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
	report = _sub(document, ns, "CstmrPmtStsRpt")
	header = _sub(report, ns, "GrpHdr")
	_sub(header, ns, "MsgId", message_id)
	_sub(header, ns, "CreDtTm", created_at.isoformat())
	_sub(_sub(_sub(header, ns, "DbtrAgt"), ns, "FinInstnId"), ns, "BIC", "DABADKKK")
	original = _sub(report, ns, "OrgnlGrpInfAndSts")
	_sub(original, ns, "OrgnlMsgId", original_message_id)
	_sub(original, ns, "OrgnlMsgNmId", "pain.001.001.03")
	if group_status:
		_sub(original, ns, "GrpSts", group_status)
	_reason(original, ns, group_reason, None)
	transactions = list(transactions)
	if transactions:
		payment = _sub(report, ns, "OrgnlPmtInfAndSts")
		_sub(payment, ns, "OrgnlPmtInfId", f"{original_message_id[:30]}-1")
		for number, (end_to_end_id, status, reason_code, reason_text) in enumerate(transactions, start=1):
			tx = _sub(payment, ns, "TxInfAndSts")
			_sub(tx, ns, "StsId", f"{message_id[:25]}-{number}")
			_sub(tx, ns, "OrgnlEndToEndId", end_to_end_id)
			_sub(tx, ns, "TxSts", status)
			_reason(tx, ns, reason_code, reason_text)
	return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def camt054(
	message_id: str,
	entries: Iterable[tuple],
	account_iban: str = "DK5000400440116243",
	created_at: datetime = CREATED,
) -> bytes:
	"""A camt.054.001.02 BankToCustomerDebitCreditNotification with one debit entry per payment."""
	ns = NS_CAMT054
	document = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
	notification = _sub(document, ns, "BkToCstmrDbtCdtNtfctn")
	header = _sub(notification, ns, "GrpHdr")
	_sub(header, ns, "MsgId", message_id)
	_sub(header, ns, "CreDtTm", created_at.isoformat())
	ntfctn = _sub(notification, ns, "Ntfctn")
	_sub(ntfctn, ns, "Id", f"{message_id[:30]}-1")
	_sub(ntfctn, ns, "CreDtTm", created_at.isoformat())
	account = _sub(ntfctn, ns, "Acct")
	_sub(_sub(account, ns, "Id"), ns, "IBAN", account_iban)
	_sub(account, ns, "Ccy", "DKK")
	for number, entry in enumerate(entries, start=1):
		end_to_end_id, amount, booking_date = entry[:3]
		status = entry[3] if len(entry) > 3 else "BOOK"
		money = str(Decimal(amount).quantize(Decimal("0.01")))
		ntry = _sub(ntfctn, ns, "Ntry")
		_sub(ntry, ns, "NtryRef", str(number))
		_sub(ntry, ns, "Amt", money).set("Ccy", "DKK")
		_sub(ntry, ns, "CdtDbtInd", "DBIT")
		_sub(ntry, ns, "Sts", status)
		_sub(_sub(ntry, ns, "BookgDt"), ns, "Dt", booking_date.isoformat())
		_sub(_sub(ntry, ns, "ValDt"), ns, "Dt", booking_date.isoformat())
		_sub(ntry, ns, "AcctSvcrRef", f"REF{number:08d}")
		code = _sub(_sub(ntry, ns, "BkTxCd"), ns, "Domn")
		_sub(code, ns, "Cd", "PMNT")
		family = _sub(code, ns, "Fmly")
		_sub(family, ns, "Cd", "ICDT")
		_sub(family, ns, "SubFmlyCd", "DMCT")
		details = _sub(_sub(ntry, ns, "NtryDtls"), ns, "TxDtls")
		refs = _sub(details, ns, "Refs")
		_sub(refs, ns, "EndToEndId", end_to_end_id)
		_sub(_sub(_sub(details, ns, "AmtDtls"), ns, "TxAmt"), ns, "Amt", money).set("Ccy", "DKK")
	return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
