"""Fast tests of the bank's answers (borgerbudget.bank.status): no frappe, no database."""

from datetime import date
from decimal import Decimal

import pytest

from borgerbudget.bank import pain001, samples, status
from borgerbudget.bank.status import BankError, Booked, DebitNotification, StatusReport, TxStatus


def refused(data, reader=status.parse) -> BankError:
	with pytest.raises(BankError) as info:
		reader(data)
	return info.value


def test_a_status_report_with_one_rejection():
	data = samples.pain002(
		"BB-PAYOUT-2025-0001",
		[
			("PINV-2025-00011", "ACCP", None, None),
			("CLAIM-2025-00007", "RJCT", "AC04", "Konto lukket"),
		],
		group_status="PART",
	)
	report = status.parse_pain002(data)
	assert report == StatusReport(
		message_id="STATUS-0001",
		original_message_id="BB-PAYOUT-2025-0001",
		group_status="PART",
		group_reason_code=None,
		group_reason_text=None,
		transactions=(
			TxStatus("PINV-2025-00011", "ACCP", None, None),
			TxStatus("CLAIM-2025-00007", "RJCT", "AC04", "Konto lukket"),
		),
	)
	assert status.parse(data) == report
	assert status.REASONS["AC04"] == "Closed account number"


def test_a_whole_file_rejected_at_group_level():
	report = status.parse(samples.pain002("BB-1", [], group_status="RJCT", group_reason="FF01"))
	assert (report.group_status, report.group_reason_code, report.transactions) == ("RJCT", "FF01", ())


def test_a_transaction_without_its_own_status_takes_the_group_status():
	data = samples.pain002("BB-1", [("E2E-1", "ACSC", None, None)], group_status="ACSC")
	data = data.replace(b"<TxSts>ACSC</TxSts>", b"")
	assert status.parse(data).transactions == (TxStatus("E2E-1", "ACSC", None, None),)


def test_a_debit_notification():
	data = samples.camt054(
		"CAMT-0001",
		[
			("PINV-2025-00011", Decimal("1250.00"), date(2025, 3, 5)),
			("CLAIM-2025-00007", Decimal("3500.25"), date(2025, 3, 5), "PDNG"),
		],
	)
	notification = status.parse_camt054(data)
	assert notification == DebitNotification(
		message_id="CAMT-0001",
		entries=(
			Booked("PINV-2025-00011", Decimal("1250.00"), "DKK", date(2025, 3, 5), "BOOK"),
			Booked("CLAIM-2025-00007", Decimal("3500.25"), "DKK", date(2025, 3, 5), "PDNG"),
		),
	)
	assert status.parse(data) == notification


def test_credit_entries_and_entries_without_an_end_to_end_id_are_left_out():
	data = samples.camt054(
		"CAMT-2", [("E2E-1", Decimal("1.00"), date(2025, 3, 5)), ("E2E-2", 2, date(2025, 3, 5))]
	)
	data = data.replace(b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>CRDT</CdtDbtInd>", 1)
	data = data.replace(b"<EndToEndId>E2E-2</EndToEndId>", b"<EndToEndId>NOTPROVIDED</EndToEndId>")
	assert status.parse(data).entries == ()


def test_a_foreign_document_type_is_refused_with_a_clear_code():
	payment_file = pain001.render(samples.batch())
	error = refused(payment_file)
	assert error.code == "wrong_document" and "pain.001.001.03" in error.params["root"]
	camt = samples.camt054("C", [("E", 1, date(2025, 1, 1))])
	assert refused(camt, status.parse_pain002).code == "wrong_document"
	assert (
		refused(samples.pain002("M", [("E", "ACCP", None, None)]), status.parse_camt054).code
		== "wrong_document"
	)
	# Another version of the same message.
	newer = samples.pain002("M", [("E", "ACCP", None, None)]).replace(b"pain.002.001.03", b"pain.002.001.10")
	assert refused(newer).code == "wrong_document"


@pytest.mark.parametrize(
	"data, code",
	[
		(b"not xml at all", "not_xml"),
		(b"<a><b></a>", "not_xml"),
		(
			b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
			"entities",
		),
		("<!DOCTYPE x><x/>".encode("utf-16"), "entities"),
		(b" " * (status.MAX_BYTES + 1), "too_large"),
	],
)
def test_unsafe_or_broken_documents_are_refused(data, code):
	error = refused(data)
	assert error.code == code and error.message == status.MESSAGES[code]


def test_missing_and_bad_values():
	report = samples.pain002("M", [("E", "ACCP", None, None)])
	assert refused(report.replace(b"<OrgnlMsgId>M</OrgnlMsgId>", b"")).code == "missing"
	camt = samples.camt054("C", [("E", 1, date(2025, 1, 1))])
	assert refused(camt.replace(b">1.00<", b">one<")).code == "bad_value"
	assert refused(camt.replace(b"2025-01-01", b"2025-13-01")).code == "bad_value"
