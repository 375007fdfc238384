"""Fast tests of the payment file writer (borgerbudget.bank.pain001): no frappe, no database."""

import dataclasses
import hashlib
import os
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from borgerbudget.bank import pain001, samples
from borgerbudget.bank.pain001 import DOMESTIC, FI_CARD, IBAN, NEMKONTO, BankError, Payment

GOLDEN = Path(__file__).resolve().parent.parent / "bank_golden" / "pain001_all_kinds.xml"
NS = {"p": pain001.NS}


@pytest.fixture(autouse=True)
def packaged_schema():
	pain001.configure_schema(None)
	yield
	pain001.configure_schema(None)


def render(**changes):
	return pain001.render(dataclasses.replace(samples.batch(), **changes))


def with_payment(payment: Payment):
	return dataclasses.replace(samples.batch(), payments=(payment,))


def refused(batch) -> BankError:
	with pytest.raises(BankError) as info:
		pain001.render(batch)
	return info.value


def pay(**fields) -> Payment:
	base = {
		"end_to_end_id": "E2E-1",
		"amount": Decimal("100.00"),
		"kind": DOMESTIC,
		"creditor_name": "Leverandør A/S",
		"remittance": "Faktura 1",
		"reg_no": "1234",
		"account": "1234567",
	}
	return Payment(**(base | fields))


def test_the_iso_schema_is_found_and_checked():
	path = pain001.schema_path()
	assert path is not None and path.name == "pain.001.001.03.xsd"
	assert hashlib.sha256(path.read_bytes()).hexdigest() == pain001.XSD_SHA256
	# The generic ISO schema, not SEPA's EUR-only variant: any three-letter currency.
	assert b'<xs:pattern value="[A-Z]{3,3}"/>' in path.read_bytes()


def test_a_batch_of_all_kinds_validates_and_adds_up():
	data = pain001.render(samples.batch())
	root = etree.fromstring(data)
	schema = etree.XMLSchema(etree.parse(str(pain001.schema_path())))
	assert schema.validate(root)
	amounts = [Decimal(x) for x in root.xpath("//p:InstdAmt/text()", namespaces=NS)]
	assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "6"
	assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == str(sum(amounts))
	assert str(sum(amounts)) == "8156.85"
	blocks = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
	# One block per kind and FI-kort card type: domestic, IBAN, +71, +73, +75, NemKonto.
	assert len(blocks) == 6
	for block in blocks:
		block_amounts = [Decimal(x) for x in block.xpath(".//p:InstdAmt/text()", namespaces=NS)]
		assert block.findtext("p:NbOfTxs", namespaces=NS) == str(len(block_amounts))
		assert block.findtext("p:CtrlSum", namespaces=NS) == str(sum(block_amounts))
		assert block.findtext("p:ReqdExctnDt", namespaces=NS) == "2025-03-05"
	assert [b.findtext("p:PmtTpInf/p:LclInstrm/p:Prtry", namespaces=NS) for b in blocks] == [
		None,
		None,
		"71",
		"73",
		"75",
		"NEMKONTO",
	]
	assert set(root.xpath("//p:InstdAmt/@Ccy", namespaces=NS)) == {"DKK"}


def test_the_golden_file_is_rendered_byte_for_byte():
	assert pain001.render(samples.batch()) == GOLDEN.read_bytes()


def test_the_kinds_are_written_as_the_guideline_says():
	root = etree.fromstring(pain001.render(samples.batch()))

	def tx(e2e):
		return root.xpath(f"//p:CdtTrfTxInf[p:PmtId/p:EndToEndId='{e2e}']", namespaces=NS)[0]

	domestic = tx("PINV-2025-00011")
	assert domestic.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "12340001234567"
	assert domestic.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Cd", namespaces=NS) == "BBAN"
	member = "p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId"
	assert domestic.findtext(f"{member}/p:ClrSysId/p:Cd", namespaces=NS) == "DKNCS"
	assert domestic.findtext(f"{member}/p:MmbId", namespaces=NS) == "1234"
	assert domestic.findtext("p:RmtInf/p:Ustrd", namespaces=NS) == "Faktura 4711"

	iban = tx("PINV-2025-00012")
	assert iban.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE89370400440532013000"
	assert iban.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "COBADEFFXXX"

	fik71 = tx("PINV-2025-00013")
	assert fik71.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "87654321"
	ref = "p:RmtInf/p:Strd/p:CdtrRefInf"
	assert fik71.findtext(f"{ref}/p:Tp/p:CdOrPrtry/p:Prtry", namespaces=NS) == "71"
	assert fik71.findtext(f"{ref}/p:Ref", namespaces=NS) == "000000000012344"
	assert fik71.find("p:RmtInf/p:Ustrd", NS) is None
	assert tx("PINV-2025-00014").findtext("p:RmtInf/p:Ustrd", namespaces=NS) == "Kontingent 2025"
	assert tx("PINV-2025-00015").findtext("p:RmtInf/p:Strd/p:AddtlRmtInf", namespaces=NS) == "Husleje marts"

	nemkonto = tx("CLAIM-2025-00007")
	assert nemkonto.find("p:CdtrAcct", NS) is None and nemkonto.find("p:CdtrAgt", NS) is None
	other = "p:Cdtr/p:Id/p:PrvtId/p:Othr"
	assert nemkonto.findtext(f"{other}/p:Id", namespaces=NS) == "0101709999"
	assert nemkonto.findtext(f"{other}/p:SchmeNm/p:Cd", namespaces=NS) == "NIDN"


def test_the_cpr_number_is_only_in_the_file():
	batch = samples.batch()
	citizen = batch.payments[-1]
	assert "0101709999" not in repr(citizen) and "0101709999" not in repr(batch)
	assert pain001.render(batch).count(b"0101709999") == 1
	error = refused(with_payment(dataclasses.replace(citizen, cpr="01017099")))
	assert error.code == "bad_cpr" and "01017099" not in str(error) and "01017099" not in repr(error.params)


def test_the_bic_is_derived_from_the_iban_or_left_out(monkeypatch):
	derived = etree.fromstring(
		pain001.render(with_payment(pay(kind=IBAN, iban="DE89370400440532013000", reg_no=None, account=None)))
	)
	assert derived.findtext(".//p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "COBADEFFXXX"
	# A Danish IBAN: no shared charges, a BIC from schwifty's registry when it knows the bank.
	danish = etree.fromstring(pain001.render(with_payment(pay(kind=IBAN, iban="DK5000400440116243"))))
	assert danish.find(".//p:ChrgBr", NS) is None
	assert danish.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "DK5000400440116243"
	monkeypatch.setattr(pain001, "_derived_bic", lambda iban: None)
	unknown = etree.fromstring(pain001.render(with_payment(pay(kind=IBAN, iban="DE89370400440532013000"))))
	assert unknown.find(".//p:CdtrAgt", NS) is None


def test_a_debtor_iban_account_and_given_bic():
	data = render(debtor_account="DK50 0040 0440 1162 43", debtor_bic="NDEADKKK")
	root = etree.fromstring(data)
	block = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
	assert block.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DK5000400440116243"
	assert block.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "NDEADKKK"


def test_the_output_is_deterministic_and_amounts_have_two_decimals():
	batch = with_payment(pay(amount=Decimal("10")))
	assert pain001.render(batch) == pain001.render(batch)
	assert b'<InstdAmt Ccy="DKK">10.00</InstdAmt>' in pain001.render(batch)


@pytest.mark.parametrize(
	"payment, code",
	[
		(pay(kind=IBAN, iban="DE89370400440532013001"), "bad_iban"),  # checksum
		(pay(kind=IBAN, iban="XX89370400440532013000"), "bad_iban"),  # country
		(pay(kind=IBAN, iban="DE8937040044053201300"), "bad_iban"),  # length
		(pay(kind=IBAN, iban="DE89370400440532013000", bic="NOT A BIC"), "bad_bic"),
		(pay(reg_no="123"), "bad_account"),
		(pay(account="12345678901"), "bad_account"),
		(pay(account="12a4"), "bad_account"),
		(pay(reg_no=None), "missing_account"),
		(pay(kind=IBAN, iban=None), "missing_account"),
		(pay(kind=FI_CARD, fi_card_type="71", fi_creditor=None), "missing_account"),
		(pay(kind=NEMKONTO, cpr=None), "missing_account"),
		(pay(kind=FI_CARD, fi_card_type="04", fi_creditor="87654321", payment_id="1"), "bad_fi_card"),
		(
			pay(kind=FI_CARD, fi_card_type="71", fi_creditor="8765432", payment_id="000000000012344"),
			"bad_fi_card",
		),
		(
			pay(kind=FI_CARD, fi_card_type="71", fi_creditor="87654321", payment_id="000000000012345"),
			"bad_fi_card",
		),
		(pay(kind=FI_CARD, fi_card_type="71", fi_creditor="87654321", payment_id="12344"), "bad_fi_card"),
		(pay(kind=FI_CARD, fi_card_type="71", fi_creditor="87654321"), "bad_fi_card"),
		(
			pay(kind=FI_CARD, fi_card_type="75", fi_creditor="87654321", payment_id="123456789012345"),
			"bad_fi_card",
		),
		(pay(kind=FI_CARD, fi_card_type="73", fi_creditor="87654321", payment_id="123"), "bad_fi_card"),
		(pay(kind=NEMKONTO, cpr="010170999"), "bad_cpr"),
		(pay(kind=NEMKONTO, cpr="01017O9999"), "bad_cpr"),
		(pay(amount=Decimal("0")), "bad_amount"),
		(pay(amount=Decimal("-5.00")), "bad_amount"),
		(pay(amount=Decimal("1.005")), "bad_amount"),
		(pay(amount=Decimal("NaN")), "bad_amount"),
		(pay(amount=1.5), "bad_amount"),
		(pay(end_to_end_id="x" * 36), "bad_end_to_end_id"),
		(pay(end_to_end_id=""), "bad_end_to_end_id"),
		(pay(end_to_end_id="a\x07b"), "bad_end_to_end_id"),
		(pay(kind="CHEQUE"), "unknown_kind"),
		(pay(creditor_name=""), "bad_text"),
		(pay(remittance="x" * 141), "bad_text"),
		(pay(remittance="Faktura\x00 1"), "bad_text"),
	],
)
def test_each_refusal(payment, code):
	error = refused(with_payment(payment))
	assert error.code == code
	assert error.message == pain001.MESSAGES[code]


def test_a_cpr_without_a_modulus_11_check_digit_is_accepted():
	# 0101701234 does not pass the old modulus-11 check; such numbers are issued since 2007.
	assert b"0101701234" in pain001.render(with_payment(pay(kind=NEMKONTO, cpr="010170-1234")))


def test_duplicate_end_to_end_ids_are_refused():
	batch = dataclasses.replace(samples.batch(), payments=(pay(), pay(kind=NEMKONTO, cpr="0101709999")))
	error = refused(batch)
	assert error.code == "duplicate_end_to_end_id" and error.params == {"end_to_end_id": "E2E-1"}


def test_batch_level_refusals():
	assert refused(dataclasses.replace(samples.batch(), payments=())).code == "empty_batch"
	assert refused(dataclasses.replace(samples.batch(), message_id="m" * 36)).code == "bad_text"
	assert refused(dataclasses.replace(samples.batch(), debtor_account="53010000123")).code == "bad_account"
	assert (
		refused(dataclasses.replace(samples.batch(), debtor_account="DK5000400440116244")).code == "bad_iban"
	)
	too_many = dataclasses.replace(samples.batch(), payments=(pay(),) * (pain001.MAX_PAYMENTS + 1))
	assert refused(too_many).code == "too_many_payments"


def test_without_the_schema_no_file_is_written(tmp_path):
	pain001.configure_schema(tmp_path / "missing.xsd")
	assert refused(samples.batch()).code == "schema_unavailable"


def test_a_file_the_schema_refuses_is_not_returned(tmp_path):
	# The checks before writing keep every file within the schema, so a stricter copy of the schema
	# (control sums of at most 1) stands in for a file the schema would refuse.
	xsd = pain001.schema_path().read_text(encoding="utf-8")
	strict = xsd.replace(
		'<xs:simpleType name="DecimalNumber">\n        <xs:restriction base="xs:decimal">',
		'<xs:simpleType name="DecimalNumber">\n        <xs:restriction base="xs:decimal">\n            <xs:maxInclusive value="1"/>',
	)
	assert strict != xsd
	path = tmp_path / "strict.xsd"
	path.write_text(strict, encoding="utf-8")
	pain001.configure_schema(path)
	error = refused(samples.batch())
	assert error.code == "schema" and "CtrlSum" in str(error)


def test_the_schema_is_compiled_once(monkeypatch):
	pain001.render(samples.batch())
	calls = []
	real = etree.XMLSchema
	monkeypatch.setattr(pain001.etree, "XMLSchema", lambda *a, **k: calls.append(1) or real(*a, **k))
	pain001.render(samples.batch())
	assert calls == []


def test_luhn():
	assert pain001.luhn_ok("79927398713")
	assert not pain001.luhn_ok("79927398710")


def test_timing_of_a_large_batch():
	payments = tuple(
		pay(end_to_end_id=f"E2E-{n}", amount=Decimal(n % 5000 + 1) / 100) for n in range(1, 2001)
	)
	batch = dataclasses.replace(
		samples.batch(), payments=payments, created_at=datetime(2025, 1, 1), execution_date=date(2025, 1, 2)
	)
	start = time.perf_counter()
	data = pain001.render(batch)
	assert time.perf_counter() - start < float(os.environ.get("BB_BANK_SECONDS", "5"))
	assert data.count(b"<CdtTrfTxInf>") == 2000
