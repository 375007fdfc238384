# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model import no_value_fields
from frappe.model.document import Document
from frappe.utils import add_days, cstr, flt, fmt_money, getdate, today

from borgerbudget import accounting, rules
from borgerbudget.permissions import is_citizen

# The citizen may add receipts; everything else is the municipality's.
CITIZEN_FIELDS = {"receipts"}


class BudgetAdvance(Document):
	def validate(self):
		self.set_derived_values()
		self.validate_citizen_changes()
		self.validate_amount()
		self.validate_receipts()
		self.set_amounts()

	def on_update(self):
		accounting.update_line_payouts(self.budget_plan)

	def on_trash(self):
		if self.payment_entry:
			frappe.throw(_("Advance {0} has been paid and cannot be deleted.").format(self.name))

	def after_delete(self):
		accounting.update_line_payouts(self.budget_plan)

	def set_derived_values(self):
		plan = accounting.get_plan(self.budget_plan)
		line = next((row for row in plan.lines if row.name == self.budget_line), None)
		if not line:
			frappe.throw(_("Budget plan {0} has no budget line {1}.").format(plan.name, self.budget_line))
		participant = frappe.db.get_value(
			"Participant", plan.participant, ["email", "user", "caseworker_team"], as_dict=True
		)
		self.line_description = line.description
		self.participant = plan.participant
		self.participant_name = plan.participant_name
		self.programme = plan.programme
		self.company = frappe.get_cached_value("Budget Programme", plan.programme, "company")
		self.currency = plan.currency
		self.caseworker = plan.caseworker
		self.citizen_email = participant.email or participant.user
		self.team_lead = participant.caseworker_team and frappe.db.get_value(
			"Caseworker Team", participant.caseworker_team, "team_lead"
		)
		self.supplier = self.supplier or accounting.citizen_supplier(plan.participant)

	def validate_citizen_changes(self):
		if not is_citizen(frappe.session.user):
			return
		before = self.get_doc_before_save()
		if not before:
			frappe.throw(_("Your caseworker requests advances for you."), frappe.PermissionError)
		for df in self.meta.fields:
			if df.fieldname in CITIZEN_FIELDS or df.read_only or df.fieldtype in no_value_fields:
				continue
			# A web form posts numbers as text: compare values, not types.
			value, old = self.get(df.fieldname), before.get(df.fieldname)
			if (df.fieldtype in ("Currency", "Float", "Int") and flt(value) == flt(old)) or cstr(
				value
			) == cstr(old):
				continue
			frappe.throw(_("You can only add receipts to an advance."), frappe.PermissionError)

	def validate_amount(self):
		before = self.get_doc_before_save()
		if self.payment_entry or (before and before.payment_entry):
			if before and flt(before.amount) != flt(self.amount):
				frappe.throw(_("Advance {0} has been paid; its amount cannot change.").format(self.name))
			return
		accounting.lock_plans([self.budget_plan])
		plan = accounting.get_plan(self.budget_plan)
		line = accounting.payable_line(plan, self.budget_line)
		if line.payment_route != rules.plan.REIMBURSEMENT:
			frappe.throw(
				_(
					"Budget line {0} ({1}) is paid on the supplier's invoice, not reimbursed to the citizen."
				).format(line.idx, frappe.bold(line.description))
			)
		if flt(self.amount) <= 0:
			frappe.throw(_("The advance must be more than zero."))
		limit = frappe.get_cached_value("Budget Programme", self.programme, "reimbursement_limit")
		if rules.payout.overrun(flt(limit), 0, flt(self.amount)):
			frappe.throw(
				_("An advance can be at most the programme's reimbursement limit of {0}.").format(
					fmt_money(limit, currency=self.currency)
				),
				title=_("Over the reimbursement limit"),
			)
		accounting.check_declaration(self.participant)
		accounting.check_within_limits(plan, {line.name: flt(self.amount)}, exclude_advance=self.name)

	def validate_receipts(self):
		before = {row.name: row for row in (self.get_doc_before_save() or frappe._dict(receipts=[])).receipts}
		rows = {row.name: row for row in self.receipts}
		for name, row in before.items():
			if row.purchase_invoice and (
				name not in rows
				or (flt(rows[name].amount), rows[name].attachment) != (flt(row.amount), row.attachment)
			):
				frappe.throw(
					_("Receipt {0} is settled in {1} and cannot be changed.").format(
						row.idx, row.purchase_invoice
					)
				)
		for row in self.receipts:
			if row.name not in before and not self.payment_entry:
				frappe.throw(_("Receipts can be added once the advance has been paid."))
			if getdate(row.receipt_date) > getdate(today()):
				frappe.throw(_("Receipt {0} is dated in the future.").format(row.idx))

	def set_amounts(self, exclude_invoice=None):
		"""Paid, settled and claimed amounts and the status, from the documents in ERPNext."""
		payment = frappe._dict(accounting.advance_payment(self.name) or {})
		self.supplier = self.supplier or accounting.citizen_supplier(self.participant)
		self.payment_entry = payment.name
		self.paid_amount = flt(payment.paid_amount)
		self.paid_on = payment.posting_date
		self.receipt_due_date = payment.posting_date and receipt_due_date(
			payment.posting_date, self.programme
		)
		settled_by = dict(
			frappe.db.sql(
				"""select item.budget_advance_receipt, inv.name
				from `tabPurchase Invoice Item` item join `tabPurchase Invoice` inv on inv.name = item.parent
				where inv.budget_advance = %s and inv.docstatus = 1 and inv.name != %s""",
				(self.name, exclude_invoice or ""),
			)
		)
		for row in self.receipts:
			row.purchase_invoice = settled_by.get(row.name)
		self.settled_amount = flt(
			frappe.db.sql(
				"""select sum(adv.allocated_amount)
				from `tabPurchase Invoice Advance` adv join `tabPurchase Invoice` inv on inv.name = adv.parent
				where inv.budget_advance = %s and inv.docstatus = 1 and inv.name != %s""",
				(self.name, exclude_invoice or ""),
			)[0][0]
		)
		self.claimed_amount = flt(
			frappe.db.sql(
				"""select sum(amount) from `tabRepayment Claim`
				where budget_advance = %s and ifnull(journal_entry, '') != ''""",
				self.name,
			)[0][0]
		)
		self.receipts_total = sum(flt(row.amount) for row in self.receipts)
		self.outstanding_amount = flt(self.paid_amount - self.settled_amount - self.claimed_amount, 2)
		unsettled = sum(flt(row.amount) for row in self.receipts if not row.purchase_invoice)
		self.status = rules.payout.advance_status(
			self.paid_amount,
			self.settled_amount,
			self.claimed_amount,
			unsettled,
			getdate(self.receipt_due_date) if self.receipt_due_date else None,
			getdate(today()),
		)


def send_receipt_reminders():
	"""Daily: remind the citizen and caseworker of overdue receipts, and escalate to the team
	lead if they are still missing later. The Notifications on the advance send the e-mails."""
	on = getdate(today())
	for name in frappe.get_all(
		"Budget Advance",
		filters={
			"status": ("in", (rules.payout.AWAITING_RECEIPTS, rules.payout.RECEIPTS_OVERDUE)),
			"receipt_due_date": ("<", on),
		},
		pluck="name",
	):
		advance = frappe.get_doc("Budget Advance", name)
		escalation_days = frappe.get_cached_value(
			"Budget Programme", advance.programme, "receipt_escalation_days"
		)
		action = rules.payout.receipt_follow_up(
			advance.status,
			getdate(advance.receipt_due_date),
			advance.reminder_sent_on and getdate(advance.reminder_sent_on),
			advance.escalated_on and getdate(advance.escalated_on),
			escalation_days or 14,
			on,
		)
		if action == rules.payout.REMIND:
			advance.reminder_sent_on = on
		elif action == rules.payout.ESCALATE:
			advance.escalated_on = on
			assign_caseworker(advance)
		advance.save()  # also moves the status to overdue


def receipt_due_date(paid_on, programme):
	return add_days(
		getdate(paid_on),
		frappe.get_cached_value("Budget Programme", programme, "receipt_deadline_days") or 14,
	)


def assign_caseworker(advance):
	from frappe.desk.form.assign_to import add

	if advance.caseworker:
		add(
			{
				"doctype": advance.doctype,
				"name": advance.name,
				"assign_to": [advance.caseworker],
				"description": _(
					"Receipts for advance {0} are overdue: talk to the citizen, and raise a repayment claim if the money cannot be documented."
				).format(advance.name),
			}
		)


def on_doctype_update():
	frappe.db.add_index("Budget Advance", ["budget_plan", "budget_line"])
