# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import comma_or, format_date, getdate, now_datetime, today

from borgerbudget import cpr_vault, rules
from borgerbudget.borgerbudget.doctype.budget_programme.budget_programme import get_criteria

# Roles that see every participant; everybody else sees the ones assigned to them or their team.
ROLES_SEEING_ALL = {"System Manager", "Borgerbudget Admin", "Borgerbudget Finance", "Borgerbudget Auditor"}


class Participant(Document):
	def before_insert(self):
		# The caseworker web form inserts with ignore_permissions, so creation is checked here.
		if not frappe.has_permission(self.doctype, "create", doc=self):
			frappe.throw(_("You are not allowed to register participants."), frappe.PermissionError)

	def validate(self):
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
		# The clear number lives only in this request: it is never stored or versioned.
		self.cpr_number = None
		if entered:
			cpr = parse_cpr_or_throw(entered)
			self.cpr_encrypted = cpr_vault.encrypt(cpr.digits)
			self.cpr_hash = cpr_vault.keyed_hash(cpr.digits)
		elif self.cpr_encrypted:
			cpr = rules.parse_cpr(cpr_vault.decrypt(self.cpr_encrypted))
		else:
			frappe.throw(_("CPR number is required."), title=_("Missing CPR number"))
		# Derived on every save, so a form that sends these fields back cannot change them.
		self.cpr_masked = cpr.masked
		self.birth_date = cpr.birth_date
		self.validate_unique_cpr()

	def validate_unique_cpr(self):
		# A friendly message; the unique key (see on_doctype_update) holds under concurrent inserts.
		duplicate = frappe.db.exists(
			"Participant", {"programme": self.programme, "cpr_hash": self.cpr_hash, "name": ("!=", self.name)}
		)
		if duplicate:
			frappe.throw(
				_("A participant with this CPR number is already registered in programme {0}.").format(
					frappe.bold(self.programme)
				),
				frappe.UniqueValidationError,
				title=_("Duplicate participant"),
			)

	def set_eligibility(self):
		screening_date = getdate(self.screening_date or today())
		self.age = rules.age_on(getdate(self.birth_date), screening_date) if self.birth_date else None
		facts = rules.ScreeningFacts(
			age=self.age,
			months_unemployed=self.months_unemployed,
			job_ready=bool(self.job_ready),
			benefit_type=self.benefit_type,
			available=bool(self.available_to_labour_market),
		)
		failures = rules.evaluate_eligibility(get_criteria(self.programme), facts)
		self.eligible = 0 if failures else 1
		self.eligibility_result = "\n".join(describe_failure(f) for f in failures) or _("All criteria met")

	def validate_intake_status(self):
		previous = self.get_doc_before_save()
		old_status = previous.status if previous else rules.SCREENING
		# Web forms send read-only fields back empty; an empty status means "unchanged".
		self.status = self.status or old_status
		if self.is_new() and self.status != rules.SCREENING:
			frappe.throw(_("A new participant starts in Screening."), title=_("Invalid status"))
		if not rules.can_move(old_status, self.status):
			frappe.throw(
				_("A participant cannot move from {0} to {1}.").format(_(old_status), _(self.status)),
				title=_("Invalid status change"),
			)
		if old_status != self.status:
			{
				rules.SCREENING: self.enter_screening,
				rules.OFFERED: self.enter_offered,
				rules.ACCEPTED: self.enter_accepted,
				rules.DECLINED: self.enter_declined,
				rules.NOT_ELIGIBLE: lambda: None,
				rules.ENROLLED: self.enter_enrolled,
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
		self.decision_deadline = rules.decision_deadline(self.offer_date, programme.days_to_decide)
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
		self.plan_deadline = rules.plan_deadline(self.enrolment_date, programme.weeks_to_write_plan)
		# The expected course period; the approval of the plan sets it again.
		self.course_start_date = self.enrolment_date
		self.course_end_date = rules.add_months(self.enrolment_date, programme.course_months)

	def on_update(self):
		previous = self.get_doc_before_save()
		if self.status == rules.ENROLLED and previous and previous.status != rules.ENROLLED:
			self.create_budget_plan()

	def create_budget_plan(self):
		"""The empty plan the citizen writes in the portal."""
		if not frappe.db.exists("Budget Plan", {"participant": self.name}):
			frappe.get_doc({"doctype": "Budget Plan", "participant": self.name}).insert()

	def validate_capacity(self, programme):
		# The programme row lock makes concurrent enrolments count one another.
		frappe.db.get_value("Budget Programme", programme.name, "name", for_update=True)
		year = self.enrolment_date.year
		enrolled = frappe.db.count(
			"Participant",
			{
				"programme": programme.name,
				"status": rules.ENROLLED,
				"enrolment_date": ("between", (f"{year}-01-01", f"{year}-12-31")),
				"name": ("!=", self.name),
			},
		)
		if enrolled >= programme.yearly_capacity:
			frappe.throw(
				_("Programme {0} has no capacity left in {1}: {2} of {3} places are taken.").format(
					frappe.bold(programme.name), year, enrolled, programme.yearly_capacity
				),
				title=_("Capacity reached"),
			)

	def get_programme(self):
		return frappe.get_cached_doc("Budget Programme", self.programme)

	def set_intake_status(self, status):
		self.status = status
		self.save()
		return self.status

	@frappe.whitelist()
	def offer(self):
		return self.set_intake_status(rules.OFFERED)

	@frappe.whitelist()
	def accept(self):
		return self.set_intake_status(rules.ACCEPTED)

	@frappe.whitelist()
	def decline(self, reason=None):
		if reason:
			self.decline_reason = reason
		return self.set_intake_status(rules.DECLINED)

	@frappe.whitelist()
	def mark_not_eligible(self):
		return self.set_intake_status(rules.NOT_ELIGIBLE)

	@frappe.whitelist()
	def rescreen(self):
		return self.set_intake_status(rules.SCREENING)

	@frappe.whitelist()
	def enroll(self):
		return self.set_intake_status(rules.ENROLLED)

	@frappe.whitelist()
	def extend_course(self, new_end_date, reason):
		"""Seed 004: a delayed course may be extended, with a reason, up to the programme's maximum."""
		self.check_permission("write")
		if not (reason or "").strip():
			frappe.throw(_("Give the reason for extending the course."), title=_("Reason required"))
		if self.status != rules.ENROLLED or self.course_termination or not self.course_end_date:
			frappe.throw(_("Only a running course can be extended."))
		programme = self.get_programme()
		start, end, new_end = getdate(self.course_start_date), getdate(self.course_end_date), getdate(new_end_date)
		problem = rules.extension_problem(start, end, new_end, programme.max_course_months)
		if problem == "not_later":
			frappe.throw(_("The new end date must be after the current end, {0}.").format(format_date(end)))
		if problem == "too_long":
			frappe.throw(
				_("A course can last at most {0} months in all: until {1}.").format(
					programme.max_course_months, format_date(rules.add_months(start, programme.max_course_months))
				),
				title=_("Course too long"),
			)
		self.append(
			"course_extensions",
			{"previous_end_date": end, "new_end_date": new_end, "reason": reason.strip(), "extended_by": frappe.session.user},
		)
		self.course_end_date, self.course_past_end = new_end, 0
		self.save()
		frappe.db.set_value("Budget Plan", {"participant": self.name}, "course_end_date", new_end)
		close_reminders(self.name, PAST_END_MARK)
		return self.course_end_date

	@frappe.whitelist()
	def reveal_cpr(self, reason):
		"""The clear CPR number, for a user with the CPR access role; every reveal is logged."""
		if not (reason or "").strip():
			frappe.throw(_("Give the reason for revealing the CPR number."), title=_("Reason required"))
		if "Borgerbudget CPR Access" not in frappe.get_roles():
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
		encrypted = frappe.db.get_value("Participant", self.name, "cpr_encrypted")
		return rules.parse_cpr(cpr_vault.decrypt(encrypted)).formatted


# Marks the daily check's ToDo, so an extension can close it.
PAST_END_MARK = "[course-past-end]"


def flag_courses_past_end():
	"""Daily: courses past their end date are flagged, and the caseworker asked to extend or end them."""
	for participant in frappe.get_all(
		"Participant",
		filters={
			"status": rules.ENROLLED,
			"course_termination": ("is", "not set"),
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


def parse_cpr_or_throw(value: str) -> rules.Cpr:
	try:
		return rules.parse_cpr(value)
	except rules.CprError as e:
		if e.code == rules.CprError.DATE:
			frappe.throw(
				_("CPR number does not start with a real date (DDMMYY)."), title=_("Invalid CPR number")
			)
		frappe.throw(_("CPR number must have the form DDMMYY-SSSS."), title=_("Invalid CPR number"))


def describe_failure(failure: rules.Failure) -> str:
	kind = failure.kind
	if kind == rules.MIN_AGE:
		return _("Age is {0}; the programme requires at least {1}.").format(
			_unknown(failure.actual), failure.required
		)
	if kind == rules.MAX_AGE:
		return _("Age is {0}; the programme allows at most {1}.").format(
			_unknown(failure.actual), failure.required
		)
	if kind == rules.MIN_MONTHS_UNEMPLOYED:
		return _("Unemployed for {0} months; the programme requires at least {1}.").format(
			_unknown(failure.actual), failure.required
		)
	if kind == rules.JOB_READY:
		return _("The citizen is not assessed as job-ready.")
	if kind == rules.AVAILABLE:
		return _("The citizen is not available to the labour market.")
	if kind == rules.BENEFIT_TYPE:
		return _("Benefit type is {0}; the programme requires {1}.").format(
			_unknown(failure.actual), comma_or(failure.required)
		)
	return _(kind)


def _unknown(value):
	return _("not recorded") if value in (None, "") else value


def on_doctype_update():
	frappe.db.add_unique("Participant", ["programme", "cpr_hash"], constraint_name="unique_cpr_per_programme")
	frappe.db.add_index("Participant", ["cpr_hash"])
	frappe.db.add_index("Participant", ["assigned_caseworker"])
	frappe.db.add_index("Participant", ["caseworker_team"])


def sees_all_participants(user: str) -> bool:
	return user == "Administrator" or bool(ROLES_SEEING_ALL.intersection(frappe.get_roles(user)))


def get_caseworker_teams(user: str, as_member=False) -> list[str]:
	"""The teams `user` belongs to, and unless `as_member`, also the teams they lead."""
	teams = set(frappe.get_all("Caseworker Team Member", filters={"user": user}, pluck="parent"))
	if not as_member:
		teams.update(frappe.get_all("Caseworker Team", filters={"team_lead": user}, pluck="name"))
	return sorted(teams)


def get_permission_query_conditions(user=None, doctype=None):
	user = user or frappe.session.user
	if sees_all_participants(user):
		return ""
	escaped = frappe.db.escape(user)
	# Citizens match only their own record; their role decides what they may do with it.
	conditions = [
		f"`tabParticipant`.`assigned_caseworker` = {escaped}",
		f"`tabParticipant`.`user` = {escaped}",
	]
	teams = get_caseworker_teams(user)
	if teams:
		team_list = ", ".join(frappe.db.escape(team) for team in teams)
		conditions.append(f"`tabParticipant`.`caseworker_team` in ({team_list})")
	return "(" + " or ".join(conditions) + ")"


def visible_participant_condition(column: str, user=None) -> str:
	"""A query condition on `column` (a participant link) for the rows whose participant `user` may see."""
	participants = get_permission_query_conditions(user)
	if not participants:
		return ""
	return f"{column} in (select `tabParticipant`.`name` from `tabParticipant` where {participants})"


def is_visible_to(participant, user: str) -> bool:
	"""`participant` is a document or a dict with assigned_caseworker, caseworker_team and user."""
	if sees_all_participants(user):
		return True
	if user in (participant.get("assigned_caseworker"), participant.get("user")):
		return True
	team = participant.get("caseworker_team")
	return bool(team) and team in get_caseworker_teams(user)


def can_see_participant(name: str, user: str) -> bool:
	participant = frappe.db.get_value(
		"Participant", name, ["assigned_caseworker", "caseworker_team", "user"], as_dict=True
	)
	return bool(participant) and is_visible_to(participant, user)


def has_permission(doc, ptype=None, user=None, debug=False):
	return is_visible_to(doc, user or frappe.session.user)


# The plan, its assessments, changes, payouts, follow-ups and termination all belong to a participant,
# and anyone may see them who may see that participant (hooks.py maps these doctypes here).
def get_document_conditions(user=None, doctype=None):
	return visible_participant_condition(f"`tab{doctype}`.`participant`", user)


def has_document_permission(doc, ptype=None, user=None, debug=False):
	participant = doc.get("participant")
	if not participant and doc.get("budget_plan"):
		participant = frappe.db.get_value("Budget Plan", doc.budget_plan, "participant")
	return can_see_participant(participant, user or frappe.session.user)
