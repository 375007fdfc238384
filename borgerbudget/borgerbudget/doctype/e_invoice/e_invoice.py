# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A supplier's e-invoice in finance's inbox: read from OIOUBL or Peppol XML (einvoice/ubl.py),
matched by the payment reference to the budget line it pays, and drafted as a Purchase Invoice
through the app's own builder. Nothing is submitted here: finance submits the draft."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate

from borgerbudget import accounting, rules
from borgerbudget.accounting.builders import build_purchase_invoice
from borgerbudget.borgerbudget.doctype.budget_programme.budget_programme import municipality_glns
from borgerbudget.permissions import is_finance

E = rules.einvoice

# What finance reads when an e-invoice finds no line, in plain words.
REASONS = {
	E.WRONG_EAN: "The invoice is addressed to EAN number {buyer_gln}, which is not one of the municipality's.",
	E.UNKNOWN_SUPPLIER: "No supplier has CVR number {supplier_cvr}. Create the supplier from the invoice, then match it again.",
	E.NO_REFERENCE: "The invoice carries no payment reference of a budget line.",
	E.UNKNOWN_REFERENCE: "No budget line has the payment reference {reference}.",
	E.NOT_APPROVED: "Budget line {line} is not approved.",
	E.LINE_CLOSED: "Budget line {line} is closed for payouts.",
	E.NOT_SUPPLIER_LINE: "Budget line {line} is reimbursed to the citizen, not invoiced by a supplier.",
	E.OTHER_SUPPLIER: "Budget line {line} is to be invoiced by {line_supplier}, not {supplier}.",
	E.CURRENCY: "The invoice is in {currency}; the budget line is in {line_currency}.",
	E.OVER_REMAINING: "The invoice is for {amount}, but only {remaining} is left on budget line {line}.",
	E.NO_CREDITED_INVOICE: "The credit note credits invoice {billing_reference}, which is not a submitted invoice from this supplier on this budget line, or was credited already.",
	E.NOTHING_TO_PAY: "The invoice is for {amount}; only an amount above zero is paid.",
	E.NO_LINE_SUPPLIER: "Budget line {line} names no registered supplier: choose the supplier on the line, then match again.",
	E.ALREADY_REGISTERED: "The supplier's invoice number {invoice_number} is already registered as {registered}.",
}
LINE_FIELDS = [
	"name",
	"parent",
	"idx",
	"description",
	"approved",
	"closed",
	"payment_route",
	"supplier",
	"payment_reference",
]


class EInvoice(Document):
	def before_insert(self):
		self.received_on = self.received_on or frappe.utils.now_datetime()
		# One row per supplier, kind and number: the database refuses a second one, even at the same moment.
		if self.status not in (E.REFUSED, E.DUPLICATE) and self.supplier_cvr and self.invoice_number:
			self.dedupe_key = f"{self.supplier_cvr}:{self.kind}:{self.invoice_number}"

	def validate(self):
		# Read from the XML and changed only by the match and finance's actions (below), never by a save.
		if not self.is_new():
			frappe.throw(_("An e-invoice is changed through its actions only."), frappe.PermissionError)

	def onload(self):
		self.set_onload(
			"actions",
			{action: self.may(action) for action in E.ACTIONS} | {"supplier": self.may_create_supplier()},
		)

	def may(self, action):
		return E.can(action, self.status) and is_finance() and self.has_permission("write")

	def may_create_supplier(self):
		return (
			self.status == E.NEEDS_SUPPLIER
			and self.may(E.MATCH)
			and frappe.has_permission("Supplier", "create")
		)

	def check_may(self, action):
		"""The stored record, locked, decides (not a copy a form sends): a second click or a
		colleague's waits here and then finds the action done."""
		frappe.db.get_value(self.doctype, self.name, "name", for_update=True)
		self.load_from_db()
		if not self.may(action):
			frappe.throw(
				_("E-invoice {0} is {1}; you cannot do this now.").format(self.name, _(self.status)),
				frappe.PermissionError,
			)

	# Matching -----------------------------------------------------------------------------------

	def match(self, budget_line=None):
		"""Draft the Purchase Invoice on the line the reference (or finance) names, or say why not."""
		self.supplier = self.supplier or supplier_by_cvr(self.supplier_cvr)
		reference = rules.reference.normalise(self.order_reference or "") or first_reference(
			self.buyer_reference, self.get("buyer_contact")
		)
		self.payment_reference = reference
		self.budget_plan = self.budget_line = self.participant = self.programme = None
		line = find_line(budget_line=budget_line, reference=reference)
		facts, plan, params = None, None, {"reference": self.order_reference or reference or ""}
		credit_note = self.kind == E.CREDIT_NOTE
		if line:
			plan = accounting.get_plan(line.parent)
			# The line's remaining amount as the last payout wrote it back: enough to say why not in plain
			# words; the draft's own validation checks the limits again under the plan's lock.
			facts = E.LineFacts(
				approved=bool(line.approved),
				closed=bool(line.closed),
				supplier_line=line.payment_route == rules.plan.SUPPLIER_INVOICE,
				supplier=line.supplier,
				remaining=flt(line.remaining_amount),
				currency=plan.currency,
				ean=frappe.get_cached_value("Budget Programme", plan.programme, "ean_location_number"),
			)
			params.update(
				line=f"{line.idx} ({line.description}, {plan.name})",
				line_supplier=line.supplier,
				remaining=frappe.utils.fmt_money(line.remaining_amount, currency=plan.currency),
				line_currency=plan.currency,
			)
		problem = E.match_problem(
			buyer_gln=self.buyer_gln,
			municipality_glns=municipality_glns(),
			supplier=self.supplier,
			line=facts,
			reference=reference or budget_line,
			amount=flt(self.payable_amount),
			credit_note=credit_note,
			currency=self.currency,
			tolerance=flt(frappe.get_cached_value("Budget Programme", plan.programme, "invoice_tolerance"))
			if plan
			else 0.0,
		)
		credited = None
		if not problem and credit_note:
			credited = credited_invoice(
				self.supplier, self.billing_reference, line.name, flt(self.payable_amount)
			)
			problem = None if credited else E.NO_CREDITED_INVOICE
		if not problem and not credit_note:
			registered = frappe.db.get_value(
				"Purchase Invoice",
				{
					"supplier": self.supplier,
					"bill_no": self.invoice_number,
					"docstatus": ("<", 2),
					"is_return": 0,
				},
			)
			problem = E.ALREADY_REGISTERED if registered else None
			params["registered"] = registered
		if line and problem not in E.NOT_OURS:
			# Addressed to the municipality by a known supplier: the case's people may see it.
			self.set_line(plan, line)
		if problem:
			self.status = E.NEEDS_SUPPLIER if problem == E.UNKNOWN_SUPPLIER else E.UNMATCHED
			self.reason = _(REASONS[problem]).format(
				**params,
				buyer_gln=self.buyer_gln or "-",
				supplier_cvr=self.supplier_cvr or "-",
				supplier=self.supplier,
				currency=self.currency,
				amount=frappe.utils.fmt_money(self.payable_amount, currency=self.currency),
				billing_reference=self.billing_reference or "-",
				invoice_number=self.invoice_number,
			)
			self.write_result()
			return None
		invoice = self.draft_invoice(line, credited, plan)
		self.purchase_invoice = invoice.name
		self.credited_invoice = credited
		self.status, self.reason = E.DRAFTED, None
		self.write_result()
		return invoice

	def write_result(self):
		"""The outcome of the match or of finance's action, computed here from the stored record."""
		self.modified, self.modified_by = frappe.utils.now(), frappe.session.user
		self.db_update()
		self.notify_update()

	def set_line(self, plan, line):
		self.budget_plan, self.budget_line = plan.name, line.name
		self.participant, self.programme = plan.participant, plan.programme

	def draft_invoice(self, line, credited, plan):
		"""The draft Purchase Invoice (or return) through the app's builder: its limits, accounting
		dimensions and write-back apply as to any other invoice of the line."""
		invoice = build_purchase_invoice(self.budget_plan, line.name, flt(self.payable_amount), plan)
		invoice.update(
			{
				"supplier": self.supplier,
				"bill_no": self.invoice_number,
				"bill_date": self.issue_date,
				"due_date": self.due_date if self.due_date and getdate(self.due_date) >= getdate() else None,
			}
		)
		if credited:
			invoice.is_return = 1
			invoice.return_against = credited
			for item in invoice.items:
				item.qty = -1
		invoice.insert()
		if self.xml_file:
			attach_original(self.xml_file, self.file_name, invoice)
		return invoice

	# Finance's actions ------------------------------------------------------------------------

	@frappe.whitelist()
	def match_to_line(self, budget_line: str):
		"""Finance matches the e-invoice to a line by hand, by the line's payment reference (or its
		row id); the same checks apply."""
		self.check_may(E.MATCH)
		if not frappe.db.exists("Budget Line", budget_line):
			line = find_line(reference=rules.reference.normalise(budget_line or ""))
			budget_line = line.name if line else budget_line
		plan = frappe.db.get_value("Budget Line", budget_line, "parent")
		if not plan or not frappe.has_permission("Budget Plan", "read", plan):
			frappe.throw(_("Budget line {0} does not exist.").format(budget_line))
		invoice = self.match(budget_line=budget_line)
		return invoice.name if invoice else None

	@frappe.whitelist()
	def try_again(self):
		"""After a supplier or a line was put right."""
		self.check_may(E.MATCH)
		invoice = self.match()
		return invoice.name if invoice else None

	@frappe.whitelist()
	def reject(self, reason: str):
		self.check_may(E.REJECT)
		if not (reason or "").strip():
			frappe.throw(_("Give the reason for rejecting the e-invoice."), title=_("Reason required"))
		self.status, self.decision_note = E.REJECTED, reason.strip()
		self.write_result()

	@frappe.whitelist()
	def forward(self, note: str | None = None):
		"""Not an invoice for a citizen's budget: finance handles it outside borgerbudget."""
		self.check_may(E.FORWARD)
		self.status, self.decision_note = (
			E.FORWARDED,
			(note or "").strip() or _("Sent on outside Borgerbudget"),
		)
		self.write_result()

	@frappe.whitelist()
	def create_supplier(self):
		"""The supplier, from the invoice's own details, then the match again."""
		if not self.may_create_supplier():
			frappe.throw(_("The supplier cannot be created from this e-invoice."), frappe.PermissionError)
		# A supplier the municipality has, registered without its CVR number, gets it; else a new one.
		existing = frappe.db.get_value(
			"Supplier", {"supplier_name": self.supplier_name, "cvr_number": ("is", "not set"), "disabled": 0}
		)
		if existing:
			supplier = frappe.get_doc("Supplier", existing)
			supplier.cvr_number = self.supplier_cvr
			supplier.save()
		else:
			supplier = frappe.get_doc(
				{
					"doctype": "Supplier",
					"supplier_name": self.supplier_name or self.supplier_cvr,
					"supplier_group": frappe.db.get_single_value("Buying Settings", "supplier_group")
					or frappe.get_all("Supplier Group", filters={"is_group": 0}, pluck="name", limit=1)[0],
					"cvr_number": self.supplier_cvr,
					"country": "Denmark",
				}
			).insert()
		self.supplier = supplier.name
		invoice = self.match()
		return {"supplier": supplier.name, "purchase_invoice": invoice.name if invoice else None}


def supplier_by_cvr(cvr):
	cvr = rules.reference.normalise_cvr(cvr)
	return frappe.db.get_value("Supplier", {"cvr_number": cvr, "disabled": 0}) if cvr else None


def first_reference(*texts):
	for text in texts:
		reference = rules.reference.normalise(text or "")
		if reference:
			return reference
	return None


def find_line(budget_line=None, reference=None):
	filters = (
		{"name": budget_line} if budget_line else {"payment_reference": reference} if reference else None
	)
	if not filters:
		return None
	return frappe.db.get_value(
		"Budget Line",
		{**filters, "parenttype": "Budget Plan"},
		[*LINE_FIELDS, "amount", "remaining_amount"],
		as_dict=True,
	)


def credited_invoice(supplier, bill_no, budget_line, amount):
	"""The submitted invoice a credit note credits: from the same supplier, on the same budget line,
	with at least `amount` not yet credited."""
	if not bill_no:
		return None
	invoice = frappe.db.sql(
		"""select inv.name, inv.grand_total from `tabPurchase Invoice` inv
		where inv.supplier = %s and inv.bill_no = %s and inv.docstatus = 1 and inv.is_return = 0
			and exists (select 1 from `tabPurchase Invoice Item` item
				where item.parent = inv.name and item.budget_line = %s)""",
		(supplier, bill_no, budget_line),
		as_dict=True,
	)
	if not invoice:
		return None
	credited = -flt(
		frappe.db.get_value(
			"Purchase Invoice", {"return_against": invoice[0].name, "docstatus": 1}, "sum(grand_total)"
		)
	)
	return invoice[0].name if amount <= flt(invoice[0].grand_total) - credited + 0.005 else None


def attach_original(file_url, file_name, doc):
	"""The original XML on the Purchase Invoice too, where finance checks it before submitting: the
	same private file, not a copy. Its File record is the inbox's, checked when it was stored, with
	another owner record; inserted as it is, that costs a tenth of a new File's checks."""
	original = frappe.db.get_value(
		"File",
		{"file_url": file_url, "attached_to_doctype": "E-Invoice"},
		["file_name", "file_size", "content_hash", "folder", "file_type"],
		as_dict=True,
	)
	attachment = frappe.get_doc(
		{
			"doctype": "File",
			**original,
			"file_name": file_name or original.file_name,
			"file_url": file_url,
			"is_private": 1,
			"attached_to_doctype": doc.doctype,
			"attached_to_name": doc.name,
		}
	)
	attachment.set_new_name()
	attachment.set_user_and_timestamp()
	attachment.db_insert()
