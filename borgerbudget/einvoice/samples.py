"""Sample e-invoices, written from the UBL 2.1, OIOUBL 2.1 and Peppol BIS Billing 3.0 conventions,
for the tests, the benchmark and the demo: `make` renders a valid document with any reference, GLN, CVR, number or amounts, and
`bad` the refused ones.

	make("Invoice", "oioubl")                                    # the committed oioubl_invoice.xml
	make("CreditNote", "peppol", order_reference="BB-AAAA-11", billing_reference="F-17")
	make("Invoice", "peppol", amount="1234.50", buyer_gln="5790001234567", supplier_cvr="87654321")
	make("Invoice", "oioubl", lines=[("Ledsagelse", "3", "450.00", "25")], payment="fik")
	make("Invoice", "peppol", payable_amount="1.00")             # a sums refusal

Totals are computed from the lines; any of them may be overridden to break them on purpose.
"""

from __future__ import annotations

import io
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

# The committed sample files, for readers of the format (tests check they are what `make` renders).
HERE = Path(__file__).parents[2] / "tests" / "einvoice_samples"
CENT = Decimal("0.01")

OIOUBL_CUSTOMIZATION = "OIOUBL-2.02"
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"

DEFAULTS = {
	"number": None,  # INV-1001 or CN-1001
	"issue_date": "2024-05-01",
	"due_date": "2024-05-31",  # invoices only
	"currency": "DKK",
	"order_reference": "BB-7K3F-9Q",
	"buyer_reference": None,
	"buyer_contact": "Borgerbudget",
	"buyer_gln": "5790000000012",
	"buyer_name": "Eksempel Kommune",
	"supplier_cvr": "12345678",
	"supplier_name": "Hjælpemiddelhuset ApS",
	"supplier_street": "Vestergade",
	"supplier_building": "12",
	"supplier_city": "Aarhus C",
	"supplier_postcode": "8000",
	"billing_reference": "INV-1000",  # credit notes only
	"customization_id": None,  # by profile
	# (description, quantity, unit price, VAT percent); `amount` replaces them by one line
	"lines": (("Ledsagelse, timer", "4", "450.00", "25"), ("Kørsel", "1", "120.00", "25")),
	"amount": None,
	"payment": None,  # "bank", "iban" or "fik"; by default bank (OIOUBL) or iban (Peppol) on invoices
	"prepaid_amount": None,
	# OIOUBL writes the VAT total in TaxExclusiveAmount ("tax"); "net" writes the amount without VAT
	"oioubl_tax_exclusive": "tax",
	# totals: computed unless given
	"line_extension_amount": None,
	"tax_exclusive_amount": None,
	"tax_amount": None,
	"tax_inclusive_amount": None,
	"payable_amount": None,
}

NAMESPACES = (
	'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
	'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)


def make(kind: str = "Invoice", profile: str = "oioubl", **overrides) -> bytes:
	"""A valid UBL 2.1 `kind` ("Invoice" or "CreditNote") in `profile` ("oioubl" or "peppol")."""
	unknown = set(overrides) - set(DEFAULTS)
	if unknown:
		raise TypeError(f"unknown overrides: {sorted(unknown)}")
	if kind not in ("Invoice", "CreditNote"):
		raise ValueError(kind)
	profile = {"oioubl": "oioubl", "OIOUBL 2.1": "oioubl", "peppol": "peppol"}.get(profile, profile)
	if profile.startswith("Peppol"):
		profile = "peppol"
	if profile not in ("oioubl", "peppol"):
		raise ValueError(profile)
	v = {**DEFAULTS, **overrides}
	v["number"] = v["number"] or ("INV-1001" if kind == "Invoice" else "CN-1001")
	return _render(kind, profile, v).encode("utf-8")


def _money(value) -> str:
	return f"{Decimal(str(value)):.2f}"


def _t(value) -> str:
	return escape(str(value))


def _render(kind: str, profile: str, v: dict) -> str:
	oio = profile == "oioubl"
	invoice = kind == "Invoice"
	cur = quoteattr(v["currency"])
	lines = v["lines"] if v["amount"] is None else (("Ydelse", "1", str(v["amount"]), "25"),)

	rows = []
	for i, (description, quantity, price, vat) in enumerate(lines, start=1):
		net = (Decimal(str(quantity)) * Decimal(str(price))).quantize(CENT, ROUND_HALF_UP)
		rows.append((i, description, Decimal(str(quantity)), Decimal(str(price)), Decimal(str(vat)), net))
	by_rate: dict[Decimal, Decimal] = {}
	for *_, vat, net in rows:
		by_rate[vat] = by_rate.get(vat, Decimal(0)) + net
	line_total = sum((r[5] for r in rows), Decimal(0))
	taxes = {rate: (base * rate / 100).quantize(CENT, ROUND_HALF_UP) for rate, base in by_rate.items()}
	tax = sum(taxes.values(), Decimal(0))

	def total(name, computed):
		return Decimal(str(v[name])) if v[name] is not None else computed

	line_extension = total("line_extension_amount", line_total)
	tax_amount = total("tax_amount", tax)
	inclusive = total("tax_inclusive_amount", line_total + tax)
	prepaid = Decimal(str(v["prepaid_amount"] or 0))
	payable = total("payable_amount", inclusive - prepaid)
	if oio and v["oioubl_tax_exclusive"] == "tax":
		exclusive = total("tax_exclusive_amount", tax_amount)
	else:
		exclusive = total("tax_exclusive_amount", line_total)

	out = ['<?xml version="1.0" encoding="UTF-8"?>']
	out.append(f'<{kind} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{kind}-2" {NAMESPACES}>')
	if oio:
		customization = v["customization_id"] or OIOUBL_CUSTOMIZATION
		out.append("<cbc:UBLVersionID>2.0</cbc:UBLVersionID>")
		out.append(f"<cbc:CustomizationID>{_t(customization)}</cbc:CustomizationID>")
		out.append(
			'<cbc:ProfileID schemeAgencyID="320" schemeID="urn:oioubl:id:profileid-1.6">'
			"Procurement-BilSim-1.0</cbc:ProfileID>"
		)
	else:
		customization = v["customization_id"] or PEPPOL_CUSTOMIZATION
		out.append(f"<cbc:CustomizationID>{_t(customization)}</cbc:CustomizationID>")
		out.append("<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>")
	out.append(f"<cbc:ID>{_t(v['number'])}</cbc:ID>")
	if oio:
		out.append("<cbc:CopyIndicator>false</cbc:CopyIndicator>")
		out.append("<cbc:UUID>9a1b2c3d-0000-4000-8000-000000000001</cbc:UUID>")
	out.append(f"<cbc:IssueDate>{_t(v['issue_date'])}</cbc:IssueDate>")
	if invoice and not oio and v["due_date"]:
		out.append(f"<cbc:DueDate>{_t(v['due_date'])}</cbc:DueDate>")
	if invoice:
		attrs = ' listAgencyID="320" listID="urn:oioubl:codelist:invoicetypecode-1.2"' if oio else ""
		out.append(f"<cbc:InvoiceTypeCode{attrs}>380</cbc:InvoiceTypeCode>")
	elif not oio:
		out.append("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>")
	out.append(f"<cbc:DocumentCurrencyCode>{_t(v['currency'])}</cbc:DocumentCurrencyCode>")
	if v["buyer_reference"]:
		out.append(f"<cbc:BuyerReference>{_t(v['buyer_reference'])}</cbc:BuyerReference>")
	if v["order_reference"]:
		issue = f"<cbc:IssueDate>{_t(v['issue_date'])}</cbc:IssueDate>" if oio else ""
		out.append(
			f"<cac:OrderReference><cbc:ID>{_t(v['order_reference'])}</cbc:ID>{issue}</cac:OrderReference>"
		)
	if not invoice and v["billing_reference"]:
		out.append(
			"<cac:BillingReference><cac:InvoiceDocumentReference>"
			f"<cbc:ID>{_t(v['billing_reference'])}</cbc:ID>"
			"</cac:InvoiceDocumentReference></cac:BillingReference>"
		)
	out.append(_supplier(oio, v))
	out.append(_customer(oio, v))
	payment = v["payment"] or (("bank" if oio else "iban") if invoice else None)
	if payment:
		out.append(_payment_means(oio, payment, v, invoice))
	out.append(_tax_total(oio, cur, tax_amount, by_rate, taxes))
	out.append("<cac:LegalMonetaryTotal>")
	out.append(
		f"<cbc:LineExtensionAmount currencyID={cur}>{_money(line_extension)}</cbc:LineExtensionAmount>"
	)
	out.append(f"<cbc:TaxExclusiveAmount currencyID={cur}>{_money(exclusive)}</cbc:TaxExclusiveAmount>")
	out.append(f"<cbc:TaxInclusiveAmount currencyID={cur}>{_money(inclusive)}</cbc:TaxInclusiveAmount>")
	if prepaid:
		out.append(f"<cbc:PrepaidAmount currencyID={cur}>{_money(prepaid)}</cbc:PrepaidAmount>")
	out.append(f"<cbc:PayableAmount currencyID={cur}>{_money(payable)}</cbc:PayableAmount>")
	out.append("</cac:LegalMonetaryTotal>")
	for row in rows:
		out.append(_line(oio, kind, cur, *row))
	out.append(f"</{kind}>")
	return "\n".join(out) + "\n"


def _supplier(oio: bool, v: dict) -> str:
	cvr = _t(v["supplier_cvr"])
	name = _t(v["supplier_name"])
	address = (
		"<cac:PostalAddress>"
		+ (
			'<cbc:AddressFormatCode listAgencyID="320" listID="urn:oioubl:codelist:addressformatcode-1.1">'
			"StructuredDK</cbc:AddressFormatCode>"
			if oio
			else ""
		)
		+ f"<cbc:StreetName>{_t(v['supplier_street'])}</cbc:StreetName>"
		+ f"<cbc:BuildingNumber>{_t(v['supplier_building'])}</cbc:BuildingNumber>"
		+ f"<cbc:CityName>{_t(v['supplier_city'])}</cbc:CityName>"
		+ f"<cbc:PostalZone>{_t(v['supplier_postcode'])}</cbc:PostalZone>"
		+ "<cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country>"
		+ "</cac:PostalAddress>"
	)
	if oio:
		return (
			"<cac:AccountingSupplierParty><cac:Party>"
			f'<cbc:EndpointID schemeAgencyID="9" schemeID="DK:CVR">DK{cvr}</cbc:EndpointID>'
			f'<cac:PartyIdentification><cbc:ID schemeAgencyID="9" schemeID="DK:CVR">DK{cvr}</cbc:ID>'
			"</cac:PartyIdentification>"
			f"<cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"
			f"{address}"
			f'<cac:PartyTaxScheme><cbc:CompanyID schemeAgencyID="9" schemeID="DK:SE">DK{cvr}</cbc:CompanyID>'
			'<cac:TaxScheme><cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxschemeid-1.5">63</cbc:ID>'
			"<cbc:Name>Moms</cbc:Name></cac:TaxScheme></cac:PartyTaxScheme>"
			f"<cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName>"
			f'<cbc:CompanyID schemeAgencyID="9" schemeID="DK:CVR">DK{cvr}</cbc:CompanyID></cac:PartyLegalEntity>'
			"</cac:Party></cac:AccountingSupplierParty>"
		)
	return (
		"<cac:AccountingSupplierParty><cac:Party>"
		f'<cbc:EndpointID schemeID="0184">{cvr}</cbc:EndpointID>'
		f"<cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"
		f"{address}"
		f"<cac:PartyTaxScheme><cbc:CompanyID>DK{cvr}</cbc:CompanyID>"
		"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
		f"<cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName>"
		f'<cbc:CompanyID schemeID="0184">{cvr}</cbc:CompanyID></cac:PartyLegalEntity>'
		"</cac:Party></cac:AccountingSupplierParty>"
	)


def _customer(oio: bool, v: dict) -> str:
	gln = _t(v["buyer_gln"])
	name = _t(v["buyer_name"])
	scheme = 'schemeAgencyID="9" schemeID="GLN"' if oio else 'schemeID="0088"'
	contact = ""
	if v["buyer_contact"]:
		# OIOUBL's Contact/ID is the buyer's person reference; Peppol has the contact's name.
		tag = "ID" if oio else "Name"
		contact = f"<cac:Contact><cbc:{tag}>{_t(v['buyer_contact'])}</cbc:{tag}></cac:Contact>"
	format_code = (
		'<cbc:AddressFormatCode listAgencyID="320" listID="urn:oioubl:codelist:addressformatcode-1.1">'
		"StructuredDK</cbc:AddressFormatCode>"
		if oio
		else ""
	)
	return (
		"<cac:AccountingCustomerParty><cac:Party>"
		f"<cbc:EndpointID {scheme}>{gln}</cbc:EndpointID>"
		f"<cac:PartyIdentification><cbc:ID {scheme}>{gln}</cbc:ID></cac:PartyIdentification>"
		f"<cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"
		f"<cac:PostalAddress>{format_code}<cbc:StreetName>Rådhuspladsen</cbc:StreetName>"
		"<cbc:BuildingNumber>1</cbc:BuildingNumber><cbc:CityName>Eksempelby</cbc:CityName>"
		"<cbc:PostalZone>9999</cbc:PostalZone>"
		"<cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country></cac:PostalAddress>"
		f"<cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName></cac:PartyLegalEntity>"
		f"{contact}"
		"</cac:Party></cac:AccountingCustomerParty>"
	)


def _payment_means(oio: bool, payment: str, v: dict, invoice: bool) -> str:
	due = f"<cbc:PaymentDueDate>{_t(v['due_date'])}</cbc:PaymentDueDate>" if (oio or not invoice) else ""
	channel_list = 'listAgencyID="320" listID="urn:oioubl:codelist:paymentchannelcode-1.1"'
	if payment == "fik":
		channel = f"<cbc:PaymentChannelCode {channel_list}>DK:FIK</cbc:PaymentChannelCode>" if oio else ""
		return (
			"<cac:PaymentMeans><cbc:ID>1</cbc:ID><cbc:PaymentMeansCode>93</cbc:PaymentMeansCode>"
			f"{due}{channel}<cbc:InstructionID>000000001234566</cbc:InstructionID>"
			"<cbc:PaymentID>71</cbc:PaymentID>"
			"<cac:CreditAccount><cbc:AccountID>87654321</cbc:AccountID></cac:CreditAccount></cac:PaymentMeans>"
		)
	if payment == "bank":
		channel = f"<cbc:PaymentChannelCode {channel_list}>DK:BANK</cbc:PaymentChannelCode>" if oio else ""
		return (
			f"<cac:PaymentMeans><cbc:ID>1</cbc:ID><cbc:PaymentMeansCode>{42 if oio else 30}</cbc:PaymentMeansCode>"
			f"{due}{channel}"
			+ ("" if oio else f"<cbc:PaymentID>{_t(v['number'])}</cbc:PaymentID>")
			+ "<cac:PayeeFinancialAccount><cbc:ID>0001234567</cbc:ID>"
			"<cac:FinancialInstitutionBranch><cbc:ID>1234</cbc:ID></cac:FinancialInstitutionBranch>"
			"</cac:PayeeFinancialAccount></cac:PaymentMeans>"
		)
	if payment == "iban":
		channel = f"<cbc:PaymentChannelCode {channel_list}>IBAN</cbc:PaymentChannelCode>" if oio else ""
		branch = (
			"<cac:FinancialInstitutionBranch><cac:FinancialInstitution><cbc:ID>DABADKKK</cbc:ID>"
			"</cac:FinancialInstitution></cac:FinancialInstitutionBranch>"
			if oio
			else "<cac:FinancialInstitutionBranch><cbc:ID>DABADKKK</cbc:ID></cac:FinancialInstitutionBranch>"
		)
		return (
			f"<cac:PaymentMeans><cbc:ID>1</cbc:ID><cbc:PaymentMeansCode>{31 if oio else 58}</cbc:PaymentMeansCode>"
			f"{due}{channel}"
			+ ("" if oio else f"<cbc:PaymentID>{_t(v['number'])}</cbc:PaymentID>")
			+ "<cac:PayeeFinancialAccount><cbc:ID>DK5000400440116243</cbc:ID>"
			f"{branch}</cac:PayeeFinancialAccount></cac:PaymentMeans>"
		)
	raise ValueError(payment)


def _tax_category(oio: bool, rate: Decimal) -> str:
	if oio:
		category = "StandardRated" if rate else "ZeroRated"
		return (
			'<cac:TaxCategory><cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxcategoryid-1.1">'
			f"{category}</cbc:ID><cbc:Percent>{rate}</cbc:Percent>"
			'<cac:TaxScheme><cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxschemeid-1.5">63</cbc:ID>'
			"<cbc:Name>Moms</cbc:Name></cac:TaxScheme></cac:TaxCategory>"
		)
	return (
		f"<cac:TaxCategory><cbc:ID>{'S' if rate else 'Z'}</cbc:ID><cbc:Percent>{rate}</cbc:Percent>"
		"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>"
	)


def _tax_total(oio: bool, cur: str, tax_amount, by_rate: dict, taxes: dict) -> str:
	subtotals = "".join(
		f"<cac:TaxSubtotal><cbc:TaxableAmount currencyID={cur}>{_money(base)}</cbc:TaxableAmount>"
		f"<cbc:TaxAmount currencyID={cur}>{_money(taxes[rate])}</cbc:TaxAmount>"
		f"{_tax_category(oio, rate)}</cac:TaxSubtotal>"
		for rate, base in by_rate.items()
	)
	return f"<cac:TaxTotal><cbc:TaxAmount currencyID={cur}>{_money(tax_amount)}</cbc:TaxAmount>{subtotals}</cac:TaxTotal>"


def _line(oio: bool, kind: str, cur: str, i, description, quantity, price, vat, net) -> str:
	tag, quantity_tag = (
		("InvoiceLine", "InvoicedQuantity") if kind == "Invoice" else ("CreditNoteLine", "CreditedQuantity")
	)
	line_tax = ""
	if oio:
		line_tax_amount = (net * vat / 100).quantize(CENT, ROUND_HALF_UP)
		line_tax = (
			f"<cac:TaxTotal><cbc:TaxAmount currencyID={cur}>{_money(line_tax_amount)}</cbc:TaxAmount>"
			f"<cac:TaxSubtotal><cbc:TaxableAmount currencyID={cur}>{_money(net)}</cbc:TaxableAmount>"
			f"<cbc:TaxAmount currencyID={cur}>{_money(line_tax_amount)}</cbc:TaxAmount>"
			f"{_tax_category(oio, vat)}</cac:TaxSubtotal></cac:TaxTotal>"
		)
		item = (
			f"<cac:Item><cbc:Description>{_t(description)}</cbc:Description><cbc:Name>{_t(description)}</cbc:Name>"
			f"<cac:SellersItemIdentification><cbc:ID>Y{i:03d}</cbc:ID></cac:SellersItemIdentification></cac:Item>"
		)
	else:
		item = (
			f"<cac:Item><cbc:Name>{_t(description)}</cbc:Name>"
			f"<cac:ClassifiedTaxCategory><cbc:ID>{'S' if vat else 'Z'}</cbc:ID><cbc:Percent>{vat}</cbc:Percent>"
			"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>"
		)
	return (
		f"<cac:{tag}><cbc:ID>{i}</cbc:ID>"
		f'<cbc:{quantity_tag} unitCode="{"HUR" if i == 1 else "C62"}">{quantity}</cbc:{quantity_tag}>'
		f"<cbc:LineExtensionAmount currencyID={cur}>{_money(net)}</cbc:LineExtensionAmount>"
		f"{line_tax}{item}"
		f"<cac:Price><cbc:PriceAmount currencyID={cur}>{_money(price)}</cbc:PriceAmount>"
		f'<cbc:BaseQuantity unitCode="{"HUR" if i == 1 else "C62"}">1</cbc:BaseQuantity></cac:Price>'
		f"</cac:{tag}>"
	)


# --- Refused documents ------------------------------------------------------------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>
"""

BILLION_LAUGHS = (
	b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
	+ b"".join(
		f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
		for n in range(1, 10)
	)
	+ b']>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>\n'
)


def bad(name: str) -> bytes:
	"""A document refused with the code `name` (also "xxe" and "billion_laughs", refused as entities)."""
	if name == "not_xml":
		return b"%PDF-1.4 this is not XML"
	if name == "not_ubl":
		return b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'
	if name == "unknown_profile":
		return make(
			"Invoice",
			"peppol",
			customization_id="urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
		)
	if name == "schema":
		# IssueDate before ID: UBL is an ordered schema.
		good = make("Invoice", "peppol").decode()
		issue = "<cbc:IssueDate>2024-05-01</cbc:IssueDate>\n"
		return (
			good.replace(issue, "")
			.replace("<cbc:ID>INV-1001</cbc:ID>", issue + "<cbc:ID>INV-1001</cbc:ID>")
			.encode()
		)
	if name == "sums":
		return make("Invoice", "peppol", payable_amount="999.00")
	if name == "missing":
		return make("Invoice", "peppol").replace(
			b"<cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode>\n", b""
		)
	if name == "xxe":
		return XXE
	if name == "billion_laughs":
		return BILLION_LAUGHS
	raise ValueError(name)


def make_zip(members: dict[str, bytes]) -> bytes:
	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
		for name, data in members.items():
			archive.writestr(name, data)
	return buffer.getvalue()


def make_zip_bomb(size: int = 200 * 1024 * 1024) -> bytes:
	"""A zip of one .xml member that unpacks to `size` bytes of spaces (a few hundred KB packed)."""
	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
		with archive.open("bomb.xml", "w", force_zip64=True) as member:
			block = b" " * (1024 * 1024)
			for _ in range(size // len(block)):
				member.write(block)
	return buffer.getvalue()


SAMPLES = {
	"oioubl_invoice.xml": ("Invoice", "oioubl"),
	"oioubl_creditnote.xml": ("CreditNote", "oioubl"),
	"peppol_invoice.xml": ("Invoice", "peppol"),
	"peppol_creditnote.xml": ("CreditNote", "peppol"),
}


def write_samples() -> None:
	"""Write the committed sample files from `make` (python -c 'from borgerbudget.einvoice.samples import write_samples; write_samples()')."""
	for filename, (kind, profile) in SAMPLES.items():
		(HERE / filename).write_bytes(make(kind, profile))
