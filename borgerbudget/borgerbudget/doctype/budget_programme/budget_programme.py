# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from borgerbudget import accounting, rules
from borgerbudget.borgerbudget.report.budget_payouts.budget_payouts import programme_summary


class BudgetProgramme(Document):
	def onload(self):
		if not self.is_new():
			self.set_onload("payout_summary", programme_summary(self))

	def before_validate(self):
		self.set_missing_values()

	def validate(self):
		self.validate_ean_location_number()
		self.validate_accounts()
		self.validate_limits()
		self.validate_criteria()

	def set_missing_values(self):
		if self.is_new() and not self.criteria:
			for kind, number, benefit_type in rules.intake.AARHUS_CRITERIA:
				if benefit_type and not frappe.db.exists("Benefit Type", benefit_type):
					continue
				self.append("criteria", {"criterion": kind, "number": number, "benefit_type": benefit_type})
		if self.is_new() and not any(self.get(capability) for capability in rules.programme.CAPABILITIES):
			for capability in rules.programme.capabilities_of(self.method):
				self.set(capability, 1)
		if self.is_new() and not self.classification_rules:
			for rule in rules.approval.DEFAULT_CLASSIFICATION_RULES:
				self.append("classification_rules", vars(rule))
		if self.company:
			company = frappe.get_cached_doc("Company", self.company)
			self.currency = self.currency or company.default_currency
			self.cost_center = self.cost_center or company.cost_center
			self.expense_account = (
				self.expense_account
				or accounting.default_payout_account(self.company, "Expense")
				or company.default_expense_account
			)
			if flt(self.allowance_limit):
				self.allowance_account = self.allowance_account or accounting.default_payout_account(
					self.company, "Allowance"
				)
			self.advance_account = self.advance_account or accounting.default_payout_account(
				self.company, "Payable"
			)
			self.receivable_account = self.receivable_account or accounting.default_payout_account(
				self.company, "Receivable"
			)

	def validate_ean_location_number(self):
		if not self.ean_location_number:
			return
		gln = rules.reference.normalise_gln(self.ean_location_number)
		if not gln:
			frappe.throw(
				_(
					"The EAN location number {0} is not valid: it has 13 digits, and the last is a check digit of the other twelve. Copy it from the municipality's NemHandel registration."
				).format(frappe.bold(self.ean_location_number)),
				title=_("Invalid EAN location number"),
			)
		self.ean_location_number = gln

	def validate_accounts(self):
		for fieldname, root_type, account_type in (
			("expense_account", "Expense", None),
			("allowance_account", "Expense", None),
			("advance_account", "Asset", "Payable"),
			("receivable_account", "Asset", "Receivable"),
		):
			account = self.get(fieldname)
			if not account:
				continue
			details = frappe.db.get_value(
				"Account", account, ["company", "is_group", "root_type", "account_type"], as_dict=True
			)
			label = _(self.meta.get_label(fieldname))
			if details.company != self.company:
				frappe.throw(
					_("{0} {1} does not belong to company {2}.").format(
						label, frappe.bold(account), self.company
					),
					title=_("Invalid account"),
				)
			if details.is_group:
				frappe.throw(
					_("{0} {1} is a group account; choose an account that can be booked.").format(
						label, frappe.bold(account)
					),
					title=_("Invalid account"),
				)
			if details.root_type != root_type:
				frappe.throw(
					_("{0} {1} must be an {2} account.").format(label, frappe.bold(account), _(root_type)),
					title=_("Invalid account"),
				)
			if account_type and details.account_type != account_type:
				# The citizen is the party on these accounts: a supplier for advances, a customer for claims.
				frappe.throw(
					_("{0} {1} must have the account type {2}.").format(
						label, frappe.bold(account), _(account_type)
					),
					title=_("Invalid account"),
				)
		if self.cost_center:
			details = frappe.db.get_value(
				"Cost Center", self.cost_center, ["company", "is_group"], as_dict=True
			)
			if details.company != self.company or details.is_group:
				frappe.throw(
					_("Cost Center {0} must be a non-group cost center of company {1}.").format(
						frappe.bold(self.cost_center), self.company
					),
					title=_("Invalid cost center"),
				)

	def validate_limits(self):
		if self.maximum_per_participant <= 0:
			frappe.throw(_("Maximum per Participant must be greater than zero."), title=_("Invalid amount"))
		if self.reimbursement_limit > self.maximum_per_participant:
			frappe.throw(
				_("The reimbursement limit per line cannot exceed the maximum per participant."),
				title=_("Invalid amount"),
			)
		if flt(self.allowance_limit) > self.maximum_per_participant:
			frappe.throw(
				_("The receipt-free allowance per plan cannot exceed the maximum per participant."),
				title=_("Invalid amount"),
			)
		if flt(self.allowance_limit) and not self.allowance_account:
			frappe.throw(
				_("Choose the account the receipt-free allowance is booked on."), title=_("Missing account")
			)
		for fieldname in ("days_to_decide", "weeks_to_write_plan", "course_months"):
			if self.get(fieldname) < 1:
				frappe.throw(
					_("{0} must be at least 1.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid deadline"),
				)
		if not 1 <= (self.min_course_months or 0) <= self.course_months:
			frappe.throw(
				_(
					"The minimum course length ({0} months) must be at least 1 and no longer than the course length ({1} months)."
				).format(self.min_course_months, self.course_months),
				title=_("Invalid course length"),
			)
		if not 0 <= self.team_majority_percent < 100:
			frappe.throw(
				_("Team Majority (%) must be from 0 up to, but not including, 100."),
				title=_("Invalid majority"),
			)
		if self.max_course_months < self.course_months:
			frappe.throw(
				_(
					"The maximum course length ({0} months) cannot be shorter than the course length ({1} months)."
				).format(self.max_course_months, self.course_months),
				title=_("Invalid course length"),
			)

	def validate_criteria(self):
		messages = {
			"number": _("Row {0}: criterion {1} needs a number of zero or more."),
			"benefit_type": _("Row {0}: criterion {1} needs a benefit type."),
		}
		for row in self.criteria:
			problem = rules.intake.criterion_problem(to_criterion(row))
			if problem:
				frappe.throw(
					messages[problem].format(row.idx, _(row.criterion)), title=_("Invalid criterion")
				)


def to_criterion(row) -> rules.intake.Criterion:
	is_numeric = row.criterion in rules.intake.NUMERIC_KINDS
	return rules.intake.Criterion(
		kind=row.criterion,
		number=row.number if is_numeric else None,
		benefit_type=row.benefit_type if row.criterion == rules.intake.BENEFIT_TYPE else None,
	)


def get_criteria(programme: str) -> list[rules.intake.Criterion]:
	if not programme:
		return []
	return [to_criterion(row) for row in frappe.get_cached_doc("Budget Programme", programme).criteria]


def get_classification_rules(programme: str) -> list[rules.approval.ClassificationRule]:
	"""The programme's rules; a programme without rules uses the method's defaults."""
	rows = frappe.get_cached_doc("Budget Programme", programme).classification_rules
	if not rows:
		return list(rules.approval.DEFAULT_CLASSIFICATION_RULES)
	return [
		rules.approval.ClassificationRule(row.difference, row.ability, row.coherence, row.classification)
		for row in rows
	]


def municipality_glns() -> set[str]:
	"""The EAN location numbers of every programme: an e-invoice to another one is not ours."""
	return set(
		frappe.get_all(
			"Budget Programme",
			filters={"ean_location_number": ("is", "set")},
			pluck="ean_location_number",
			distinct=True,
		)
	)
