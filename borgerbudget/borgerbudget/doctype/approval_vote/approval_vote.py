# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.model.document import Document

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.budget_plan_approval import budget_plan_approval

KIND_OF_STATE = {
	rules.approval.AWAITING_COMMENTS: budget_plan_approval.COLLEAGUE_COMMENT,
	rules.approval.AWAITING_TEAM: budget_plan_approval.TEAM_VOTE,
}


class ApprovalVote(Document):
	"""A colleague's comment on a yellow case, or a team member's vote on a red one."""

	def before_insert(self):
		self.voter = self.voter or frappe.session.user
		self.recorded_by = frappe.session.user

	def validate(self):
		approval = self.lock_open_approval()
		previous = self.get_doc_before_save()
		if previous and frappe.session.user not in (previous.voter, previous.recorded_by):
			frappe.throw(_("Only the voter can change a vote."), frappe.PermissionError)
		self.kind = KIND_OF_STATE[approval.workflow_state]
		self.validate_voter(approval)
		if self.kind == budget_plan_approval.COLLEAGUE_COMMENT and not (self.comment or "").strip():
			frappe.throw(_("Write your comment on the plan."), title=_("Comment required"))

	def lock_open_approval(self):
		# A locking read: votes and the decision are serialised on the approval's row, so a
		# vote is either counted by the decision or refused because the case is decided.
		approval = frappe.db.get_value(
			"Budget Plan Approval",
			self.approval,
			["name", "docstatus", "workflow_state", "caseworker", "caseworker_team"],
			as_dict=True,
			for_update=True,
		)
		if not approval:
			frappe.throw(_("Approval {0} does not exist.").format(self.approval))
		if approval.docstatus != 0 or approval.workflow_state not in KIND_OF_STATE:
			frappe.throw(
				_("Approval {0} is not asking for comments or votes; it is {1}.").format(
					self.approval, _(approval.workflow_state)
				),
				title=_("Voting closed"),
			)
		return approval

	def validate_voter(self, approval):
		doc = frappe.get_doc("Budget Plan Approval", approval.name)
		user = frappe.session.user
		if self.kind == budget_plan_approval.COLLEAGUE_COMMENT:
			asked = {row.user for row in doc.colleagues}
			if self.voter != user or self.voter not in asked:
				frappe.throw(
					_("Only the colleagues asked for comments can comment on this case."),
					frappe.PermissionError,
				)
			return
		if self.voter == approval.caseworker:
			frappe.throw(
				_("You assessed this plan, so the team decides it without your vote."), frappe.PermissionError
			)
		if self.voter not in doc.get_team_users():
			frappe.throw(
				_("{0} is not a member of team {1}.").format(self.voter, approval.caseworker_team),
				frappe.PermissionError,
			)
		if self.voter != user and not doc.is_responsible(rules.approval.TEAM_LEAD, user):
			frappe.throw(_("Only the team lead can record another member's vote."), frappe.PermissionError)

	def after_insert(self):
		todo = frappe.db.get_value(
			"ToDo",
			{
				"reference_type": "Budget Plan Approval",
				"reference_name": self.approval,
				"allocated_to": self.voter,
				"status": "Open",
			},
		)
		if todo and self.voter == frappe.session.user:
			assign_to.set_status(
				"Budget Plan Approval", self.approval, todo=todo, assign_to=self.voter, status="Closed"
			)


@frappe.whitelist()
def cast_vote(approval: str, vote: str, comment: str | None = None, voter: str | None = None) -> str:
	"""Record or change the session user's vote (or, for the team lead, a member's) on an approval."""
	voter = voter or frappe.session.user
	existing = frappe.db.get_value("Approval Vote", {"approval": approval, "voter": voter})
	doc = frappe.get_doc("Approval Vote", existing) if existing else frappe.new_doc("Approval Vote")
	doc.update({"approval": approval, "voter": voter, "vote": vote, "comment": comment})
	if existing:
		doc.check_permission("write")
		doc.save()
	else:
		doc.insert()
	return doc.name


def on_doctype_update():
	frappe.db.add_unique("Approval Vote", ["approval", "voter"], constraint_name="unique_vote_per_approval")
