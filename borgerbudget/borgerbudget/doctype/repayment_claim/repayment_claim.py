# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, fmt_money, getdate, today

from borgerbudget import rules

# Fixed once finance has booked the claim.
BOOKED_FIELDS = ("amount", "reason", "budget_plan", "budget_advance")


class RepaymentClaim(Document):
	def validate(self):
		self.set_derived_values()
		self.validate_booked()
		self.validate_amount()
		self.validate_dialogue()
		self.set_amounts()

	def set_derived_values(self):
		plan = frappe.db.get_value(
			"Budget Plan",
			self.budget_plan,
			["participant", "participant_name", "programme", "currency"],
			as_dict=True,
		)
		self.update(plan)
		self.company = frappe.get_cached_value("Budget Programme", plan.programme, "company")
		if self.is_new():
			self.recorded_by = frappe.session.user

	def validate_booked(self):
		before = self.get_doc_before_save()
		if before and before.journal_entry:
			for fieldname in BOOKED_FIELDS:
				if self.get(fieldname) != before.get(fieldname):
					frappe.throw(
						_(
							"Repayment claim {0} is booked in {1}; cancel the journal entry to change it."
						).format(self.name, before.journal_entry)
					)

	def validate_amount(self):
		if flt(self.amount) <= 0:
			frappe.throw(_("The amount claimed must be more than zero."))
		if self.journal_entry or not self.budget_advance:
			return
		advance = frappe.db.get_value(
			"Budget Advance",
			self.budget_advance,
			["budget_plan", "outstanding_amount", "payment_entry"],
			as_dict=True,
		)
		if advance.budget_plan != self.budget_plan:
			frappe.throw(_("Advance {0} belongs to another plan.").format(self.budget_advance))
		if not advance.payment_entry:
			frappe.throw(
				_("Advance {0} has not been paid; there is nothing to claim back.").format(
					self.budget_advance
				)
			)
		if rules.payout.overrun(flt(advance.outstanding_amount), 0, flt(self.amount)):
			frappe.throw(
				_("Advance {0} has only {1} that is not settled or claimed.").format(
					self.budget_advance, fmt_money(advance.outstanding_amount, currency=self.currency)
				)
			)

	def validate_dialogue(self):
		# Seed 004: never claw back without talking to the citizen first.
		if not (self.dialogue_date and (self.dialogue_note or "").strip()):
			frappe.throw(
				_("Record the dialogue with the citizen before raising a claim."), title=_("Dialogue missing")
			)
		if getdate(self.dialogue_date) > getdate(today()):
			frappe.throw(_("The dialogue cannot be dated in the future."))
		if self.deferred_until and not (self.deferral_reason or "").strip():
			frappe.throw(_("Give a reason for the deferral."))

	def set_amounts(self):
		journal = (
			frappe.db.get_value("Journal Entry", {"repayment_claim": self.name, "docstatus": 1}, "name")
			if not self.is_new()
			else None
		)
		self.journal_entry = journal
		self.outstanding_amount = 0
		if journal:
			receivable = frappe.get_cached_value("Budget Programme", self.programme, "receivable_account")
			self.customer = frappe.db.get_value(
				"Journal Entry Account", {"parent": journal, "party_type": "Customer"}, "party"
			)
			self.outstanding_amount = flt(
				frappe.db.sql(
					"""select sum(amount) from `tabPayment Ledger Entry`
					where against_voucher_type = 'Journal Entry' and against_voucher_no = %s
						and account = %s and delinked = 0""",
					(journal, receivable),
				)[0][0]
			)
		self.status = rules.payout.claim_status(
			bool(journal),
			self.outstanding_amount,
			getdate(self.deferred_until) if self.deferred_until else None,
			getdate(today()),
		)
