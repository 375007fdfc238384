# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import secrets
from datetime import date

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, flt, fmt_money, format_date, getdate, now_datetime

from borgerbudget import accounting, rules
from borgerbudget.input import date_argument, throw_at
from borgerbudget.permissions import is_caseworker

# What the citizen writes; locked once the plan is submitted for assessment.
CONTENT_FIELDS = (
	"motivation",
	"dream",
	"next_step",
	"strategy_continue",
	"strategy_stop",
	"strategy_start",
	"goals",
	"lines",
)
# Sent to the supplier of an approved line: where to send the invoice and the reference to put on it.
REQUISITION_FORMAT = "Supplier Requisition"
# The assessments of the plan itself, not of later changes to it (Budget Plan Amendment).
OF_PLAN = {"amendment": ("is", "not set")}


class BudgetPlan(Document):
	def validate(self):
		self.enforce_field_permissions()
		self.set_derived_values()
		self.validate_participant()
		self.validate_editable()
		self.secure_quotes()
		self.validate_lines()
		self.set_totals()
		self.validate_status()
		self.set_line_approval()
		self.set_payment_references()
		self.set_payouts()

	def enforce_field_permissions(self):
		# Web forms save with ignore_permissions, which skips frappe's own reset of fields
		# the user may not write (the caseworker's comment): do it here for every route.
		if self.flags.ignore_permissions and frappe.session.user != "Administrator":
			self.reset_values_if_no_permlevel_access(
				self.get_permlevel_access(), self.meta.get_high_permlevel_fields()
			)

	def set_derived_values(self):
		"""Copied from the participant and programme on every save, so no form can set them."""
		participant = frappe.db.get_value(
			"Participant",
			self.participant,
			[
				"full_name",
				"programme",
				"status",
				"plan_deadline",
				"course_start_date",
				"course_end_date",
				"assigned_caseworker",
			],
			as_dict=True,
		)
		if not participant:
			frappe.throw(_("Participant {0} does not exist.").format(self.participant))
		programme = frappe.get_cached_doc("Budget Programme", participant.programme)
		self.participant_name = participant.full_name
		self.programme = participant.programme
		for line in self.lines:
			line.programme = self.programme
		self.method = programme.method
		self.currency = programme.currency
		self.maximum_amount = programme.maximum_per_participant
		self.plan_deadline = participant.plan_deadline
		self.course_start_date = participant.course_start_date
		self.course_end_date = participant.course_end_date
		self.caseworker = participant.assigned_caseworker
		self._participant_status = participant.status
		self.set_approval()

	def set_approval(self):
		"""The latest assessment that is not cancelled, read from the approvals themselves."""
		approval = (
			frappe.db.get_value(
				"Budget Plan Approval",
				{"budget_plan": self.name, "docstatus": ("<", 2), **OF_PLAN},
				["name", "classification", "final_classification"],
				as_dict=True,
				order_by="creation desc",
			)
			if not self.is_new()
			else None
		)
		self.approval = approval.name if approval else None
		self.classification = (approval.final_classification or approval.classification) if approval else None

	def validate_participant(self):
		if self._participant_status != rules.intake.ENROLLED:
			frappe.throw(
				_("A budget plan can only be written for an enrolled participant; {0} is {1}.").format(
					self.participant_name, _(self._participant_status)
				),
				title=_("Not enrolled"),
			)

	def validate_editable(self):
		previous = self.get_doc_before_save()
		if not previous or previous.status in rules.plan.EDITABLE_PLAN_STATUSES:
			return
		before, after = content_of(previous), content_of(self)
		if self.flags.amendment:
			# An approved Budget Plan Amendment changes the lines and nothing else.
			before.pop("lines"), after.pop("lines")
		if before != after:
			frappe.throw(
				_("The plan is {0} and cannot be changed.").format(_(previous.status)),
				title=_("Plan locked"),
			)

	def secure_quotes(self):
		"""Quotes are private files attached to this plan, whichever form uploaded them."""
		for row in self.lines:
			if not row.quote:
				continue
			name = frappe.db.get_value("File", {"file_url": row.quote}, "name")
			file = frappe.get_doc("File", name) if name else None
			# A file the user cannot read is refused, so no one can pull another citizen's file into a plan.
			if not file or not file.has_permission("read"):
				throw_at(
					[(row, "quote")],
					_("Line {0} ({1}): the quote is not a file you have uploaded.").format(
						row.idx, row.description
					),
					exc=frappe.PermissionError,
				)
			if file.is_private and (file.attached_to_doctype, file.attached_to_name) == (
				self.doctype,
				self.name,
			):
				continue
			file.is_private = 1
			file.attached_to_doctype = self.doctype
			file.attached_to_name = self.name
			file.save()
			row.quote = file.file_url

	def validate_lines(self):
		programme = frappe.get_cached_doc("Budget Programme", self.programme)
		problems = rules.plan.line_problems(
			to_lines(self.lines),
			flt(programme.reimbursement_limit),
			getdate(self.course_start_date) if self.course_start_date else None,
			getdate(self.course_end_date) if self.course_end_date else None,
			[goal.goal for goal in self.goals],
			flt(programme.allowance_limit),
		)
		messages = {
			"amount": lambda row: _("Line {0} ({1}): the amount must be greater than zero.").format(
				row.idx, row.description
			),
			"need_date": lambda row: _(
				"Line {0} ({1}): the need date {2} is outside the course period {3} – {4}."
			).format(
				row.idx,
				row.description,
				format_date(row.need_date),
				format_date(self.course_start_date),
				format_date(self.course_end_date),
			),
			"reimbursement_limit": lambda row: _(
				"Line {0} ({1}): at most {2} can be reimbursed to the citizen. Choose supplier invoice or lower the amount."
			).format(
				row.idx, row.description, fmt_money(programme.reimbursement_limit, currency=self.currency)
			),
			"allowance_limit": lambda row: (
				_("Line {0} ({1}): the receipt-free allowance may be at most {2} in all.").format(
					row.idx, row.description, fmt_money(programme.allowance_limit, currency=self.currency)
				)
				if flt(programme.allowance_limit)
				else _("Line {0} ({1}): this programme has no receipt-free allowance.").format(
					row.idx, row.description
				)
			),
			"goal": lambda row: _("Line {0} ({1}): the goal {2} is not one of the plan's goals.").format(
				row.idx, row.description, frappe.bold(row.goal)
			),
		}
		if problems:
			throw_at(
				[(self.lines[index], rules.plan.PROBLEM_FIELDS[code]) for code, index in problems],
				"<br>".join(messages[code](self.lines[index]) for code, index in problems),
				title=_("Budget lines need changes"),
			)

	def set_totals(self):
		self.total_amount = rules.plan.plan_total(to_lines(self.lines))
		self.remaining_amount = flt(self.maximum_amount) - self.total_amount
		if self.total_amount > flt(self.maximum_amount):
			# Every line's amount makes the total: a form shows it at the amount of the line it edits.
			throw_at(
				[(row, "amount") for row in self.lines],
				_("The budget total {0} is over the programme's maximum of {1}.").format(
					fmt_money(self.total_amount, currency=self.currency),
					fmt_money(self.maximum_amount, currency=self.currency),
				),
				title=_("Over the maximum"),
			)

	def validate_status(self):
		previous = self.get_doc_before_save()
		old_status = previous.status if previous else rules.plan.DRAFT
		self.status = self.status or old_status
		self.submission_count = previous.submission_count if previous else 0
		if self.status == old_status:
			return
		step = rules.plan.plan_step(old_status, self.status)
		allowed = {
			rules.plan.SUBMIT: lambda: True,
			rules.plan.WITHDRAW: self.can_withdraw,
			rules.plan.DECIDE: lambda: self.status == self.get_decision(),
			rules.plan.REOPEN: lambda: not self.get_decision(),
		}
		if not step or not allowed[step]():
			frappe.throw(
				_("A plan cannot move from {0} to {1}.").format(_(old_status), _(self.status)),
				title=_("Invalid status change"),
			)
		if step == rules.plan.SUBMIT:
			self.validate_complete()
			self.validate_collective_course()
			self.submitted_on = now_datetime()
			self.submission_count += 1
		elif step == rules.plan.WITHDRAW:
			self.submitted_on = None
		elif step == rules.plan.DECIDE:
			self.approved_on = getdate() if self.status == rules.plan.APPROVED else None
		else:
			self.approved_on = None

	def validate_collective_course(self):
		if not frappe.get_cached_value("Budget Programme", self.programme, "collective_course_mandatory"):
			return
		from borgerbudget.borgerbudget.doctype.cohort.cohort import attendance_problem

		problem = attendance_problem(self.participant)
		if problem:
			frappe.throw(problem, title=_("Collective course"))

	def can_withdraw(self):
		"""A caseworker may send a submitted plan back to draft while no one is assessing it."""
		return is_caseworker() and not frappe.db.exists(
			"Budget Plan Approval",
			{
				"budget_plan": self.name,
				"submission_no": self.submission_count,
				"docstatus": ("<", 2),
				**OF_PLAN,
			},
		)

	def get_decision(self):
		"""The decision of the submitted approval of the current submission, if any."""
		return frappe.db.get_value(
			"Budget Plan Approval",
			{"budget_plan": self.name, "submission_no": self.submission_count, "docstatus": 1, **OF_PLAN},
			"decision",
		)

	def set_line_approval(self):
		# Derived, never taken from a form: the lines of an approved plan that are not parked.
		for row in self.lines:
			row.approved = int(self.status == rules.plan.APPROVED and not row.parked)

	def set_payment_references(self):
		"""An approved supplier line gets the reference its supplier puts on the invoice, and keeps it."""
		taken = {row.payment_reference for row in self.lines if row.payment_reference}
		for row in self.lines:
			if not row.payment_reference and rules.reference.needs_reference(row.approved, row.payment_route):
				row.payment_reference = new_payment_reference(taken)
				taken.add(row.payment_reference)

	def set_payouts(self):
		"""Each line's committed / invoiced / paid amounts, from the documents in ERPNext."""
		if self.is_new():
			return
		money = accounting.line_money(self.name)
		advances = accounting.latest_advance_statuses(self.name)
		for row in self.lines:
			row.update(accounting.line_payout_values(row, money[row.name], advances.get(row.name)))
		self.total_invoiced = sum(flt(row.invoiced_amount) for row in self.lines)
		self.total_paid = sum(flt(row.paid_amount) for row in self.lines)

	def validate_complete(self):
		missing = self.missing_for_submission()
		if missing:
			frappe.throw(
				_("Before the plan can be submitted, fill in: {0}").format(", ".join(missing)),
				title=_("The plan is not complete"),
			)

	def missing_for_submission(self) -> list[str]:
		"""What the citizen must still write before the plan can be submitted, in words."""
		parts = {
			"motivation": self.motivation,
			"strategy_continue": self.strategy_continue,
			"strategy_stop": self.strategy_stop,
			"strategy_start": self.strategy_start,
			"goals": self.goals,
		}
		if self.dream_and_next_step:
			parts.update(dream=self.dream, next_step=self.next_step)
		missing = rules.plan.missing_for_submission(parts, to_lines(self.lines))
		return [self.describe_missing(item) for item in missing]

	def describe_missing(self, item):
		if item.startswith("theory_of_change:"):
			return _("the theory of change for line {0}").format(item.split(":")[1])
		if item == "lines":
			return _("at least one budget line")
		return _(self.meta.get_label(item))

	@frappe.whitelist()
	def submit_for_assessment(self) -> str:
		self.status = rules.plan.SUBMITTED
		self.save()
		return self.status

	@frappe.whitelist()
	def extend_deadline(self, new_deadline: str | date | None, reason: str | None) -> date:
		"""Move the plan deadline (a caseworker decision) and record who did it and why."""
		if not is_caseworker():
			frappe.throw(_("Only a caseworker can extend the plan deadline."), frappe.PermissionError)
		if not (reason or "").strip():
			frappe.throw(_("Give the reason for the extension."), title=_("Reason required"))
		new_deadline = date_argument(new_deadline, "New Deadline")
		if self.plan_deadline and new_deadline <= getdate(self.plan_deadline):
			frappe.throw(
				_("The new deadline must be after the current one ({0}).").format(
					format_date(self.plan_deadline)
				),
				title=_("Invalid deadline"),
			)
		self.append(
			"deadline_extensions",
			{
				"previous_deadline": self.plan_deadline,
				"new_deadline": new_deadline,
				"reason": reason.strip(),
				"extended_by": frappe.session.user,
			},
		)
		participant = frappe.get_doc("Participant", self.participant)
		participant.plan_deadline = new_deadline
		participant.save()
		self.save()
		return self.plan_deadline

	def get_timeline(self, months=3):
		"""For the one-page plan: the active lines in monthly columns, and the parked ones."""
		start = getdate(self.course_start_date or self.creation)
		active = [row for row in self.lines if not row.parked]
		columns = rules.plan.timeline(
			start, [getdate(row.need_date) if row.need_date else None for row in active], months
		)
		return {
			"months": [
				{
					"start": rules.course.add_months(start.replace(day=1), offset),
					"lines": [active[i] for i in column],
				}
				for offset, column in enumerate(columns)
			],
			"parked": [row for row in self.lines if row.parked],
		}

	def onload(self):
		self.set_onload("deadline_passed", self.is_past_deadline())
		self.set_onload("next_step", self.get_next_step())
		# The form's buttons follow these; the methods behind them check again.
		editable = self.status in rules.plan.EDITABLE_PLAN_STATUSES
		self.set_onload("can_submit", editable)
		self.set_onload("can_extend_deadline", editable and is_caseworker())
		self.set_onload("approved", self.status == rules.plan.APPROVED)
		self.set_onload(
			"payable",
			{
				route: [
					line.name
					for line in self.lines
					if line.payment_route == route
					and rules.payout.payable(line.approved, line.closed, flt(line.remaining_amount))
				]
				for route in rules.plan.ROUTES
			},
		)
		self.set_onload("requisition_lines", [row.name for row in self.requisition_lines()])
		self.set_onload("can_send_requisition", is_caseworker())
		self.set_onload(
			"can_create",
			{
				doctype: frappe.has_permission(doctype, "create")
				for doctype in (
					"Purchase Invoice",
					"Budget Advance",
					"Repayment Claim",
					"Budget Plan Amendment",
				)
			},
		)
		self.set_onload(
			"open_amendment",
			frappe.db.get_value(
				"Budget Plan Amendment",
				{
					"budget_plan": self.name,
					"docstatus": ("<", 2),
					"status": ("in", rules.amendment.OPEN_STATUSES),
				},
			),
		)

	def requisition_lines(self):
		"""The approved supplier lines with a reference, which a supplier can be asked to invoice."""
		return [
			row
			for row in self.lines
			if row.payment_reference
			and rules.reference.needs_reference(row.approved, row.payment_route)
			and not row.closed
		]

	def get_title(self):
		# A requisition goes to a supplier: its title (the page's, the PDF's) must not be the citizen's name.
		if self.flags.in_print and frappe.form_dict.get("format") == REQUISITION_FORMAT:
			return self.name
		return super().get_title()

	def get_requisitions(self):
		"""For the Supplier Requisition print format: a page per line (only the line being sent, when
		`flags.requisition_line` names one). Nothing about the citizen: the reference names the case."""
		programme = frappe.get_cached_doc("Budget Programme", self.programme)
		return [
			frappe._dict(
				municipality=programme.company,
				ean_location_number=programme.ean_location_number,
				supplier=(
					frappe.get_cached_value("Supplier", row.supplier, "supplier_name")
					if row.supplier
					else row.supplier_text
				),
				description=row.description,
				maximum_amount=flt(row.remaining_amount),
				payment_reference=row.payment_reference,
			)
			for row in self.requisition_lines()
			if not self.flags.requisition_line or row.name == self.flags.requisition_line
		]

	def get_next_step(self):
		"""What happens next and who does it, for the form's headline."""
		if self.status in rules.plan.EDITABLE_PLAN_STATUSES:
			return {
				"text": _("The citizen is writing the plan; the deadline is {0}.").format(
					format_date(self.plan_deadline)
				),
				"colour": "blue",
			}
		if self.status == rules.plan.SUBMITTED:
			open_approval = frappe.db.get_value(
				"Budget Plan Approval",
				{"budget_plan": self.name, "submission_no": self.submission_count, "docstatus": 0, **OF_PLAN},
				["name", "workflow_state", "caseworker", "caseworker_team"],
				as_dict=True,
			)
			if not open_approval:
				return {
					"text": _(
						"Submitted on {0} and waiting for assessment: score the three criteria."
					).format(format_date(self.submitted_on)),
					"colour": "orange",
					"action": "assess" if frappe.has_permission("Budget Plan Approval", "create") else None,
				}
			waiting_for = (
				frappe.db.get_value("Caseworker Team", open_approval.caseworker_team, "team_lead")
				if rules.approval.RESPONSIBLE.get(open_approval.workflow_state) == rules.approval.TEAM_LEAD
				else open_approval.caseworker
			)
			return {
				"text": _("Assessment {0} is {1}; next step by {2}.").format(
					open_approval.name,
					_(open_approval.workflow_state),
					frappe.utils.get_fullname(waiting_for),
				),
				"colour": "orange",
				"approval": open_approval.name,
			}
		decision = (
			frappe.db.get_value(
				"Budget Plan Approval", self.approval, ["decided_by", "decided_on"], as_dict=True
			)
			or frappe._dict()
		)
		return {
			"text": _("{0} by {1} on {2} ({3} case).").format(
				_(self.status),
				frappe.utils.get_fullname(decision.decided_by),
				format_date(decision.decided_on),
				_(self.classification or ""),
			)
			+ (
				" "
				+ _("Course {0} – {1}.").format(
					format_date(self.course_start_date), format_date(self.course_end_date)
				)
				if self.status == rules.plan.APPROVED
				else ""
			),
			"colour": {rules.plan.APPROVED: "green", rules.plan.REJECTED: "red"}.get(self.status, "orange"),
			"approval": self.approval,
		}

	def is_past_deadline(self):
		return bool(
			self.status in rules.plan.EDITABLE_PLAN_STATUSES
			and self.plan_deadline
			and getdate(self.plan_deadline) < getdate()
		)


@frappe.whitelist()
def add_line(plan: str, line: str | dict) -> str:
	"""Add one budget line. Additions are serialised on the plan's row, so parallel ones cannot pass the maximum."""
	# A locking read: it waits for other additions and sees their lines, which a plain read
	# (the transaction's snapshot) would not.
	doc = frappe.get_doc("Budget Plan", plan, for_update=True)
	doc.check_permission("write")
	doc.append("lines", frappe.parse_json(line))
	doc.save()
	return doc.lines[-1].name


REFERENCE_ATTEMPTS = 10


def new_payment_reference(taken=()) -> str:
	"""A payment reference no budget line has. The database's unique key is the final guard; a
	clash is one in 594 million, so a few attempts are plenty."""
	for _attempt in range(REFERENCE_ATTEMPTS):
		reference = rules.reference.generate(secrets.token_bytes(rules.reference.RANDOM_BYTES))
		if reference not in taken and not frappe.db.exists("Budget Line", {"payment_reference": reference}):
			return reference
	frappe.throw(_("No free payment reference was found; try again."))


@frappe.whitelist(methods=["POST"])
def send_requisition(budget_plan: str, budget_line: str) -> str:
	"""E-mail the supplier of an approved line the requisition: where to send the invoice, how much
	it may be for, and the reference to put on it. Returns the address it was sent to."""
	plan = frappe.get_doc("Budget Plan", budget_plan)
	plan.check_permission("read")
	if not is_caseworker():
		frappe.throw(_("Only a caseworker can send a requisition to a supplier."), frappe.PermissionError)
	line = next((row for row in plan.requisition_lines() if row.name == budget_line), None)
	if not line:
		frappe.throw(
			_("A requisition can only be sent for an approved supplier line with a payment reference."),
			title=_("No requisition"),
		)
	if not line.supplier:
		frappe.throw(
			_("Line {0} ({1}): register the supplier and choose it on the line first.").format(
				line.idx, line.description
			),
			title=_("No supplier"),
		)
	if not frappe.get_cached_value("Budget Programme", plan.programme, "ean_location_number"):
		frappe.throw(
			_("Set the programme's EAN location number first: the supplier sends the invoice to it."),
			title=_("No EAN location number"),
		)
	recipient = supplier_email(line.supplier)
	if not recipient:
		frappe.throw(
			_("Supplier {0} has no e-mail address: add one to the supplier or its primary contact.").format(
				frappe.bold(line.supplier)
			),
			title=_("No e-mail address"),
		)
	plan.flags.requisition_line = line.name
	frappe.sendmail(
		recipients=[recipient],
		subject=_("Requisition {0} from {1}").format(
			line.payment_reference, frappe.get_cached_value("Budget Programme", plan.programme, "company")
		),
		message=_(
			"Please find attached the requisition for {0}. Put the reference {1} in the invoice's order reference and send the invoice through NemHandel to the EAN location number on the requisition."
		).format(
			frappe.bold(frappe.utils.escape_html(line.description)), frappe.bold(line.payment_reference)
		),
		attachments=[
			frappe.attach_print(
				plan.doctype,
				plan.name,
				file_name=line.payment_reference,
				print_format=REQUISITION_FORMAT,
				doc=plan,
			)
		],
		reference_doctype=plan.doctype,
		reference_name=plan.name,
	)
	plan.add_comment(
		"Info",
		_("Requisition {0} for line {1} ({2}) sent to {3}.").format(
			line.payment_reference, line.idx, frappe.utils.escape_html(line.description), recipient
		),
	)
	return recipient


def supplier_email(supplier: str) -> str | None:
	"""The supplier's own address, or its default contact's."""
	from frappe.contacts.doctype.contact.contact import get_default_contact

	email = frappe.db.get_value("Supplier", supplier, "email_id")
	if not email:
		contact = get_default_contact("Supplier", supplier)
		email = contact and frappe.db.get_value("Contact", contact, "email_id")
	return email or None


def to_lines(rows) -> list[rules.plan.Line]:
	return [
		rules.plan.Line(
			amount=flt(row.amount),
			need_date=getdate(row.need_date) if row.need_date else None,
			payment_route=row.payment_route,
			theory_of_change=row.theory_of_change or "",
			goal=row.goal or "",
		)
		for row in rows
	]


def content_of(doc):
	"""The citizen's content, normalised so values loaded from the database and sent by a form compare equal."""

	def normalise(meta, row):
		values = {}
		for df in meta.fields:
			# Read-only fields are set by the server (the approved flag), not written by the citizen.
			if df.fieldtype in ("Section Break", "Column Break", "Table") or df.read_only:
				continue
			value = row.get(df.fieldname)
			if df.fieldtype in ("Currency", "Float", "Int", "Check"):
				value = flt(value)
			elif df.fieldtype == "Date":
				value = str(getdate(value)) if value else ""
			else:
				value = cstr(value).strip()
			values[df.fieldname] = value
		return values

	content = {}
	for fieldname in CONTENT_FIELDS:
		df = doc.meta.get_field(fieldname)
		if df.fieldtype == "Table":
			child_meta = frappe.get_meta(df.options)
			content[fieldname] = [normalise(child_meta, row) for row in doc.get(fieldname)]
		else:
			content[fieldname] = cstr(doc.get(fieldname)).strip()
	return content


def new_from_plan(doctype: str, plan: str, refusal: str):
	"""An unsaved `doctype` started from a plan the user may read, for a user who may create one
	(the desk's "Assess Plan" and "Change the Plan"): (doc, plan)."""
	source = frappe.get_doc("Budget Plan", plan)
	source.check_permission("read")
	if not frappe.has_permission(doctype, "create"):
		frappe.throw(refusal, frappe.PermissionError)
	doc = frappe.new_doc(doctype)
	doc.budget_plan = source.name
	return doc, source
