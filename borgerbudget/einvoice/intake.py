"""Suppliers' e-invoices in: three ways, one inbox.

1. finance uploads XML files or a zip in the desk (`take_in_file`);
2. an access point or VANS provider pushes a document (`receive`, as the e-invoice integration user);
3. an e-mail with the XML attached reaches an Email Account marked "Receives E-Invoices" (`on_file`).

Each document becomes one E-Invoice with its original XML kept as a private file, and is matched
at once (E-Invoice.match). A document that cannot be read is refused with the reason, and kept for
audit when it was readable.
"""

import contextlib
import re

import frappe
from frappe import _

from borgerbudget import rules
from borgerbudget.einvoice import ubl
from borgerbudget.permissions import as_system, is_finance, may_deliver_einvoices
from borgerbudget.retry import retrying

E = rules.einvoice
UPLOAD, ACCESS_POINT, EMAIL = "Upload", "Access Point", "E-mail"


def take_in(data: bytes, filename: str, source: str) -> list[dict]:
	"""Every document of an upload, push or mail: [{name, status, reason}]."""
	try:
		members = ubl.unpack(data, filename)
	except ubl.EInvoiceError as error:
		return [refuse(filename, None, source, error)]  # a zip bomb or a broken zip is not kept
	if not members:
		return [refuse(filename, None, source, ubl.EInvoiceError("missing", element="an XML document"))]
	return [take_in_document(name, content, source) for name, content in members]


def take_in_document(filename: str, content: bytes, source: str) -> dict:
	filename = (filename or "e-invoice.xml")[-140:]
	try:
		parsed = ubl.parse(content)
		if not parsed.supplier.cvr:
			# Without it neither the supplier nor a second copy of the invoice can be recognised.
			raise ubl.EInvoiceError("missing", element="the supplier's CVR number")
	except ubl.EInvoiceError as error:
		return refuse(filename, None if error.code == "too_large" else content, source, error)
	doc = frappe.get_doc(
		{"doctype": "E-Invoice", "source": source, "file_name": filename, **fields_of(parsed)}
	)
	# The unique key makes a second copy of the same invoice fail here, also when both arrive at
	# once. MariaDB undoes just the refused statement, so the transaction goes on.
	try:
		doc.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		frappe.local.message_log = []
		return duplicate(doc, content)
	except frappe.ValidationError as error:
		# A value the database cannot hold (a name or a reference too long): refused, and kept.
		frappe.local.message_log = []
		return refuse(filename, content, source, message=str(error))
	doc.xml_file = keep_original(doc, content)
	frappe.db.savepoint("einvoice_match")
	try:
		doc.match()
	except frappe.ValidationError as error:
		# ERPNext or the limits refused the draft: the e-invoice waits in finance's queue, saying why.
		frappe.db.rollback(save_point="einvoice_match")
		frappe.local.message_log = []
		doc.db_set(
			{"status": E.UNMATCHED, "reason": str(error), "purchase_invoice": None, "xml_file": doc.xml_file}
		)
	return summary(doc)


# A CPR number a supplier wrote in a free text (the buyer's contact, a line): never stored in clear.
CPR_LIKE = re.compile(r"(?<!\d)(\d{6})[- ]?\d{4}(?!\d)")


def masked(text):
	return CPR_LIKE.sub(r"\1-XXXX", text) if text else text


def fields_of(parsed: ubl.Document) -> dict:
	supplier = parsed.supplier
	# An FI card on the invoice is how the supplier asks to be paid (a payout batch pays it so).
	fi = next((means for means in parsed.payment_means if means.fi_creditor), None)
	address = ", ".join(
		filter(None, (supplier.street, " ".join(filter(None, (supplier.postcode, supplier.city)))))
	)
	return {
		"status": E.RECEIVED,
		"kind": E.CREDIT_NOTE if parsed.kind == "CreditNote" else E.INVOICE,
		"profile": parsed.profile,
		"invoice_number": parsed.number,
		"issue_date": parsed.issue_date,
		"due_date": parsed.due_date,
		"currency": parsed.currency,
		"supplier_cvr": supplier.cvr,
		"supplier_name": supplier.name,
		"supplier_address": address,
		"buyer_gln": parsed.buyer_gln,
		"order_reference": masked(parsed.order_reference),
		"buyer_reference": masked(parsed.buyer_reference),
		"buyer_contact": masked(parsed.buyer_contact),
		"billing_reference": parsed.billing_reference,
		"line_extension_amount": parsed.line_extension_amount,
		"tax_amount": parsed.tax_amount,
		"payable_amount": parsed.payable_amount,
		"payment_means": "\n".join(filter(None, map(describe_payment, parsed.payment_means))),
		"fi_card_type": fi and (fi.fi_card_type or "71"),
		"fi_creditor": fi and fi.fi_creditor,
		"fi_payment_id": fi and fi.payment_id,
		"lines": [
			{
				"line_id": line.id,
				"description": masked(line.description),
				"quantity": line.quantity,
				"unit_price": line.unit_price,
				"line_amount": line.line_amount,
				"vat_percent": line.vat_percent,
			}
			for line in parsed.lines
		],
	}


def describe_payment(means: ubl.PaymentMeans) -> str:
	if means.fi_creditor:
		return _("FI card +{0}<{1}+{2}<").format(
			means.fi_card_type or "71", means.payment_id or "", means.fi_creditor
		)
	if means.iban:
		return _("IBAN {0}").format(means.iban) + (f" ({means.bic})" if means.bic else "")
	if means.account:
		return _("Bank account {0} {1}").format(means.reg_no or "", means.account).replace("  ", " ")
	return ""


def refuse(filename, content, source, error=None, message=None) -> dict:
	doc = frappe.get_doc(
		{
			"doctype": "E-Invoice",
			"status": E.REFUSED,
			"source": source,
			"file_name": (filename or "")[-140:],
			"reason": message or _(ubl.MESSAGES[error.code]).format(**error.params),
		}
	).insert(ignore_permissions=True)
	if content is not None:
		doc.db_set("xml_file", keep_original(doc, content))
	return summary(doc)


def duplicate(doc, content) -> dict:
	original = frappe.db.get_value("E-Invoice", {"dedupe_key": doc.dedupe_key})
	doc = frappe.copy_doc(doc)
	doc.update(
		{
			"status": E.DUPLICATE,
			"dedupe_key": None,
			"duplicate_of": original,
			"reason": _("{0} sent invoice number {1} before: see {2}.").format(
				doc.supplier_name or doc.supplier_cvr, doc.invoice_number, original
			),
		}
	)
	doc.flags.duplicate = True
	doc.insert(ignore_permissions=True)
	doc.db_set("xml_file", keep_original(doc, content))
	return summary(doc)


def keep_original(doc, content: bytes) -> str:
	"""The document as received, a private file of the E-Invoice: its URL."""
	return attach(
		{"file_name": doc.file_name or f"{doc.name}.xml", "content": content}, doc, field="xml_file"
	).file_url


def attach(values: dict, doc, field=None):
	"""A private File of `doc`, without the "attached" comment frappe adds to the record's timeline:
	it loads the whole record to write one, which would double what taking in an e-invoice costs,
	and the file is in the record's field and attachments anyway."""
	file = frappe.get_doc({"doctype": "File", "is_private": 1, **values}).insert(ignore_permissions=True)
	file.db_set(
		{"attached_to_doctype": doc.doctype, "attached_to_name": doc.name, "attached_to_field": field},
		update_modified=False,
	)
	return file


def file_bytes(file) -> bytes:
	"""The file as stored: frappe's get_content decodes text, and a document's encoding is its own."""
	with open(file.get_full_path(), "rb") as stored:
		return stored.read()


def summary(doc) -> dict:
	return {
		"name": doc.name,
		"status": doc.status,
		"reason": doc.reason,
		"purchase_invoice": doc.purchase_invoice,
	}


# The three ways in -------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
@retrying
def receive(filename: str | None = None) -> list[dict]:
	"""An access point pushes one document (or a zip) as the request body: `POST` with
	Content-Type application/xml, authenticated with the e-invoice integration user's API key."""
	if not may_deliver_einvoices():
		frappe.throw(_("Only the e-invoice integration may deliver e-invoices."), frappe.PermissionError)
	data = frappe.request.get_data() if frappe.request else b""
	if not data:
		frappe.throw(_("Send the e-invoice's XML as the request body."), title=_("No document"))
	with as_system():
		results = take_in(data, filename or "e-invoice.xml", ACCESS_POINT)
	# The access point learns what became of its document, nothing of the case it was matched to.
	return [
		{
			"name": row["name"],
			"status": row["status"],
			**({"reason": row["reason"]} if row["status"] == E.REFUSED else {}),
		}
		for row in results
	]


@frappe.whitelist(methods=["POST"])
def take_in_file(file: str) -> list[dict]:
	"""Finance uploaded XML files or a zip in the desk (as a private file): each document becomes an
	E-Invoice with its own copy, and the upload itself is removed."""
	if not is_finance():
		frappe.throw(_("Only finance takes in e-invoices."), frappe.PermissionError)
	file = frappe.get_doc("File", file)
	if file.owner != frappe.session.user or file.attached_to_doctype:
		frappe.throw(_("Upload the e-invoice file again."), frappe.PermissionError)
	results = take_in(file_bytes(file), file.file_name, UPLOAD)
	file.delete(ignore_permissions=True)
	return results


def on_file(doc, method=None):
	"""File after_insert: an XML or zip attachment of a mail received by an e-invoice mailbox."""
	if doc.attached_to_doctype != "Communication" or not (doc.file_name or "").lower().endswith(
		(".xml", ".zip")
	):
		return
	account = frappe.db.get_value(
		"Communication", doc.attached_to_name, ["sent_or_received", "email_account"]
	)
	if not account or account[0] != "Received" or not account[1]:
		return
	if not frappe.db.get_value("Email Account", account[1], "receives_e_invoices"):
		return
	frappe.db.savepoint("einvoice_mail")
	try:
		with as_system():
			take_in(file_bytes(doc), doc.file_name, EMAIL)
	except Exception as error:
		# The mail is kept whatever happens to its attachment, and finance sees the attachment refused.
		with contextlib.suppress(Exception):
			frappe.db.rollback(save_point="einvoice_mail")
		frappe.log_error(
			title="E-invoice from mail not taken in", reference_doctype="File", reference_name=doc.name
		)
		with as_system():
			refuse(
				doc.file_name,
				None,
				EMAIL,
				message=frappe.utils.strip_html(str(error)) or type(error).__name__,
			)


def on_invoice_gone(doc, method=None):
	"""Purchase Invoice on_cancel and on_trash: its e-invoice waits in finance's queue again, so the
	supplier's invoice is not lost with the draft."""
	for name in frappe.get_all("E-Invoice", filters={"purchase_invoice": doc.name}, pluck="name"):
		frappe.db.set_value(
			"E-Invoice",
			name,
			{
				"status": E.UNMATCHED,
				"purchase_invoice": None,
				"credited_invoice": None,
				"reason": _(
					"Purchase Invoice {0} was cancelled or deleted; match the e-invoice again."
				).format(doc.name),
			},
		)
