# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A change to an approved plan (seed 004: "mulighed for mindre ændringer på sigt"): money moved
between lines, a line added or dropped. Small changes are approved by rule; larger ones are
assessed like a plan, but only the changed lines."""

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.model.document import Document
from frappe.utils import cstr, flt, fmt_money, getdate, now_datetime

from borgerbudget import accounting, rules
from borgerbudget.borgerbudget.doctype.budget_plan.budget_plan import new_from_plan
from borgerbudget.input import throw_at
from borgerbudget.permissions import is_citizen

# The budget line's fields an amendment may change.
LINE_FIELDS = (
	"description",
	"category",
	"amount",
	"need_date",
	"payment_route",
	"supplier",
	"supplier_text",
	"goal",
	"theory_of_change",
	"price_research",
)


class BudgetPlanAmendment(Document):
	@property
	def representatives_notified(self) -> bool:
		"""The citizen's notifications go out when representatives get them, citizen's e-mail or not."""
		from borgerbudget.representation import notice_emails

		return bool(notice_emails(self.participant))

	def validate(self):
		plan = frappe.get_doc("Budget Plan", self.budget_plan)
		self.set_from_plan(plan)
		if self.docstatus.is_draft():
			self.status = rules.amendment.DRAFT
		self.validate_plan_open(plan)
		self.check_new_lines()
		self.check_amended_plan(plan, self.set_changes(plan))

	def check_new_lines(self):
		"""A line added here needs what a budget line requires (frappe's `reqd` on Budget Line), or
		the change would be accepted now and fail when it is approved."""
		amendment_line = frappe.get_meta("Budget Plan Amendment Line")
		required = [
			df
			for df in frappe.get_meta("Budget Line").get("fields", {"reqd": 1})
			if amendment_line.has_field(df.fieldname)
		]
		missing = [
			(row, df)
			for row in self.lines
			if not row.budget_line
			for df in required
			if not row.get(df.fieldname)
		]
		if missing:
			throw_at(
				[(row, df.fieldname) for row, df in missing],
				_("A new expense needs: {0}.").format(", ".join(_(df.label) for _row, df in missing)),
				title=_("Missing Values Required"),
			)

	def onload(self):
		self.set_onload("next_step", self.get_next_step())

	def get_next_step(self):
		"""What happens next, for the form's intro; `assess` when the user may start the assessment."""
		if self.docstatus == 0:
			return {
				"text": _(
					"Change the lines below, then save to see the changes against the approved plan. Changes that add at most {0} of new money are approved by rule when you submit; larger ones are assessed."
				).format(fmt_money(self.green_threshold, currency=self.currency)),
				"colour": "blue",
			}
		if self.status == rules.amendment.AWAITING_ASSESSMENT:
			return {
				"text": _("Waiting for the assessment of the changed lines."),
				"colour": "orange",
				"assess": not self.approval and frappe.has_permission("Budget Plan Approval", "create"),
			}
		if self.status == rules.plan.APPROVED:
			return {
				"text": _("Approved by rule and applied to the plan.")
				if self.route == rules.amendment.GREEN_BY_RULE
				else _("Approved after assessment and applied to the plan."),
				"colour": "green",
			}
		return None

	def set_from_plan(self, plan):
		self.participant = plan.participant
		self.participant_name = plan.participant_name
		self.programme = plan.programme
		self.currency = plan.currency
		participant = frappe.db.get_value("Participant", plan.participant, ["email", "user"], as_dict=True)
		self.citizen_email = participant.email or participant.user
		self.green_threshold = flt(
			frappe.get_cached_value("Budget Programme", plan.programme, "amendment_green_threshold")
		)
		if self.is_new() and not self.lines:
			self.copy_lines(plan)

	def copy_lines(self, plan):
		"""The plan's lines as they stand, to change; parked lines stay outside any change."""
		for row in plan.lines:
			if not row.parked:
				self.append("lines", {"budget_line": row.name, **{f: row.get(f) for f in LINE_FIELDS}})

	def validate_plan_open(self, plan):
		closed = closed_because(plan)
		if closed:
			frappe.throw(closed, title=_("Plan not approved") if plan.status != rules.plan.APPROVED else None)

	def set_changes(self, plan):
		"""The diff against the plan as approved now, and the route it takes."""
		changes = self.get_diff(plan)
		descriptions = {row.name: row.description for row in plan.lines}
		self.set("changes", [])
		for change in changes:
			self.append(
				"changes",
				{
					"change": change.kind,
					"budget_line": change.key,
					"description": descriptions.get(change.key)
					if change.index is None
					else self.lines[change.index].description,
					"old_amount": change.old_amount,
					"new_amount": change.new_amount,
					"difference": change.difference,
					"changed_fields": ", ".join(
						_(frappe.get_meta("Budget Line").get_label(f)) for f in change.fields if f != "amount"
					),
				},
			)
		self.total_before = sum(flt(row.amount) for row in plan.lines if not row.parked)
		self.total_after = sum(flt(row.amount) for row in self.lines)
		self.change_size = rules.amendment.amendment_size(changes)
		self.route = rules.amendment.amendment_route(changes, flt(self.green_threshold)) if changes else None
		return changes

	def get_diff(self, plan):
		approved = {row.name: line_values(row) for row in plan.lines if not row.parked}
		keys = [row.budget_line for row in self.lines if row.budget_line]
		for row in self.lines:
			if row.budget_line and (row.budget_line not in approved or keys.count(row.budget_line) > 1):
				frappe.throw(
					_(
						"Row {0} ({1}) does not match a line of the approved plan; add it as a new row."
					).format(row.idx, row.description)
				)
		return rules.amendment.amendment_changes(
			approved, [(row.budget_line or None, line_values(row)) for row in self.lines]
		)

	def check_amended_plan(self, plan, changes):
		"""The plan after the change must pass the plan's own rules, and no line may go below what
		has been invoiced or committed on it."""
		money = accounting.line_money(plan.name)
		used = {row.name: rules.payout.LineMoney(0, **money[row.name]).used for row in plan.lines}
		too_low = rules.amendment.below_used(changes, used)
		if too_low:
			descriptions = {row.name: row.description for row in plan.lines}
			keys = {change.key for change in too_low}
			throw_at(
				[(row, "amount") for row in self.lines if row.budget_line in keys],
				"<br>".join(
					_("{0}: {1} has been invoiced or committed, so it cannot go below that.").format(
						frappe.bold(descriptions[change.key]),
						fmt_money(used[change.key], currency=self.currency),
					)
					for change in too_low
				),
				title=_("Line already invoiced"),
			)
		for row in self.lines:
			row.used_amount = used.get(row.budget_line, 0)
		amended = self.amend(plan)
		amended.validate_lines()
		amended.set_totals()

	def amend(self, plan):
		"""`plan` with this amendment's lines, not saved. Parked lines are left as they are."""
		rows = {row.name: row for row in plan.lines}
		keep = {row.budget_line for row in self.lines if row.budget_line}
		for row in list(plan.lines):
			if not row.parked and row.name not in keep:
				plan.remove(row)
		for line in self.lines:
			values = {f: line.get(f) for f in LINE_FIELDS}
			if line.budget_line:
				rows[line.budget_line].update(values)
			else:
				plan.append("lines", values)
		for idx, row in enumerate(plan.lines, 1):
			row.idx = idx
		return plan

	def after_insert(self):
		# A request from the portal (the citizen's, or their representative's): their caseworker takes
		# it from here. Whoever inserts it reaches the participant, or the guard would have refused.
		caseworker = frappe.db.get_value("Participant", self.participant, "assigned_caseworker")
		if is_citizen(frappe.session.user) and caseworker:
			assign_to.add(
				{
					"assign_to": [caseworker],
					"doctype": self.doctype,
					"name": self.name,
					"description": _(
						"{0} asks to change the approved plan: go through it together and submit it."
					).format(self.participant_name),
				}
			)

	def before_submit(self):
		if not self.changes:
			frappe.throw(
				_("The lines are the same as in the approved plan: change at least one."),
				title=_("No change"),
			)
		other = frappe.db.get_value(
			self.doctype,
			{
				"budget_plan": self.budget_plan,
				"status": rules.amendment.AWAITING_ASSESSMENT,
				"name": ("!=", self.name),
			},
		)
		if other:
			frappe.throw(
				_(
					"{0} is already waiting for assessment; decide it before the plan is changed again."
				).format(frappe.utils.get_link_to_form(self.doctype, other)),
				title=_("Change already pending"),
			)
		self.status = rules.amendment.AWAITING_ASSESSMENT

	def on_submit(self):
		if self.route == rules.amendment.GREEN_BY_RULE:
			self.decide(rules.plan.APPROVED)
		else:
			caseworker = frappe.db.get_value("Participant", self.participant, "assigned_caseworker")
			if caseworker:
				assign_to.add(
					{
						"assign_to": [caseworker],
						"doctype": self.doctype,
						"name": self.name,
						"description": _("Assess the change to the plan of {0}").format(
							self.participant_name
						),
					}
				)
			self.add_plan_comment(_("{0} changes the plan by {1} and waits for assessment."))

	def decide(self, decision, approval=None):
		"""Record the decision; an approved change is applied to the plan at once."""
		if decision == rules.plan.APPROVED:
			self.apply()
		self.db_set(
			{
				"status": decision,
				"approval": approval.name if approval else self.approval,
				"decided_by": approval.decided_by if approval else frappe.session.user,
				"decided_on": approval.decided_on if approval else now_datetime(),
			}
		)
		assign_to.close_all_assignments(self.doctype, self.name)
		# The citizen is told (Notification "Plan Change Decided").
		self.run_method("on_decision")
		text = {
			rules.plan.APPROVED: _("{0} was approved by rule (a change of {1}).")
			if not approval
			else _("{0} was approved after assessment (a change of {1})."),
			rules.plan.NEEDS_REVISION: _("{0} was returned for revision (a change of {1})."),
			rules.plan.REJECTED: _("{0} was rejected (a change of {1})."),
		}[decision]
		self.add_plan_comment(text)

	def apply(self):
		# A locking read: payouts and other changes to the plan wait until this one is saved.
		plan = frappe.get_doc("Budget Plan", self.budget_plan, for_update=True)
		changes = self.get_diff(plan)
		if [(c.kind, c.key, c.old_amount, c.new_amount) for c in changes] != [
			(c.change, c.budget_line or None, flt(c.old_amount, 2), flt(c.new_amount, 2))
			for c in self.changes
		]:
			frappe.throw(
				_(
					"The approved plan has changed since {0} was made; cancel it and make a new change."
				).format(self.name),
				title=_("Plan changed"),
			)
		self.check_amended_plan(plan, changes)
		plan.flags.amendment = self.name
		plan.save()

	def reopen(self):
		"""The assessment was cancelled: the change waits for a new one."""
		self.check_not_applied()
		self.db_set(
			{
				"status": rules.amendment.AWAITING_ASSESSMENT,
				"approval": None,
				"decided_by": None,
				"decided_on": None,
			}
		)

	def on_cancel(self):
		self.check_not_applied()
		if frappe.db.exists("Budget Plan Approval", {"amendment": self.name, "docstatus": 0}):
			frappe.throw(_("{0} is being assessed; finish or delete the assessment first.").format(self.name))
		self.db_set("status", rules.amendment.CANCELLED)
		# The assessment that sent it back stays on record.
		self.ignore_linked_doctypes = ("Budget Plan Approval",)
		assign_to.close_all_assignments(self.doctype, self.name)

	def check_not_applied(self):
		if self.status == rules.plan.APPROVED:
			frappe.throw(
				_("{0} has been applied to the plan; make a new change to undo it.").format(self.name),
				title=_("Already applied"),
			)

	def add_plan_comment(self, text):
		frappe.get_doc("Budget Plan", self.budget_plan).add_comment(
			"Info",
			text.format(
				frappe.utils.get_link_to_form(self.doctype, self.name),
				fmt_money(self.change_size, currency=self.currency),
			),
		)


def closed_because(plan) -> str | None:
	"""Why `plan` cannot be changed by an amendment now (None: it can): the citizen's page asks
	before it offers the form, the controller refuses with the same words."""
	if plan.status != rules.plan.APPROVED:
		return _("Only an approved plan can be changed this way; {0} is {1}.").format(
			plan.name, _(plan.status)
		)
	if frappe.db.get_value("Participant", plan.participant, "course_termination"):
		return _("The course of {0} has ended; the plan can no longer be changed.").format(
			plan.participant_name
		)
	return None


def line_values(row):
	"""A line's values, normalised so a form's and the database's compare equal."""
	values = {}
	for fieldname in LINE_FIELDS:
		value = row.get(fieldname)
		if fieldname == "amount":
			value = flt(value, 2)
		elif fieldname == "need_date":
			value = str(getdate(value)) if value else ""
		else:
			value = cstr(value).strip()
		values[fieldname] = value
	return values


@frappe.whitelist()
def make_amendment(source_name: str) -> Document:
	"""An unsaved change to an approved plan, its lines copied from the plan. Permission:
	new_from_plan refuses a user who may not read the plan or create an amendment."""
	doc, plan = new_from_plan(
		"Budget Plan Amendment", source_name, _("You are not allowed to change approved plans.")
	)
	doc.set_from_plan(plan)
	doc.run_method("onload")
	return doc


@frappe.whitelist()
def make_approval(source_name: str) -> Document:
	"""An unsaved assessment of the changed lines."""
	from borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval import (
		make_approval as make_plan_approval,
	)

	amendment = frappe.get_doc("Budget Plan Amendment", source_name)
	amendment.check_permission("read")
	doc = make_plan_approval(amendment.budget_plan)
	doc.amendment = amendment.name
	return doc
