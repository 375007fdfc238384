"""Fast tests of the e-invoice parser (borgerbudget.einvoice.ubl): no frappe, no database."""

import time
from datetime import date
from decimal import Decimal

import pytest

from borgerbudget import safexml
from borgerbudget.einvoice import ubl
from borgerbudget.einvoice.samples import HERE, SAMPLES, bad, make, make_zip, make_zip_bomb


def refused(data: bytes) -> ubl.EInvoiceError:
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.parse(data)
	return info.value


@pytest.fixture(autouse=True)
def packaged_schema():
	"""Each test starts (and ends) with the schema found as at start."""
	ubl.configure_schema(None)
	yield
	ubl.configure_schema(None)


def test_the_oasis_schema_is_found_and_checked():
	assert ubl.schema_available()
	assert (ubl.schema_dir() / "maindoc" / "UBL-Invoice-2.1.xsd").is_file()


@pytest.mark.parametrize("filename", sorted(SAMPLES))
def test_committed_samples_are_what_make_renders(filename):
	assert (HERE / filename).read_bytes() == make(*SAMPLES[filename])


@pytest.mark.parametrize("filename", sorted(SAMPLES))
def test_each_sample_is_parsed(filename):
	kind, profile = SAMPLES[filename]
	doc = ubl.parse((HERE / filename).read_bytes())
	assert doc.kind == kind
	assert doc.profile == {"oioubl": ubl.OIOUBL, "peppol": ubl.PEPPOL}[profile]
	assert doc.number == ("INV-1001" if kind == "Invoice" else "CN-1001")
	assert doc.issue_date == date(2024, 5, 1)
	assert doc.due_date == (date(2024, 5, 31) if kind == "Invoice" else None)
	assert doc.currency == "DKK"
	assert doc.order_reference == "BB-7K3F-9Q"
	assert doc.buyer_gln == "5790000000012"
	assert doc.buyer_contact == "Borgerbudget"
	assert doc.buyer_reference is None
	assert doc.billing_reference == (None if kind == "Invoice" else "INV-1000")
	s = doc.supplier
	assert (s.cvr, s.name, s.street, s.city, s.postcode, s.country) == (
		"12345678",
		"Hjælpemiddelhuset ApS",
		"Vestergade 12",
		"Aarhus C",
		"8000",
		"DK",
	)
	assert s.endpoint_scheme == ("DK:CVR" if profile == "oioubl" else "0184")
	assert [
		(li.id, li.description, li.quantity, li.unit_price, li.line_amount, li.vat_percent)
		for li in doc.lines
	] == [
		("1", "Ledsagelse, timer", Decimal(4), Decimal("450.00"), Decimal("1800.00"), Decimal(25)),
		("2", "Kørsel", Decimal(1), Decimal("120.00"), Decimal("120.00"), Decimal(25)),
	]
	assert doc.line_extension_amount == Decimal("1920.00")
	assert doc.tax_exclusive_amount == Decimal("1920.00")
	assert doc.tax_amount == Decimal("480.00")
	assert doc.payable_amount == Decimal("2400.00")
	assert all(isinstance(v, Decimal) for v in (doc.payable_amount, doc.tax_amount))
	assert len(doc.payment_means) == (1 if kind == "Invoice" else 0)


def test_documents_are_frozen():
	doc = ubl.parse(make())
	with pytest.raises(AttributeError):
		doc.number = "X"


def test_profile_ids_and_customization():
	oio = ubl.parse(make("Invoice", "oioubl"))
	assert oio.customization_id == "OIOUBL-2.02"
	assert oio.profile_id == "Procurement-BilSim-1.0"
	assert ubl.parse(make("Invoice", "oioubl", customization_id="OIOUBL-2.01")).profile == ubl.OIOUBL
	peppol = ubl.parse(make("Invoice", "peppol"))
	assert peppol.customization_id == ubl.PEPPOL_CUSTOMIZATION
	assert peppol.profile_id == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


@pytest.mark.parametrize("profile", ["oioubl", "peppol"])
@pytest.mark.parametrize("kind", ["Invoice", "CreditNote"])
def test_substitutions(kind, profile):
	doc = ubl.parse(
		make(
			kind,
			profile,
			number="F-77",
			order_reference="BB-AAAA-11",
			buyer_reference="BB-BBBB-22",
			buyer_contact="BB-CCCC-33",
			buyer_gln="5790001234567",
			supplier_cvr="87654321",
			amount="1234.50",
			billing_reference="F-17",
			issue_date="2025-01-31",
			due_date="2025-03-01",
		)
	)
	assert (doc.number, doc.order_reference, doc.buyer_reference, doc.buyer_contact) == (
		"F-77",
		"BB-AAAA-11",
		"BB-BBBB-22",
		"BB-CCCC-33",
	)
	assert (doc.buyer_gln, doc.supplier.cvr, doc.issue_date) == (
		"5790001234567",
		"87654321",
		date(2025, 1, 31),
	)
	assert doc.line_extension_amount == Decimal("1234.50")
	assert doc.tax_amount == Decimal("308.63")
	assert doc.payable_amount == Decimal("1543.13")
	if kind == "CreditNote":
		assert doc.billing_reference == "F-17"
	else:
		assert doc.due_date == date(2025, 3, 1)


def test_oioubl_tax_exclusive_amount_either_reading():
	"""OIOUBL puts the VAT total in TaxExclusiveAmount; the amount without VAT is accepted too."""
	for reading in ("tax", "net"):
		doc = ubl.parse(make("Invoice", "oioubl", oioubl_tax_exclusive=reading))
		assert doc.tax_exclusive_amount == Decimal("1920.00")
		assert doc.tax_amount == Decimal("480.00")
	# Peppol has no such reading.
	assert refused(make("Invoice", "peppol", tax_exclusive_amount="480.00")).code == "sums"


def test_prepaid_amount():
	doc = ubl.parse(make("Invoice", "peppol", prepaid_amount="400.00"))
	assert doc.payable_amount == Decimal("2000.00")


def test_several_vat_rates():
	doc = ubl.parse(
		make("Invoice", "peppol", lines=[("Kursus", "1", "1000.00", "0"), ("Bog", "2", "99.95", "25")])
	)
	assert doc.line_extension_amount == Decimal("1199.90")
	assert doc.tax_amount == Decimal("49.98")
	assert [li.vat_percent for li in doc.lines] == [Decimal(0), Decimal(25)]


@pytest.mark.parametrize(
	"profile, payment, expected",
	[
		("oioubl", "bank", ubl.PaymentMeans("42", None, "1234", "0001234567", None, None, None, None)),
		(
			"oioubl",
			"iban",
			ubl.PaymentMeans("31", None, None, None, "DK5000400440116243", "DABADKKK", None, None),
		),
		(
			"oioubl",
			"fik",
			ubl.PaymentMeans("93", "000000001234566", None, None, None, None, "71", "87654321"),
		),
		(
			"peppol",
			"iban",
			ubl.PaymentMeans("58", "INV-1001", None, None, "DK5000400440116243", "DABADKKK", None, None),
		),
		("peppol", "bank", ubl.PaymentMeans("30", "INV-1001", "1234", "0001234567", None, None, None, None)),
	],
)
def test_payment_means(profile, payment, expected):
	assert ubl.parse(make("Invoice", profile, payment=payment)).payment_means == (expected,)


def test_cvr_from_legal_entity_and_gln_from_party_identification():
	data = make("Invoice", "peppol").replace(
		b'schemeID="0184">12345678</cbc:EndpointID>', b'schemeID="0088">5790000000999</cbc:EndpointID>'
	)
	data = data.replace(
		b'<cbc:EndpointID schemeID="0088">5790000000012</cbc:EndpointID>',
		b'<cbc:EndpointID schemeID="9930">DE123</cbc:EndpointID>',
	)
	doc = ubl.parse(data)
	assert doc.supplier.cvr == "12345678"  # PartyLegalEntity/CompanyID
	assert doc.supplier.endpoint_id == "5790000000999"
	assert doc.buyer_gln == "5790000000012"  # PartyIdentification/ID with 0088


def test_line_amount_tolerance_and_base_quantity():
	# 3 × 33.333 = 99.999, written as 100.00: within the 0.01 tolerance.
	doc = ubl.parse(make("Invoice", "peppol", lines=[("Timer", "3", "33.333", "25")]))
	assert doc.lines[0].line_amount == Decimal("100.00")
	data = make("Invoice", "peppol", lines=[("Kørsel", "10", "25.00", "25")])
	# 10 × 250.00 per 10 = 250.00
	data = data.replace(b">25.00</cbc:PriceAmount>", b">250.00</cbc:PriceAmount>").replace(
		b'"C62">1</cbc:BaseQuantity>', b'"C62">10</cbc:BaseQuantity>'
	)
	data = data.replace(b'unitCode="HUR">1</cbc:BaseQuantity>', b'unitCode="HUR">10</cbc:BaseQuantity>')
	assert ubl.parse(data).lines[0].unit_price == Decimal("250.00")


def test_line_allowance_is_allowed_for():
	data = make("Invoice", "peppol", lines=[("Timer", "4", "450.00", "25")], line_extension_amount="1700.00")
	data = data.replace(
		b">1800.00</cbc:LineExtensionAmount><cac:Item>",
		b'>1700.00</cbc:LineExtensionAmount><cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="DKK">100.00</cbc:Amount></cac:AllowanceCharge><cac:Item>',
	)
	data = data.replace(b">1800.00</cbc:TaxExclusiveAmount>", b">1700.00</cbc:TaxExclusiveAmount>")
	data = data.replace(b">2250.00</cbc:TaxInclusiveAmount>", b">2150.00</cbc:TaxInclusiveAmount>")
	data = data.replace(b">2250.00</cbc:PayableAmount>", b">2150.00</cbc:PayableAmount>")
	doc = ubl.parse(data)
	assert doc.lines[0].line_amount == Decimal("1700.00")


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["not_xml", "not_ubl", "unknown_profile", "schema", "sums", "missing"])
def test_refusal_codes(code):
	error = refused(bad(code))
	assert error.code == code
	assert error.message == ubl.MESSAGES[code]
	assert str(error) == ubl.MESSAGES[code].format(**error.params)


@pytest.mark.parametrize("attack", ["xxe", "billion_laughs"])
def test_entity_attacks_are_refused_not_expanded(attack):
	started = time.perf_counter()
	assert refused(bad(attack)).code == "entities"
	assert time.perf_counter() - started < 1


def test_entities_refused_after_parsing_too(monkeypatch):
	"""If the byte scan missed a DOCTYPE, the parsed tree's doctype still refuses it."""
	monkeypatch.setattr(safexml, "_DECLARATION", ubl.re.compile(rb"(?!)"))
	assert refused(bad("xxe")).code == "entities"
	assert refused(bad("billion_laughs")).code in ("entities", "not_xml")
	assert refused(b'<!DOCTYPE Invoice SYSTEM "http://example.invalid/x.dtd"><Invoice/>').code == "entities"


def test_entities_in_utf16_are_refused():
	assert (
		refused(
			bad("xxe")
			.decode()
			.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
			.encode("utf-16")
		).code
		== "entities"
	)


def test_utf16_document_is_parsed():
	text = make("Invoice", "peppol").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
	assert ubl.parse(text.encode("utf-16")).number == "INV-1001"


@pytest.mark.parametrize(
	"customization",
	["", "OIOUBL-1.0", "urn:cen.eu:en16931:2017", ubl.PEPPOL_CUSTOMIZATION + "x", "oioubl-2.02"],
)
def test_unknown_profiles_are_never_guessed(customization):
	data = make("Invoice", "peppol", customization_id=customization or "X")
	if not customization:
		data = data.replace(b"<cbc:CustomizationID>X</cbc:CustomizationID>\n", b"")
	error = refused(data)
	assert error.code == "unknown_profile"
	assert error.params == {"customization_id": customization}


def test_credit_note_root_in_invoice_namespace_is_not_ubl():
	data = make("CreditNote", "peppol").replace(b"xsd:CreditNote-2", b"xsd:Invoice-2")
	assert refused(data).code == "not_ubl"


@pytest.mark.parametrize(
	"overrides, what",
	[
		({"line_extension_amount": "1919.00"}, "LegalMonetaryTotal/LineExtensionAmount"),
		(
			{"tax_inclusive_amount": "2400.01", "payable_amount": "2400.01"},
			"LegalMonetaryTotal/TaxInclusiveAmount",
		),
		({"tax_amount": "470.00"}, "LegalMonetaryTotal/TaxInclusiveAmount"),
		({"payable_amount": "2399.99"}, "LegalMonetaryTotal/PayableAmount"),
	],
)
@pytest.mark.parametrize("profile", ["oioubl", "peppol"])
def test_sums_refused(profile, overrides, what):
	error = refused(make("Invoice", profile, **overrides))
	assert (error.code, error.params["what"]) == ("sums", what)


def test_line_quantity_times_price_refused():
	data = make("Invoice", "peppol", lines=[("Timer", "4", "450.00", "25")])
	data = data.replace(b">450.00</cbc:PriceAmount>", b">450.01</cbc:PriceAmount>")  # 1800.04
	error = refused(data)
	assert (error.code, error.params["what"]) == ("sums", "line 1 LineExtensionAmount")


def test_schema_error_names_the_element():
	error = refused(bad("schema"))
	assert "cbc:IssueDate" in error.params["error"]


def test_without_schema_mandatory_elements_are_still_checked():
	ubl.configure_schema(off=True)
	assert not ubl.schema_available()
	assert ubl.parse(make()).number == "INV-1001"
	assert refused(bad("missing")).code == "missing"
	data = make("Invoice", "peppol").replace(b"<cbc:IssueDate>2024-05-01</cbc:IssueDate>", b"")
	assert refused(data).params == {"element": "cbc:IssueDate"}
	data = make("Invoice", "peppol").replace(b">2024-05-01</cbc:IssueDate>", b">1. maj</cbc:IssueDate>")
	assert refused(data).code == "schema"
	data = make("Invoice", "peppol").replace(b">2400.00</cbc:PayableAmount>", b">mange</cbc:PayableAmount>")
	assert refused(data).code == "schema"


def test_schema_from_a_configured_directory(tmp_path):
	packaged = ubl.schema_dir()
	ubl.configure_schema(packaged)
	assert ubl.schema_dir() == packaged
	assert refused(bad("schema")).code == "schema"


def test_tampered_packaged_schema_is_not_used(monkeypatch):
	monkeypatch.setattr(ubl, "_packaged", [])
	monkeypatch.setitem(ubl.XSD_SHA256, "maindoc/UBL-Invoice-2.1.xsd", "0" * 64)
	ubl.configure_schema(None)
	assert ubl.schema_dir() is None


def test_fifty_megabytes_refused_quickly():
	data = b"<Invoice>" + b" " * (50 * 1024 * 1024) + b"</Invoice>"
	started = time.perf_counter()
	error = refused(data)
	assert error.code == "too_large"
	assert error.params == {"size": len(data), "limit": ubl.MAX_BYTES}
	assert time.perf_counter() - started < 0.5


def test_every_code_has_an_english_message():
	codes = {
		"too_large",
		"not_xml",
		"not_ubl",
		"unknown_profile",
		"schema",
		"sums",
		"entities",
		"zip_bomb",
		"missing",
		"bad_zip",
	}
	assert set(ubl.MESSAGES) == codes


# --- Zip --------------------------------------------------------------------------------------


def test_not_a_zip_is_one_document():
	data = make()
	assert ubl.unpack(data, "faktura.zip") == [("faktura.zip", data)]


def test_zip_of_several_invoices():
	invoices = {f"faktura-{n}.xml": make("Invoice", "peppol", number=f"F-{n}") for n in range(3)}
	archive = make_zip(
		{
			**invoices,
			"sub/credit.XML": make("CreditNote", "oioubl"),
			"readme.pdf": b"%PDF-1.4",
			"../evil.xml": make(),
			"/etc/evil.xml": make(),
			"c:/evil.xml": make(),
			"win\\evil.xml": make(),
			"__MACOSX/._faktura-0.xml": b"junk",
			"inner.zip": make_zip({"x.xml": make()}),
			"sneaky.xml": make_zip({"x.xml": make()}),
		}
	)
	members = ubl.unpack(archive, "bundle.bin")
	assert [name for name, _ in members] == ["faktura-0.xml", "faktura-1.xml", "faktura-2.xml", "credit.XML"]
	assert [ubl.parse(data).number for _, data in members] == ["F-0", "F-1", "F-2", "CN-1001"]


def test_zip_bomb_refused():
	started = time.perf_counter()
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.unpack(make_zip_bomb(), "bomb.zip")
	error = info.value
	assert error.code == "zip_bomb"
	assert error.params["filename"] == "bomb.zip"
	assert time.perf_counter() - started < 5


def test_zip_member_over_max_bytes_refused_while_reading(monkeypatch):
	monkeypatch.setattr(ubl, "MAX_BYTES", 2 * 1024 * 1024)
	archive = make_zip({"big.xml": b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>"})
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.unpack(archive, "big.zip")
	assert info.value.code == "zip_bomb"


def test_zip_with_lying_headers_refused(monkeypatch):
	"""Headers that understate a member's size get no more than they say: the member is refused."""
	archive = bytearray(make_zip({"small.xml": b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>"}))
	local = archive.index(b"PK\x03\x04")
	central = archive.index(b"PK\x01\x02")
	archive[local + 22 : local + 26] = (100).to_bytes(4, "little")
	archive[central + 24 : central + 28] = (100).to_bytes(4, "little")
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.unpack(bytes(archive), "liar.zip")
	assert info.value.code in ("bad_zip", "zip_bomb")


def test_zip_ratio_refused(monkeypatch):
	monkeypatch.setattr(ubl, "MAX_ZIP_RATIO", 10)
	archive = make_zip({"packed.xml": b"<a>" + b" " * (2 * 1024 * 1024) + b"</a>"})
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.unpack(archive, "packed.zip")
	assert info.value.code == "zip_bomb"


def test_zip_too_many_members_refused():
	archive = make_zip({f"{n}.txt": b"" for n in range(ubl.MAX_ZIP_MEMBERS + 1)})
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.unpack(archive, "many.zip")
	assert info.value.code == "zip_bomb"


def test_zip_total_size_refused(monkeypatch):
	monkeypatch.setattr(ubl, "MAX_ZIP_TOTAL", 1024 * 1024)
	archive = make_zip({f"{n}.xml": b"<a>" + b"x" * 400_000 + b"</a>" for n in range(3)})
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.unpack(archive, "total.zip")
	assert info.value.code == "zip_bomb"


def test_broken_zip_refused():
	archive = make_zip({"a.xml": make()})
	with pytest.raises(ubl.EInvoiceError) as info:
		ubl.unpack(archive[:200], "broken.zip")
	assert info.value.code == "bad_zip"


# --- Speed ------------------------------------------------------------------------------------


def test_two_hundred_documents_parse_and_validate_quickly():
	documents = [
		make(kind, profile, number=f"N-{n}", order_reference=f"BB-{n:04d}-XX")
		for n in range(50)
		for kind in ("Invoice", "CreditNote")
		for profile in ("oioubl", "peppol")
	]
	ubl.parse(documents[0])  # the schema is compiled once, here
	started = time.perf_counter()
	parsed = [ubl.parse(data) for data in documents]
	elapsed = time.perf_counter() - started
	print(f"parsed and validated {len(parsed)} documents in {elapsed:.3f} s")
	assert len({doc.number for doc in parsed}) == 50
	assert elapsed < 5
