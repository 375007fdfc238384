# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

from datetime import date

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import comma_or, format_date, getdate, now_datetime, today

from borgerbudget import insight, rules
from borgerbudget.borgerbudget.doctype.budget_programme.budget_programme import get_criteria
from borgerbudget.borgerbudget.doctype.participant_cpr import participant_cpr
from borgerbudget.input import date_argument
from borgerbudget.permissions import get_caseworker_teams, is_caseworker, may_reveal_cpr

# The participants whose course runs (rules.course.course_running), as list filters.
RUNNING_COURSE = {"status": rules.intake.ENROLLED, "course_termination": ("is", "not set")}


class Participant(Document):
	def validate(self):
		if not self.is_new() and frappe.db.get_value("Participant", self.name, "erased_on"):
			frappe.throw(
				_("This participant's personal data has been erased: the record can no longer be changed.")
			)
		self.set_caseworker_team()
		self.set_cpr()
		self.set_eligibility()
		self.validate_intake_status()

	def set_caseworker_team(self):
		if not self.caseworker_team and self.assigned_caseworker:
			teams = get_caseworker_teams(self.assigned_caseworker, as_member=True)
			if len(teams) == 1:
				self.caseworker_team = teams[0]

	def set_cpr(self):
		entered = (self.get("cpr_number") or "").strip()
		# The clear number lives only in this request: it is never stored or versioned. The
		# encrypted number and its keyed hash live in the vault (Participant CPR), never on this record.
		self.cpr_number = None
		if entered:
			cpr = parse_cpr_or_throw(entered)
			self.flags.cpr_digits = cpr.digits
		else:
			cpr = None if self.is_new() else participant_cpr.stored_cpr(self.name)
		if not cpr:
			frappe.throw(_("CPR number is required."), title=_("Missing CPR number"))
		# Derived on every save, so a form that sends these fields back cannot change them.
		self.cpr_masked = cpr.masked
		self.birth_date = cpr.birth_date
		self.validate_unique_cpr(cpr.digits)

	def validate_unique_cpr(self, digits):
		# A friendly message; the vault's unique key holds under concurrent registrations.
		if participant_cpr.holder_of(self.programme, digits, other_than=self.name):
			self.throw_duplicate_cpr()

	def throw_duplicate_cpr(self):
		frappe.throw(
			_("A participant with this CPR number is already registered in programme {0}.").format(
				frappe.bold(self.programme)
			),
			frappe.UniqueValidationError,
			title=_("Duplicate participant"),
		)

	def store_cpr(self):
		previous = self.get_doc_before_save()
		digits = self.flags.cpr_digits
		if not digits and previous and previous.programme != self.programme:
			digits = participant_cpr.stored_cpr(self.name).digits
		if not digits:
			return
		try:
			participant_cpr.store(self.name, self.programme, digits)
		except frappe.UniqueValidationError:
			self.throw_duplicate_cpr()

	def set_eligibility(self):
		screening_date = getdate(self.screening_date or today())
		self.age = rules.cpr.age_on(getdate(self.birth_date), screening_date) if self.birth_date else None
		facts = rules.intake.ScreeningFacts(
			age=self.age,
			months_unemployed=self.months_unemployed,
			job_ready=bool(self.job_ready),
			benefit_type=self.benefit_type,
			available=bool(self.available_to_labour_market),
		)
		failures = rules.intake.evaluate_eligibility(get_criteria(self.programme), facts)
		self.eligible = 0 if failures else 1
		self.eligibility_result = "\n".join(describe_failure(f) for f in failures) or _("All criteria met")

	def validate_intake_status(self):
		previous = self.get_doc_before_save()
		old_status = previous.status if previous else rules.intake.SCREENING
		# Web forms send read-only fields back empty; an empty status means "unchanged".
		self.status = self.status or old_status
		if self.is_new() and self.status != rules.intake.SCREENING:
			frappe.throw(_("A new participant starts in Screening."), title=_("Invalid status"))
		if not rules.intake.can_move(old_status, self.status):
			frappe.throw(
				_("A participant cannot move from {0} to {1}.").format(_(old_status), _(self.status)),
				title=_("Invalid status change"),
			)
		if old_status != self.status:
			{
				rules.intake.SCREENING: self.enter_screening,
				rules.intake.OFFERED: self.enter_offered,
				rules.intake.ACCEPTED: self.enter_accepted,
				rules.intake.DECLINED: self.enter_declined,
				rules.intake.NOT_ELIGIBLE: lambda: None,
				rules.intake.ENROLLED: self.enter_enrolled,
			}[self.status]()

	def enter_offered(self):
		if not self.eligible:
			frappe.throw(
				_("Only an eligible citizen can be offered a place. Not met: {0}").format(
					self.eligibility_result
				),
				title=_("Not eligible"),
			)
		if self.screening_assessment != "Suitable":
			frappe.throw(
				_("Record the caseworker's assessment as Suitable before making an offer."),
				title=_("Assessment missing"),
			)
		programme = self.get_programme()
		self.offer_date = getdate(today())
		self.decision_deadline = rules.intake.decision_deadline(self.offer_date, programme.days_to_decide)
		self.decision_date = None

	def enter_accepted(self):
		if getdate(today()) > getdate(self.decision_deadline):
			frappe.throw(
				_(
					"The decision deadline {0} has passed. Screen the citizen again to make a new offer."
				).format(frappe.format(self.decision_deadline, "Date")),
				title=_("Deadline passed"),
			)
		missing = [
			label
			for label, value in (
				(_("Voluntary Consent Given"), self.consent_given),
				(_("Declaration on Honour Signed On"), self.declaration_signed_on),
				(_("Signed Declaration on Honour"), self.declaration_file),
			)
			if not value
		]
		if missing:
			frappe.throw(
				_(
					"Acceptance needs the citizen's voluntary consent and the signed declaration on honour. Missing: {0}"
				).format(", ".join(missing)),
				title=_("Consent missing"),
			)
		self.decision_date = getdate(today())

	def enter_declined(self):
		self.decision_date = getdate(today())

	def enter_screening(self):
		self.offer_date = self.decision_deadline = self.decision_date = None

	def enter_enrolled(self):
		programme = self.get_programme()
		self.enrolment_date = getdate(today())
		self.validate_capacity(programme)
		self.plan_deadline = rules.intake.plan_deadline(self.enrolment_date, programme.weeks_to_write_plan)
		# The expected course period; the approval of the plan sets it again.
		self.course_start_date = self.enrolment_date
		self.course_end_date = rules.course.add_months(self.enrolment_date, programme.course_months)

	def on_trash(self):
		frappe.db.delete("Participant CPR", {"name": self.name})

	def on_update(self):
		self.store_cpr()
		previous = self.get_doc_before_save()
		if self.status == rules.intake.ENROLLED and previous and previous.status != rules.intake.ENROLLED:
			self.create_budget_plan()

	def create_budget_plan(self):
		"""The empty plan the citizen writes in the portal."""
		if not frappe.db.exists("Budget Plan", {"participant": self.name}):
			frappe.get_doc({"doctype": "Budget Plan", "participant": self.name}).insert()

	def validate_capacity(self, programme):
		# The programme row lock makes concurrent enrolments count one another.
		frappe.db.get_value("Budget Programme", programme.name, "name", for_update=True)
		taken = places_taken(programme.name, excluding=self.name)
		if not rules.intake.places_left(taken.capacity, taken.enrolled):
			frappe.throw(
				_("Programme {0} has no capacity left in {1}: {2} of {3} places are taken.").format(
					frappe.bold(programme.name), taken.year, taken.enrolled, taken.capacity
				),
				title=_("Capacity reached"),
			)

	def onload(self):
		# The form's buttons follow these; the methods behind them check again.
		self.set_onload(
			"intake_actions",
			[
				{"method": method, "label": _(label), "ask_reason": new == rules.intake.DECLINED}
				for new in rules.intake.INTAKE_TRANSITIONS.get(self.status, ())
				for method, label in [rules.intake.INTAKE_ACTIONS[new]]
			],
		)
		self.set_onload("awaiting_decision", self.status == rules.intake.OFFERED)
		self.set_onload("course_running", rules.course.course_running(self.status, self.course_termination))
		self.set_onload("can_reveal_cpr", may_reveal_cpr())
		# Insight (GDPR art. 15): the caseworker's export, and the requests still to answer.
		if is_caseworker():
			self.set_onload("open_insight_requests", insight.open_requests(self.name))

	def get_programme(self):
		return frappe.get_cached_doc("Budget Programme", self.programme)

	def set_intake_status(self, status):
		self.status = status
		self.save()
		return self.status

	@frappe.whitelist()
	def offer(self) -> str:
		return self.set_intake_status(rules.intake.OFFERED)

	@frappe.whitelist()
	def accept(self) -> str:
		return self.set_intake_status(rules.intake.ACCEPTED)

	@frappe.whitelist()
	def decline(self, reason: str | None = None) -> str:
		if reason:
			self.decline_reason = reason
		return self.set_intake_status(rules.intake.DECLINED)

	@frappe.whitelist()
	def mark_not_eligible(self) -> str:
		return self.set_intake_status(rules.intake.NOT_ELIGIBLE)

	@frappe.whitelist()
	def rescreen(self) -> str:
		return self.set_intake_status(rules.intake.SCREENING)

	@frappe.whitelist()
	def enroll(self) -> str:
		return self.set_intake_status(rules.intake.ENROLLED)

	@frappe.whitelist()
	def extend_course(self, new_end_date: str | date | None, reason: str | None) -> date:
		"""Seed 004: a delayed course may be extended, with a reason, up to the programme's maximum."""
		self.check_permission("write")
		if not (reason or "").strip():
			frappe.throw(_("Give the reason for extending the course."), title=_("Reason required"))
		if not rules.course.course_running(self.status, self.course_termination) or not self.course_end_date:
			frappe.throw(_("Only a running course can be extended."))
		programme = self.get_programme()
		new_end = date_argument(new_end_date, "New End Date")
		start, end = getdate(self.course_start_date), getdate(self.course_end_date)
		problem = rules.course.extension_problem(start, end, new_end, programme.max_course_months)
		if problem == "not_later":
			frappe.throw(_("The new end date must be after the current end, {0}.").format(format_date(end)))
		if problem == "too_long":
			frappe.throw(
				_("A course can last at most {0} months in all: until {1}.").format(
					programme.max_course_months,
					format_date(rules.course.add_months(start, programme.max_course_months)),
				),
				title=_("Course too long"),
			)
		self.append(
			"course_extensions",
			{
				"previous_end_date": end,
				"new_end_date": new_end,
				"reason": reason.strip(),
				"extended_by": frappe.session.user,
			},
		)
		self.course_end_date, self.course_past_end = new_end, 0
		self.save()
		frappe.db.set_value("Budget Plan", {"participant": self.name}, "course_end_date", new_end)
		close_reminders(self.name, PAST_END_MARK)
		return self.course_end_date

	@frappe.whitelist()
	def reveal_cpr(self, reason: str | None) -> str:
		"""The clear CPR number, for a user with the CPR access role; every reveal is logged."""
		if not (reason or "").strip():
			frappe.throw(_("Give the reason for revealing the CPR number."), title=_("Reason required"))
		if not may_reveal_cpr():
			frappe.throw(_("You are not allowed to reveal CPR numbers."), frappe.PermissionError)
		self.check_permission("read")
		log = frappe.get_doc(
			{
				"doctype": "CPR Access Log",
				"participant": self.name,
				"user": frappe.session.user,
				"accessed_on": now_datetime(),
				"reason": reason.strip(),
			}
		)
		# The audit log is written by the system: users must not be able to create or edit it.
		log.insert(ignore_permissions=True)
		return participant_cpr.stored_cpr(self.name).formatted


# Marks the daily check's ToDo, so an extension can close it.
PAST_END_MARK = "[course-past-end]"


def flag_courses_past_end():
	"""Daily: courses past their end date are flagged, and the caseworker asked to extend or end them."""
	for participant in frappe.get_all(
		"Participant",
		filters={
			**RUNNING_COURSE,
			"course_past_end": 0,
			"course_end_date": ("<", getdate(today())),
		},
		fields=["name", "assigned_caseworker", "course_end_date", "programme"],
	):
		frappe.db.set_value("Participant", participant.name, "course_past_end", 1)
		limit = frappe.get_cached_value("Budget Programme", participant.programme, "max_course_months")
		remind_caseworker(
			participant,
			_("The course passed its end date, {0}: extend it (up to {1} months in all) or end it.").format(
				format_date(participant.course_end_date), limit
			),
			PAST_END_MARK,
		)


def remind_caseworker(participant, text, mark):
	"""A ToDo on the participant for their caseworker; `mark` lets the step that answers it close it."""
	from frappe.desk.form.assign_to import add

	if participant.assigned_caseworker:
		add(
			{
				"doctype": "Participant",
				"name": participant.name,
				"assign_to": [participant.assigned_caseworker],
				"description": f"{text} {mark}",
			}
		)


def close_reminders(participant, mark):
	for todo in frappe.get_all(
		"ToDo",
		filters={
			"reference_type": "Participant",
			"reference_name": participant,
			"status": "Open",
			"description": ("like", f"%{mark}%"),
		},
		pluck="name",
	):
		frappe.db.set_value("ToDo", todo, "status", "Closed")


def parse_cpr_or_throw(value: str) -> rules.cpr.Cpr:
	try:
		return rules.cpr.parse_cpr(value)
	except rules.cpr.CprError as e:
		if e.code == rules.cpr.CprError.DATE:
			frappe.throw(
				_("CPR number does not start with a real date (DDMMYY)."), title=_("Invalid CPR number")
			)
		frappe.throw(_("CPR number must have the form DDMMYY-SSSS."), title=_("Invalid CPR number"))


def describe_failure(failure: rules.intake.Failure) -> str:
	kind = failure.kind
	if kind == rules.intake.MIN_AGE:
		return _("Age is {0}; the programme requires at least {1}.").format(
			_unknown(failure.actual), failure.required
		)
	if kind == rules.intake.MAX_AGE:
		return _("Age is {0}; the programme allows at most {1}.").format(
			_unknown(failure.actual), failure.required
		)
	if kind == rules.intake.MIN_MONTHS_UNEMPLOYED:
		return _("Unemployed for {0} months; the programme requires at least {1}.").format(
			_unknown(failure.actual), failure.required
		)
	if kind == rules.intake.JOB_READY:
		return _("The citizen is not assessed as job-ready.")
	if kind == rules.intake.AVAILABLE:
		return _("The citizen is not available to the labour market.")
	if kind == rules.intake.BENEFIT_TYPE:
		return _("Benefit type is {0}; the programme requires {1}.").format(
			_unknown(failure.actual), comma_or(failure.required)
		)
	return _(kind)


def _unknown(value):
	return _("not recorded") if value in (None, "") else value


def on_doctype_update():
	frappe.db.add_index("Participant", ["assigned_caseworker"])
	frappe.db.add_index("Participant", ["caseworker_team"])


def places_taken(programme: str, excluding: str | None = None) -> frappe._dict:
	"""This year's capacity of a programme, the participants enrolled this year and the open
	offers (rules.intake.places_left weighs them)."""
	year = getdate(today()).year
	others = {"programme": programme, "name": ("!=", excluding or "")}
	return frappe._dict(
		year=year,
		capacity=frappe.db.get_value("Budget Programme", programme, "yearly_capacity") or 0,
		enrolled=frappe.db.count(
			"Participant",
			{
				**others,
				"status": rules.intake.ENROLLED,
				"enrolment_date": ("between", (f"{year}-01-01", f"{year}-12-31")),
			},
		),
		open_offers=frappe.db.count(
			"Participant", {**others, "status": ("in", (rules.intake.OFFERED, rules.intake.ACCEPTED))}
		),
	)
