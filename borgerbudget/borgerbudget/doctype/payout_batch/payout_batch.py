# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""Money out to the bank: due supplier invoices and approved advances to citizens, sent together
as one ISO 20022 pain.001 file (borgerbudget/bank/pain001.py), approved by a second finance user,
and settled by the bank's pain.002 / camt.054 answers (bank/status.py).

A payment is in one open batch at most: its row holds `open_key` (a unique column) until the bank
has settled it. A citizen is paid to their NemKonto by CPR number, which is decrypted only while the
file is written; the file is therefore not stored, but written anew for each download and checked
against the fingerprint taken at approval."""

import hashlib
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, fmt_money, getdate, now_datetime

from borgerbudget import accounting, rules
from borgerbudget.accounting import payment_run, reversal, write_back
from borgerbudget.bank import pain001
from borgerbudget.bank import status as bank_status
from borgerbudget.bank.errors import MESSAGES as BANK_MESSAGES
from borgerbudget.bank.errors import BankError
from borgerbudget.borgerbudget.doctype.participant_cpr import participant_cpr
from borgerbudget.permissions import is_finance
from borgerbudget.retry import retrying

B = rules.batch
KIND_OF = {
	B.DOMESTIC: pain001.DOMESTIC,
	B.IBAN: pain001.IBAN,
	B.FI_CARD: pain001.FI_CARD,
	B.NEMKONTO: pain001.NEMKONTO,
}


QUEUE_FROM = 100  # payments; a larger batch is approved in the background


def check_finance(approver=False):
	if not is_finance(approver=approver):
		frappe.throw(_("Only finance handles payout batches."), frappe.PermissionError)


class PayoutBatch(Document):
	def validate(self):
		if self.docstatus == 0:
			self.status = B.DRAFT
			self.payment_count = len(self.payments)
			self.total_amount = sum(flt(row.amount, 2) for row in self.payments)
			if not frappe.db.get_value("Bank Account", self.bank_account, "is_company_account"):
				frappe.throw(_("Pay from one of the company's own bank accounts."))

	def on_trash(self):
		self.release()

	def submit(self):
		# A large batch is approved in the background, as ERPNext does with large documents: its
		# payments may take longer than a web request may last.
		if len(self.payments) > QUEUE_FROM and not frappe.flags.in_test:
			self.check_permission("submit")
			self.check_approver()
			self.approve_in_background()
			frappe.msgprint(_("The batch is being approved in the background."), alert=True)
			return
		return self._submit()

	def approve_in_background(self):
		"""The worker runs _submit, as this user. frappe locks the batch for the job first; when the
		job cannot be queued (the queue's Redis is down), the lock would keep the batch from being
		approved for three hours: it goes with the refusal, and the approver can simply try again."""
		try:
			self.queue_action("submit", timeout=3600)
		except Exception:
			self.unlock()
			raise

	def check_approver(self):
		if frappe.session.user == self.owner:
			frappe.throw(
				_("You built this batch; another finance user must approve it."),
				frappe.PermissionError,
				title=_("Four eyes"),
			)

	def before_submit(self):
		"""Approval, by a second finance user: the Payment Entries, then the bank file."""
		self.check_approver()
		if not self.payments:
			frappe.throw(_("The batch holds no payments."))
		self.status, self.approved_by = B.APPROVED, frappe.session.user
		self.message_id, self.file_created_at = self.name, now_datetime()
		self.pay()
		self.file_sha256 = hashlib.sha256(self.render()).hexdigest()

	def on_cancel(self):
		if self.status != B.APPROVED:
			frappe.throw(
				_("The bank has answered for batch {0}; it can no longer be cancelled.").format(self.name)
			)
		for name in dict.fromkeys(row.payment_entry for row in self.payments if row.payment_entry):
			frappe.get_doc("Payment Entry", name).cancel()
		self.release()

	def release(self):
		frappe.db.set_value(
			"Payout Batch Payment", {"parent": self.name}, "open_key", None, update_modified=False
		)

	# The payments -----------------------------------------------------------------------------

	def pay(self):
		"""The Payment Entries, as the payment run makes them: one per supplier for its invoices
		(`payment_run.make_invoices_payment`), one per advance; each plan written back once."""
		bank_gl = frappe.db.get_value("Bank Account", self.bank_account, "account")
		common = {
			"paid_from": bank_gl,
			"bank_account": self.bank_account,
			"reference_date": self.execution_date,
			"payout_batch": self.name,
		}
		invoice_rows = {
			row.reference_name: row for row in self.payments if row.reference_doctype == "Purchase Invoice"
		}
		with write_back.once_per_plan():
			for invoices in payment_run.by_supplier(list(invoice_rows)).values():
				rows = [invoice_rows[name] for name in invoices]
				one = rows[0].end_to_end_id if len(rows) == 1 else None
				payment = payment_run.make_invoices_payment(
					invoices, bank_gl=bank_gl, reference_no=one or self.name, end_to_end_id=one, **common
				)
				check_unchanged(payment, invoice_rows)
				payment.submit()  # inserted as submitted: ERPNext validates the references once, not twice
				for row in rows:
					row.payment_entry = payment.name
			for row in self.payments:
				if row.reference_doctype == "Budget Advance":
					payment = accounting.make_advance_payment(row.reference_name)
					payment.update(
						{"reference_no": row.end_to_end_id, "end_to_end_id": row.end_to_end_id, **common}
					)
					payment.submit()  # inserted as submitted: ERPNext validates the references once, not twice
					row.payment_entry = payment.name

	def render(self) -> bytes:
		"""The pain.001 file. CPR numbers are read from the vault for this and nothing else."""
		company = frappe.get_cached_doc("Company", self.company)
		account = frappe.db.get_value(
			"Bank Account", self.bank_account, ["iban", "bank_account_no", "branch_code"], as_dict=True
		)
		try:
			return pain001.render(
				pain001.Batch(
					message_id=self.message_id,
					created_at=getdate(self.file_created_at)
					and frappe.utils.get_datetime(self.file_created_at),
					initiating_party_name=company.company_name,
					debtor_name=company.company_name,
					debtor_account=account.iban
					or f"{account.branch_code or ''} {account.bank_account_no or ''}",
					debtor_bic=None,
					execution_date=getdate(self.execution_date),
					payments=tuple(self.bank_payment(row) for row in self.payments),
				)
			)
		except BankError as error:
			frappe.throw(
				_(BANK_MESSAGES[error.code]).format(**error.params), title=_("The bank file cannot be made")
			)

	def bank_payment(self, row):
		values = {
			"end_to_end_id": row.end_to_end_id,
			"amount": Decimal(str(flt(row.amount, 2))),
			"kind": KIND_OF[row.kind],
			"creditor_name": row.party,
			"remittance": row.remittance or "",
		}
		if row.kind == B.NEMKONTO:
			values["cpr"] = participant_cpr.stored_cpr(row.participant).digits
		elif row.kind == B.FI_CARD:
			values.update(
				fi_card_type=row.fi_card_type,
				fi_creditor=row.fi_creditor,
				payment_id=row.fi_payment_id or None,
			)
		else:
			bank = supplier_bank(frappe.db.get_value(row.reference_doctype, row.reference_name, "supplier"))
			if row.kind == B.IBAN:
				values["iban"] = bank.iban
			else:
				values.update(reg_no=bank.branch_code, account=bank.bank_account_no)
		return pain001.Payment(**values)

	# Actions ----------------------------------------------------------------------------------

	@frappe.whitelist()
	def download(self):
		"""The bank file, written anew and checked against approval's fingerprint; each citizen
		paid in it gets a line in the CPR access log."""
		check_finance(approver=True)
		self.check_permission("read")
		if self.docstatus != 1:
			frappe.throw(_("The bank file is made when the batch is approved."))
		content = self.render()
		if hashlib.sha256(content).hexdigest() != self.file_sha256:
			frappe.throw(_("The bank file differs from the one approved; it is not given out."))
		for participant in {row.participant for row in self.payments if row.kind == B.NEMKONTO}:
			frappe.get_doc(
				{
					"doctype": "CPR Access Log",
					"participant": participant,
					"user": frappe.session.user,
					"accessed_on": now_datetime(),
					"reason": _("Bank file of payout batch {0}").format(self.name),
				}
			).insert(ignore_permissions=True)
		frappe.local.response.filename = f"{self.name}.xml"
		frappe.local.response.filecontent = content
		frappe.local.response.type = "download"

	@frappe.whitelist()
	def mark_sent(self):
		check_finance(approver=True)
		self.check_permission("read")
		if self.status != B.APPROVED:
			frappe.throw(_("Only an approved batch is sent."))
		self.db_set("status", B.SENT)

	@frappe.whitelist()
	def import_bank_status(self, file_url: str):
		"""A pain.002 status report or a camt.054 debit notification, uploaded by finance."""
		check_finance(approver=True)
		self.check_permission("read")
		from borgerbudget.einvoice.intake import file_bytes

		return self.apply(file_bytes(frappe.get_doc("File", {"file_url": file_url})))

	def apply(self, content: bytes) -> dict:
		"""The bank's answer, payment by payment: the same file twice changes nothing."""
		if self.docstatus != 1:
			frappe.throw(_("Batch {0} is not approved.").format(self.name))
		try:
			answer = bank_status.parse(content)
		except BankError as error:
			frappe.throw(_(BANK_MESSAGES[error.code]).format(**error.params), title=_("Not a bank answer"))
		rows = {row.end_to_end_id: row for row in self.payments}
		if isinstance(answer, bank_status.StatusReport):
			if answer.original_message_id != self.message_id:
				frappe.throw(
					_("This status report answers file {0}, not batch {1}.").format(
						answer.original_message_id, self.name
					)
				)
			news = [
				(tx.end_to_end_id, tx.status, tx.reason_code, tx.reason_text) for tx in answer.transactions
			]
			if not news and answer.group_status:
				news = [
					(key, answer.group_status, answer.group_reason_code, answer.group_reason_text)
					for key in rows
				]
		else:
			news = [
				(entry.end_to_end_id, "ACSC" if entry.status == "BOOK" else "PDNG", None, None)
				for entry in answer.entries
			]
		unknown = sorted({key for key, *_rest in news} - set(rows))
		if unknown:
			frappe.throw(
				_("The bank's answer names payments that are not in batch {0}: {1}").format(
					self.name, ", ".join(unknown)
				)
			)
		changed, refused = 0, []
		for key, code, reason_code, reason_text in news:
			row = rows[key]
			new = B.next_payment_status(row.status, code)
			if new == row.status:
				continue
			changed += 1
			if new == B.REFUSED:
				refused.append(row)
				row.db_set("reason", self.reason(reason_code, reason_text), update_modified=False)
			elif new == B.PAID and row.payment_entry:
				frappe.db.set_value(
					"Payment Entry", row.payment_entry, "clearance_date", getdate(), update_modified=False
				)
			row.db_set(
				{"status": new, "open_key": None if new in B.SETTLED else row.open_key}, update_modified=False
			)
		self.refuse(refused)
		self.db_set("status", B.batch_status(self.status, [row.status for row in self.payments]))
		return {"changed": changed, "status": self.status}

	@staticmethod
	def reason(reason_code, reason_text):
		return _(bank_status.REASONS.get(reason_code or "", reason_text or _("No reason given"))) + (
			f" ({reason_code})" if reason_code else ""
		)

	def refuse(self, refused):
		"""The bank refused these payments: each is taken back (`accounting.reversal.take_back`:
		the Payment Entry cancelled, or booked back), so the invoice or advance is due again and the
		line's paid amount goes back; finance is asked to look at each."""
		by_entry = {}
		for row in refused:
			by_entry.setdefault(row.payment_entry, []).append(row)
		with write_back.once_per_plan():
			for entry, rows in by_entry.items():
				if not entry:
					continue
				everything = {row.name for row in rows} == {
					row.name for row in self.payments if row.payment_entry == entry
				}
				booked_back = reversal.take_back(
					entry,
					[
						(row.reference_doctype, row.reference_name, row.amount, row.end_to_end_id)
						for row in rows
					],
					everything,
				)
				for row, journal_entry in zip(rows, booked_back, strict=True):
					if journal_entry:
						row.db_set("reversal_entry", journal_entry, update_modified=False)
		for row in refused:
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": self.owner,
					"reference_type": self.doctype,
					"reference_name": self.name,
					"description": _("The bank refused {0} to {1} ({2}): {3}").format(
						row.reference_name, row.party, row.end_to_end_id, row.reason
					),
				}
			).insert(ignore_permissions=True)


def check_unchanged(payment, rows):
	"""The file pays what the batch says: an invoice paid or changed since it was built is refused."""
	for ref in payment.references:
		row = rows[ref.reference_name]
		if abs(flt(ref.allocated_amount) - flt(row.amount)) > rules.payout.CENT:
			currency = payment.paid_from_account_currency
			frappe.throw(
				_(
					"Purchase Invoice {0} has {1} left to pay, not the {2} in this batch; build a new batch."
				).format(
					ref.reference_name,
					fmt_money(ref.allocated_amount, currency=currency),
					fmt_money(row.amount, currency=currency),
				),
				title=_("Changed since the batch was built"),
			)


def supplier_bank(supplier):
	return (
		frappe.db.get_value(
			"Bank Account",
			{"party_type": "Supplier", "party": supplier, "disabled": 0},
			["iban", "bank_account_no", "branch_code"],
			as_dict=True,
			order_by="is_default desc, creation",
		)
		or frappe._dict()
	)


# Building ---------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
@retrying
def make_payout_batch(
	company: str, bank_account: str, execution_date: str, programme: str | None = None
) -> dict:
	"""A draft batch of every due supplier invoice and every advance waiting for payment that is in
	no open batch. Two built at the same moment share no payment: the second is built again
	without what the first took."""
	check_finance()
	frappe.has_permission("Payout Batch", "create", throw=True)
	for _attempt in range(3):
		batch = frappe.new_doc("Payout Batch")
		batch.update(
			{
				"company": company,
				"bank_account": bank_account,
				"execution_date": execution_date,
				"programme": programme,
			}
		)
		left_out = collect(batch)
		frappe.db.savepoint("payout_batch")
		try:
			batch.insert()
		except frappe.UniqueValidationError:
			frappe.db.rollback(save_point="payout_batch")
			frappe.local.message_log = []
			continue
		return {"name": batch.name, "payments": len(batch.payments), "left_out": left_out}
	frappe.throw(_("Other payout batches are being built; try again in a moment."))


def collect(batch) -> list[str]:
	"""Fill the batch with what is due; say what was left out and why."""
	filters = {"company": batch.company, "date": batch.execution_date, "programme": batch.programme or ""}
	invoices = frappe.db.sql(
		"""select inv.name, inv.supplier, inv.supplier_name, inv.outstanding_amount, inv.bill_no,
			inv.budget_plan, plan.participant, sup.participant as citizen
		from `tabPurchase Invoice` inv join `tabBudget Plan` plan on plan.name = inv.budget_plan
		join `tabSupplier` sup on sup.name = inv.supplier
		where inv.company = %(company)s and (%(programme)s = '' or plan.programme = %(programme)s)
			and inv.docstatus = 1 and inv.is_return = 0 and inv.on_hold = 0 and inv.outstanding_amount > 0
			and inv.due_date <= %(date)s and inv.budget_advance is null
			and not exists (select 1 from `tabPayout Batch Payment` row
				where row.open_key = concat('Purchase Invoice:', inv.name))
		order by inv.due_date, inv.name""",
		filters,
		as_dict=True,
	)
	left_out = []
	for invoice in invoices:
		if invoice.citizen:
			# The citizen's own invoice (a receipt-free allowance, a reimbursement): to their NemKonto,
			# and only when the citizen is the plan's: never another citizen's money to this one.
			if invoice.citizen != invoice.participant:
				left_out.append(
					_("{0}: {1} is another citizen's supplier record than the plan's").format(
						invoice.name, invoice.supplier_name
					)
				)
				continue
			add_nemkonto(batch, "Purchase Invoice", invoice, invoice.outstanding_amount)
			continue
		fi = (
			frappe.db.get_value(
				"E-Invoice",
				{"purchase_invoice": invoice.name, "fi_creditor": ("is", "set")},
				["fi_card_type", "fi_creditor", "fi_payment_id"],
				as_dict=True,
			)
			or frappe._dict()
		)
		bank = supplier_bank(invoice.supplier)
		kind = B.payment_kind(
			nemkonto=False, fi_creditor=fi.fi_creditor, iban=bank.iban, account=bank.bank_account_no
		)
		if not kind:
			left_out.append(
				_("{0}: {1} has no bank account in ERPNext").format(invoice.name, invoice.supplier_name)
			)
			continue
		add(
			batch,
			"Purchase Invoice",
			invoice.name,
			invoice.supplier_name,
			kind,
			invoice.outstanding_amount,
			invoice.bill_no or invoice.name,
			invoice.budget_plan,
			invoice.participant,
			creditor=creditor_text(kind, bank, fi),
			**{key: fi.get(key) for key in ("fi_card_type", "fi_creditor", "fi_payment_id")},
		)
	for advance in frappe.get_all(
		"Budget Advance",
		filters={
			"company": batch.company,
			"status": rules.payout.AWAITING_PAYMENT,
			"payment_entry": ("is", "not set"),
			**({"programme": batch.programme} if batch.programme else {}),
		},
		fields=["name", "participant", "participant_name", "amount", "budget_plan"],
		order_by="creation",
	):
		if frappe.db.exists("Payout Batch Payment", {"open_key": f"Budget Advance:{advance.name}"}):
			continue
		add_nemkonto(batch, "Budget Advance", advance, advance.amount)
	# What other batches hold, read as committed now (a locking read, not this request's snapshot):
	# a batch built at the same moment has its rows counted once it commits, and this waits for it.
	keys = [row.open_key for row in batch.payments]
	taken = set(
		frappe.db.sql_list(
			"select open_key from `tabPayout Batch Payment` where open_key in %(keys)s lock in share mode",
			{"keys": keys},
		)
		if keys
		else ()
	)
	batch.payments = [row for row in batch.payments if row.open_key not in taken]
	for index, row in enumerate(batch.payments, start=1):
		row.idx = index
	if left_out:
		frappe.msgprint(
			"<br>".join(map(frappe.utils.escape_html, left_out)), title=_("Left out of the batch")
		)
	return left_out


def add_nemkonto(batch, doctype, source, amount):
	"""A payment to the citizen's NemKonto, addressed by the CPR number (masked here)."""
	cpr = participant_cpr.stored_cpr(source.participant)
	add(
		batch,
		doctype,
		source.name,
		source.get("participant_name") or source.supplier_name,
		B.NEMKONTO,
		amount,
		_("Borgerbudget {0}").format(source.name),
		source.budget_plan,
		source.participant,
		creditor=_("NemKonto of CPR {0}").format(cpr.masked if cpr else "-"),
	)


def add(batch, doctype, name, party, kind, amount, remittance, plan, participant, creditor, **fi):
	batch.append(
		"payments",
		{
			"reference_doctype": doctype,
			"reference_name": name,
			"party": party,
			"kind": kind,
			"creditor_account": creditor,
			"amount": amount,
			"remittance": (remittance or "")[:140],
			"end_to_end_id": f"{doctype[:3].upper()}-{name}"[-35:],
			"budget_plan": plan,
			"participant": participant,
			"open_key": f"{doctype}:{name}",
			"status": B.PENDING,
			**fi,
		},
	)


def creditor_text(kind, bank, fi):
	if kind == B.FI_CARD:
		return f"+{fi.fi_card_type}<{fi.fi_payment_id or ''}+{fi.fi_creditor}<"
	if kind == B.IBAN:
		return bank.iban
	return f"{bank.branch_code or ''} {bank.bank_account_no}".strip()


@frappe.whitelist(methods=["POST"])
def receive_bank_status() -> dict:
	"""The bank's answer pushed by an integration as the request body: the batch is the one whose
	file it answers (pain.002) or whose payments it books (camt.054)."""
	check_finance(approver=True)
	content = frappe.request.get_data() if frappe.request else b""
	try:
		answer = bank_status.parse(content)
	except BankError as error:
		frappe.throw(_(BANK_MESSAGES[error.code]).format(**error.params), title=_("Not a bank answer"))
	if isinstance(answer, bank_status.StatusReport):
		name = frappe.db.get_value("Payout Batch", {"message_id": answer.original_message_id, "docstatus": 1})
	else:
		ids = [entry.end_to_end_id for entry in answer.entries]
		name = frappe.db.get_value(
			"Payout Batch Payment",
			{"end_to_end_id": ("in", ids or [""]), "parenttype": "Payout Batch"},
			"parent",
		)
	if not name:
		frappe.throw(_("No approved payout batch matches the bank's answer."))
	batch = frappe.get_doc("Payout Batch", name)
	batch.check_permission("read")
	return batch.apply(content)


@frappe.whitelist()
def download_bank_file(batch: str):
	"""The approved batch's pain.001 file, for finance to send to the bank."""
	frappe.get_doc("Payout Batch", batch).download()
