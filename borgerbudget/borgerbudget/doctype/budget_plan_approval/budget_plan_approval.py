# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.model.document import Document
from frappe.utils import cint, format_date, getdate, now_datetime, strip_html, today

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.budget_plan.budget_plan import new_from_plan
from borgerbudget.borgerbudget.doctype.budget_programme.budget_programme import get_classification_rules

# What the assessing caseworker decides in the first state; fixed once the case is routed.
ASSESSMENT_FIELDS = (
	"difference_score",
	"difference_note",
	"ability_score",
	"ability_note",
	"coherence_score",
	"coherence_note",
	"classification",
	"override_reason",
)
COLLEAGUE_COMMENT = "Colleague comment"
TEAM_VOTE = "Team vote"


class BudgetPlanApproval(Document):
	@property
	def representatives_notified(self) -> bool:
		"""The citizen's notifications go out when representatives get them, citizen's e-mail or not."""
		from borgerbudget.representation import notice_emails

		return bool(notice_emails(self.participant))

	def before_insert(self):
		self.caseworker = (
			frappe.db.get_value(self.doctype, self.amended_from, "caseworker")
			if self.amended_from
			else frappe.session.user
		)
		# An amendment starts over; what the route and the decision set is never copied.
		for df in self.meta.fields:
			if df.no_copy and df.fieldname != "amended_from":
				self.set(df.fieldname, None)
		self.workflow_state = rules.approval.AWAITING_ASSESSMENT
		self.validate_new_assessment()

	def validate_new_assessment(self):
		# A locking read on the plan: two caseworkers opening an assessment at once get one.
		plan = frappe.db.get_value(
			"Budget Plan", self.budget_plan, ["status", "submission_count"], as_dict=True, for_update=True
		)
		if not plan:
			frappe.throw(_("Budget Plan {0} does not exist.").format(self.budget_plan))
		self.submission_no = plan.submission_count
		if self.amendment:
			amendment = frappe.db.get_value(
				"Budget Plan Amendment", self.amendment, ["budget_plan", "status"], as_dict=True
			)
			if (
				not amendment
				or amendment.budget_plan != self.budget_plan
				or amendment.status != rules.approval.AWAITING_ASSESSMENT
			):
				frappe.throw(
					_("Only a change waiting for assessment can be assessed; {0} is {1}.").format(
						self.amendment, _(amendment.status if amendment else "")
					),
					title=_("Not submitted"),
				)
			same = {"amendment": self.amendment}
		elif plan.status != rules.plan.SUBMITTED:
			frappe.throw(
				_("Only a plan submitted for assessment can be assessed; {0} is {1}.").format(
					self.budget_plan, _(plan.status)
				),
				title=_("Not submitted"),
			)
		else:
			same = {"submission_no": plan.submission_count, "amendment": ("is", "not set")}
		existing = frappe.db.get_value(
			self.doctype, {"budget_plan": self.budget_plan, "docstatus": ("<", 2), **same}
		)
		if existing:
			frappe.throw(
				_("This submission of the plan is already assessed in {0}.").format(
					frappe.utils.get_link_to_form(self.doctype, existing)
				),
				frappe.DuplicateEntryError,
				title=_("Already assessed"),
			)

	def after_insert(self):
		if self.amendment:
			frappe.get_doc("Budget Plan Amendment", self.amendment).db_set("approval", self.name)

	def validate(self):
		self.set_from_plan()
		self.check_editor()
		self.validate_assessment_fixed()
		self.set_suggestion()
		self.validate_colleagues()
		self.set_course_end_date()
		self.validate_transition()

	def set_from_plan(self):
		plan = frappe.db.get_value(
			"Budget Plan", self.budget_plan, ["participant", "participant_name", "programme"], as_dict=True
		)
		participant = frappe.db.get_value(
			"Participant", plan.participant, ["caseworker_team", "email", "user"], as_dict=True
		)
		self.participant = plan.participant
		self.participant_name = plan.participant_name
		self.programme = plan.programme
		self.caseworker_team = participant.caseworker_team
		self.citizen_email = participant.email or participant.user
		programme = self.get_programme()
		self.course_start_date = self.course_start_date or today()
		self.course_months = self.course_months or programme.course_months
		self.follow_up_frequency = self.follow_up_frequency or programme.default_follow_up_frequency

	def get_programme(self):
		return frappe.get_cached_doc("Budget Programme", self.programme)

	def get_previous_state(self):
		previous = self.get_doc_before_save()
		return previous.workflow_state if previous else rules.approval.AWAITING_ASSESSMENT

	def check_editor(self):
		"""Only the person responsible for the state the approval waits in may change it."""
		if self.is_new():
			return
		state = self.get_previous_state()
		responsible = rules.approval.RESPONSIBLE.get(state)
		if responsible and self.is_responsible(responsible, frappe.session.user):
			return
		if responsible == rules.approval.TEAM_LEAD:
			message = _("While the team decides, only the lead of team {0} can change the approval.").format(
				self.caseworker_team
			)
			if frappe.session.user == self.caseworker:
				message = _(
					"You assessed this plan, so the team decides it without you: you cannot record the team's decision."
				)
		else:
			message = _("Only the assessing caseworker {0} can change the approval while it is {1}.").format(
				self.caseworker, _(state)
			)
		frappe.throw(message, frappe.PermissionError, title=_("Not permitted"))

	def is_responsible(self, responsible, user):
		if responsible == rules.approval.CASEWORKER:
			return user == self.caseworker
		return user != self.caseworker and user == self.get_team_lead()

	def get_team_lead(self):
		return (
			frappe.db.get_value("Caseworker Team", self.caseworker_team, "team_lead")
			if self.caseworker_team
			else None
		)

	def validate_assessment_fixed(self):
		previous = self.get_doc_before_save()
		if not previous or previous.workflow_state == rules.approval.AWAITING_ASSESSMENT:
			return
		if any((previous.get(f) or "") != (self.get(f) or "") for f in ASSESSMENT_FIELDS):
			frappe.throw(
				_("The assessment is fixed once the case has been routed; cancel and amend to correct it."),
				title=_("Assessment locked"),
			)

	def get_scores(self):
		return {criterion: self.get(f"{criterion}_score") for criterion in rules.approval.CRITERIA}

	def set_suggestion(self):
		self.suggested_classification = (
			rules.approval.suggest_classification(self.get_scores(), get_classification_rules(self.programme))
			or ""
		)

	def validate_colleagues(self):
		members = self.get_team_users()
		for row in self.colleagues:
			if row.user == self.caseworker or row.user not in members:
				frappe.throw(
					_("Row {0}: ask colleagues from team {1} other than yourself.").format(
						row.idx, self.caseworker_team or _("(none)")
					),
					title=_("Not a colleague"),
				)

	def get_team_users(self):
		"""The members and the lead of the case's team."""
		if not self.caseworker_team:
			return []
		team = frappe.get_cached_doc("Caseworker Team", self.caseworker_team)
		users = [row.user for row in team.members]
		if team.team_lead and team.team_lead not in users:
			users.append(team.team_lead)
		return users

	def set_course_end_date(self):
		if self.course_start_date and cint(self.course_months) > 0:
			self.course_end_date = rules.course.add_months(
				getdate(self.course_start_date), cint(self.course_months)
			)

	def validate_transition(self):
		current = self.get_previous_state()
		new = self.workflow_state or current
		self.workflow_state = new
		# A decision state and a submitted approval go together. (Frappe moves a directly submitted
		# approval to the first submitted state only after this check, so it must not get that far.)
		if self.docstatus.is_submitted() and new not in rules.approval.DECISIONS:
			frappe.throw(
				_("The approval is {0}: decide with one of its actions, not by submitting it.").format(
					_(new)
				),
				title=_("Invalid status change"),
			)
		if new in rules.approval.DECISIONS and not self.docstatus.is_submitted():
			frappe.throw(
				_("A decision is recorded by submitting the approval."), title=_("Invalid status change")
			)
		if new == current:
			return
		if current == rules.approval.AWAITING_TEAM:
			self.count_team_votes()
		problems = rules.approval.transition_problems(current, new, self.get_facts(current))
		if problems:
			frappe.throw(
				"<br>".join(self.describe_problem(code, current, new) for code in problems),
				title=_("The approval cannot move on"),
			)
		self.enter_state(current, new)

	def get_facts(self, current):
		programme = self.get_programme()
		in_course = None
		if self.first_follow_up_date:
			in_course = (
				getdate(self.course_start_date)
				<= getdate(self.first_follow_up_date)
				<= getdate(self.course_end_date or self.course_start_date)
			)
		return rules.approval.ApprovalFacts(
			scores=self.get_scores(),
			notes={criterion: self.get(f"{criterion}_note") for criterion in rules.approval.CRITERIA},
			suggested=self.suggested_classification or None,
			classification=self.classification or None,
			override_reason=self.override_reason or "",
			colleagues=len(self.colleagues),
			colleague_answers=len(self.get_votes(COLLEAGUE_COMMENT))
			if current == rules.approval.AWAITING_COMMENTS
			else 0,
			team=self._team_vote if current == rules.approval.AWAITING_TEAM else None,
			meeting_recorded=bool(self.meeting_date and strip_html(self.minutes or "").strip()),
			decision_reason=self.decision_reason or "",
			course_months=cint(self.course_months),
			min_course_months=cint(programme.min_course_months),
			max_course_months=cint(programme.max_course_months),
			follow_up_frequency=self.follow_up_frequency or "",
			first_follow_up_in_course=in_course,
			amendment=bool(self.amendment),
		)

	def get_votes(self, kind, lock=False):
		"""{voter: vote}. With `lock`, a locking read that sees votes committed while this request ran."""
		votes = frappe.qb.DocType("Approval Vote")
		query = (
			frappe.qb.from_(votes)
			.select(votes.voter, votes.vote)
			.where((votes.approval == self.name) & (votes.kind == kind))
		)
		if lock:
			query = query.for_update()
		return {row.voter: row.vote for row in query.run(as_dict=True)}

	def count_team_votes(self):
		"""Tally the team's votes under lock and record it on the approval. Voting is taking part."""
		votes = self.get_votes(TEAM_VOTE, lock=True)
		votes.pop(self.caseworker, None)
		for row in self.team_members:
			if row.user in votes:
				row.took_part = 1
		attendees = {row.user for row in self.team_members if row.took_part and row.user != self.caseworker}
		counted = [vote for voter, vote in votes.items() if voter in attendees]
		programme = self.get_programme()
		self._team_vote = rules.approval.TeamVote(
			took_part=len(attendees),
			votes_for=counted.count(rules.approval.FOR),
			votes_against=counted.count(rules.approval.AGAINST),
			abstentions=counted.count(rules.approval.ABSTAIN),
			not_voted=len(attendees - set(votes)),
			quorum=cint(programme.team_quorum),
			majority_percent=programme.team_majority_percent,
		)
		self.votes_for = self._team_vote.votes_for
		self.votes_against = self._team_vote.votes_against
		self.abstentions = self._team_vote.abstentions
		self.quorum = self._team_vote.quorum
		self.majority_percent = self._team_vote.majority_percent

	def enter_state(self, current, new):
		if new == rules.approval.AWAITING_COMMENTS:
			self.final_classification = rules.approval.YELLOW
		elif new == rules.approval.AWAITING_TEAM:
			self.final_classification = rules.approval.RED
			if not self.team_members:
				for user in self.get_team_users():
					self.append("team_members", {"user": user})
		elif new == rules.approval.PLAN_APPROVED and current != rules.approval.AWAITING_TEAM:
			self.final_classification = rules.approval.GREEN
		else:
			self.final_classification = self.final_classification or self.classification
		if new in rules.approval.DECISIONS:
			self.decision = rules.approval.DECISIONS[new]
			self.decided_by = frappe.session.user
			self.decided_on = now_datetime()

	def describe_problem(self, code, current, new):
		programme = self.get_programme()
		if code.startswith(("score:", "note:")):
			kind, criterion = code.split(":")
			label = _(self.meta.get_label(f"{criterion}_score"))
			return (
				_("Score criterion {0}.") if kind == "score" else _("Write a note on criterion {0}.")
			).format(frappe.bold(label))
		messages = {
			"order": lambda: _("An approval cannot move from {0} to {1}.").format(_(current), _(new)),
			"override_reason": lambda: _(
				"You chose {0} where the scores suggest {1}: give the reason for overriding the suggestion."
			).format(_(self.classification), _(self.suggested_classification)),
			"classification": lambda: _(
				"{0} is the route for a {1} case; this case is classified {2}."
			).format(_(new), _(rules.approval.ROUTE_COLOUR[new]), _(self.classification or _("not yet"))),
			"colleagues": lambda: _("Choose at least one colleague to ask for comments."),
			"colleague_answers": lambda: _(
				"Wait for at least one colleague's comment before you re-classify the case."
			),
			"meeting": lambda: _("Record the team meeting: its date and the minutes."),
			"quorum": lambda: _(
				"The team decision needs at least {0} members taking part; {1} took part."
			).format(cint(programme.team_quorum), self._team_vote.took_part if self._team_vote else 0),
			"votes_missing": lambda: _("Record the vote of every member who took part ({0} missing).").format(
				self._team_vote.not_voted
			),
			"majority": lambda: _(
				"Approval needs more than {0}% of the votes for or against: {1} for, {2} against."
			).format(
				programme.team_majority_percent, self._team_vote.votes_for, self._team_vote.votes_against
			),
			"majority_for": lambda: _(
				"The team voted to approve ({0} for, {1} against); it cannot reject the plan."
			).format(self._team_vote.votes_for, self._team_vote.votes_against),
			"decision_reason": lambda: _("Give the reason and your comments for the citizen."),
			"course_months": lambda: _("The course length must be {0} to {1} months.").format(
				programme.min_course_months, programme.max_course_months
			),
			"follow_up_frequency": lambda: _("Choose the agreed contact frequency for the follow-up."),
			"first_follow_up": lambda: _("Set the date of the first follow-up."),
			"first_follow_up_outside": lambda: _(
				"The first follow-up must fall within the course, {0} – {1}."
			).format(format_date(self.course_start_date), format_date(self.course_end_date)),
		}
		return messages[code]()

	def on_update(self):
		previous = self.get_doc_before_save()
		if not previous or previous.workflow_state == self.workflow_state:
			return
		if self.workflow_state == rules.approval.AWAITING_COMMENTS:
			self.assign([row.user for row in self.colleagues], _("Comment on the plan of {0} (yellow case)"))
		elif self.workflow_state == rules.approval.AWAITING_TEAM:
			assign_to.close_all_assignments(self.doctype, self.name)
			self.assign([self.get_team_lead()], _("Record the team's decision on the plan of {0} (red case)"))
		self.add_plan_comment()

	def assign(self, users, description):
		users = [user for user in users if user]
		if users:
			assign_to.add(
				{
					"assign_to": users,
					"doctype": self.doctype,
					"name": self.name,
					"description": description.format(self.participant_name),
				}
			)

	def on_submit(self):
		assign_to.close_all_assignments(self.doctype, self.name)
		if self.amendment:
			# Only the changed lines were assessed; the course runs on as approved.
			frappe.get_doc("Budget Plan Amendment", self.amendment).decide(self.decision, self)
			return
		if self.decision == rules.plan.APPROVED:
			self.start_course()
		self.update_plan()
		self.add_plan_comment()

	def start_course(self):
		participant = frappe.get_doc("Participant", self.participant)
		participant.course_start_date = self.course_start_date
		participant.course_end_date = self.course_end_date
		participant.follow_up_frequency = self.follow_up_frequency
		participant.next_follow_up_date = self.first_follow_up_date
		participant.save()

	def update_plan(self):
		plan = frappe.get_doc("Budget Plan", self.budget_plan)
		plan.status = self.decision if self.docstatus.is_submitted() else rules.plan.SUBMITTED
		if self.docstatus.is_submitted() and (self.decision_reason or "").strip():
			plan.comment_for_citizen = self.decision_reason.strip()
		plan.save()

	def on_cancel(self):
		if self.amendment:
			frappe.get_doc("Budget Plan Amendment", self.amendment).reopen()
			return
		self.update_plan()
		self.add_plan_comment()

	def add_plan_comment(self):
		"""Who decided what, and when, on the plan's timeline."""
		link = frappe.utils.get_link_to_form(self.doctype, self.name)
		if self.docstatus.is_cancelled():
			text = _("{0} was cancelled; the plan awaits a new assessment.").format(link)
		elif self.decision:
			text = _("{0}: {1} ({2} case).").format(
				link, _(self.decision), _(self.final_classification or "")
			)
		else:
			text = _("{0}: {1} ({2} case).").format(
				link, _(self.workflow_state), _(self.final_classification or "")
			)
		frappe.get_doc("Budget Plan", self.budget_plan).add_comment("Info", text)

	def onload(self):
		votes = self.get_vote_summary()
		self.set_onload("votes", votes)
		self.set_onload("team_users", self.get_team_users())
		self.set_onload("next_step", self.get_next_step(votes))
		self.set_onload("ballot", self.get_ballot(votes))

	def get_next_step(self, votes):
		"""What happens next and who does it, for the form's intro."""
		if self.docstatus == 2:
			return _("Cancelled. Amend it to correct the assessment.")
		if self.docstatus == 1:
			return _("Decision: {0} by {1} on {2}.").format(
				_(self.decision), frappe.utils.get_fullname(self.decided_by), format_date(self.decided_on)
			)
		state = self.workflow_state
		if state == rules.approval.AWAITING_ASSESSMENT:
			suggestion = (
				_("The scores suggest {0}.").format(_(self.suggested_classification))
				if self.suggested_classification
				else _("Score all three criteria to get a suggested classification.")
			)
			return (
				suggestion
				+ " "
				+ _(
					"Green: approve under Actions. Yellow: choose colleagues, then Ask Colleagues. Red: Refer to Team. Or Return to Citizen with your comments."
				)
			)
		if state == rules.approval.AWAITING_COMMENTS:
			answered = sum(1 for vote in votes if vote.kind == COLLEAGUE_COMMENT)
			return _(
				"Waiting for comments: {0} of {1} colleagues have answered. Then approve the plan (green) or refer it to the team (red)."
			).format(answered, len(self.colleagues))
		if state == rules.approval.AWAITING_TEAM:
			return _(
				"The team decides. {0} records the meeting date, who took part and the minutes; every member who took part votes. Quorum: {1}."
			).format(
				frappe.utils.get_fullname(self.get_team_lead()), self.quorum or _("set by the programme")
			)
		return ""

	def get_ballot(self, votes):
		"""How the session user may vote now, for the form's buttons (Approval Vote checks each vote)."""
		user = frappe.session.user
		if self.docstatus != 0 or user == self.caseworker:
			return None
		state = self.workflow_state
		asked = state == rules.approval.AWAITING_COMMENTS and user in {row.user for row in self.colleagues}
		member = state == rules.approval.AWAITING_TEAM and user in {row.user for row in self.team_members}
		for_members = state == rules.approval.AWAITING_TEAM and self.is_responsible(
			rules.approval.TEAM_LEAD, user
		)
		if not (asked or member or for_members):
			return None
		return {
			"vote": asked or member,
			"comment_required": asked,
			"for_members": for_members,
			"mine": next((vote for vote in votes if vote.voter == user), None),
			"options": [{"value": vote, "label": _(vote)} for vote in rules.approval.VOTES],
			"members": [
				{"value": row.user, "label": row.full_name or row.user}
				for row in self.team_members
				if row.user != self.caseworker
			],
		}

	def get_vote_summary(self):
		if self.is_new():
			return []
		return frappe.get_all(
			"Approval Vote",
			filters={"approval": self.name},
			fields=["voter", "voter_name", "kind", "vote", "comment", "recorded_by", "creation"],
			order_by="creation",
		)


@frappe.whitelist()
def make_approval(source_name: str) -> Document:
	"""An unsaved assessment of a submitted plan, for the caseworker to fill in and save. Permission:
	new_from_plan refuses a user who may not read the plan or create an approval."""
	doc, _plan = new_from_plan("Budget Plan Approval", source_name, _("You are not allowed to assess plans."))
	doc.set_from_plan()
	return doc


def on_doctype_update():
	frappe.db.add_index("Budget Plan Approval", ["budget_plan", "submission_no"])
