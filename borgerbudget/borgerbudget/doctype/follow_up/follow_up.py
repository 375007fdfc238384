# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A follow-up conversation (seed 004): what the citizen reports, progress on each goal, whether
each approved line's theory of change held, and, where the programme includes them, the citizen's quality-of-life scores."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import format_date, getdate, today

from borgerbudget import accounting, rules
from borgerbudget.borgerbudget.doctype.participant.participant import (
	RUNNING_COURSE,
	close_reminders,
	remind_caseworker,
)


class Followup(Document):
	def before_insert(self):
		self.caseworker = frappe.session.user
		self.prefill()

	def validate(self):
		participant = frappe.db.get_value(
			"Participant",
			self.participant,
			["full_name", "programme", "status", "follow_up_frequency"],
			as_dict=True,
		)
		plan = frappe.db.get_value(
			"Budget Plan", {"participant": self.participant}, ["name", "status"], as_dict=True
		)
		if participant.status != rules.intake.ENROLLED or not plan or plan.status != rules.plan.APPROVED:
			frappe.throw(_("Follow-up starts when the plan is approved and the course has begun."))
		self.participant_name, self.programme = participant.full_name, participant.programme
		self.method, self.quality_of_life_scores = frappe.get_cached_value(
			"Budget Programme", participant.programme, ["method", "quality_of_life_scores"]
		)
		self.budget_plan = plan.name
		if getdate(self.follow_up_date) > getdate(today()):
			frappe.throw(
				_("A follow-up is recorded when it has taken place; it cannot be dated in the future.")
			)
		self.next_follow_up_date = self.next_follow_up_date or rules.course.next_follow_up(
			getdate(self.follow_up_date), participant.follow_up_frequency
		)
		if getdate(self.next_follow_up_date) <= getdate(self.follow_up_date):
			frappe.throw(_("The next follow-up must be after this one."))

	def on_update(self):
		# The latest follow-up sets the participant's next date.
		latest = frappe.get_all(
			"Follow-up",
			filters={"participant": self.participant},
			fields=["next_follow_up_date"],
			order_by="follow_up_date desc, creation desc",
			limit=1,
		)
		frappe.db.set_value(
			"Participant",
			self.participant,
			{"next_follow_up_date": latest[0].next_follow_up_date, "follow_up_overdue": 0},
		)
		close_reminders(self.participant, OVERDUE_MARK)
		self.update_line_verdicts()

	def on_trash(self):
		self.update_line_verdicts(without=self.name)

	def update_line_verdicts(self, without=None):
		previous = self.get_doc_before_save()
		lines = {row.budget_line for row in self.lines} | {
			row.budget_line for row in (previous.lines if previous else [])
		}
		update_line_verdicts(filter(None, lines), without)

	def prefill(self):
		rows = plan_rows(self.participant)
		for table in ("goals", "lines"):
			if not self.get(table):
				self.set(table, rows[table])


def update_line_verdicts(lines, without=None):
	"""Each line keeps the latest follow-up's verdict on its theory of change, so the plan shows it
	and the evaluation reads it without going through every follow-up.

	The plan's lock comes first, then its lines in one order: the payouts write the same lines
	under the same lock, and a follow-up writing them in another order deadlocked with them."""
	lines = sorted(lines)
	if not lines:
		return
	accounting.lock_plans(frappe.get_all("Budget Line", filters={"name": ("in", lines)}, pluck="parent"))
	for line in lines:
		latest = frappe.db.sql(
			"""select r.theory_of_change_held from `tabFollow-up Line Result` r
			join `tabFollow-up` f on f.name = r.parent and r.parenttype = 'Follow-up'
			where r.budget_line = %s and coalesce(r.theory_of_change_held, '') != '' and f.name != %s
			order by f.follow_up_date desc, f.creation desc limit 1""",
			(line, without or ""),
		)
		frappe.db.set_value(
			"Budget Line",
			line,
			"theory_of_change_result",
			latest[0][0] if latest else None,
			update_modified=False,
		)


@frappe.whitelist()
def plan_rows(participant: str) -> dict:
	"""The plan's goals and approved lines, for the caseworker to fill in at a follow-up."""
	frappe.has_permission("Participant", "read", participant, throw=True)
	plan = frappe.db.get_value("Budget Plan", {"participant": participant})
	if not plan:
		return {"goals": [], "lines": []}
	goals = frappe.get_all(
		"Budget Plan Goal",
		filters={"parent": plan, "parenttype": "Budget Plan"},
		pluck="goal",
		order_by="idx",
	)
	lines = frappe.get_all(
		"Budget Line",
		filters={"parent": plan, "parenttype": "Budget Plan", "approved": 1},
		fields=["name as budget_line", "description", "category"],
		order_by="idx",
	)
	return {"goals": [{"goal": goal} for goal in goals], "lines": lines}


# Marks the reminder's ToDo, so the next follow-up closes it.
OVERDUE_MARK = "[follow-up-overdue]"


def flag_overdue_follow_ups():
	"""Daily: enrolled participants whose next follow-up date has passed show on the workspace, and
	their caseworker gets a reminder the day it becomes overdue."""
	on = getdate(today())
	for participant in frappe.get_all(
		"Participant",
		filters={
			**RUNNING_COURSE,
			"follow_up_overdue": 0,
			"next_follow_up_date": ("<", on),
		},
		fields=["name", "full_name", "assigned_caseworker", "next_follow_up_date"],
	):
		remind_caseworker(
			participant,
			_("The follow-up with {0} was due on {1}: hold it and record it.").format(
				participant.full_name, format_date(participant.next_follow_up_date)
			),
			OVERDUE_MARK,
		)
	for overdue, dates in ((1, ("<", on)), (0, (">=", on))):
		frappe.db.set_value(
			"Participant",
			{**RUNNING_COURSE, "next_follow_up_date": dates, "follow_up_overdue": 1 - overdue},
			"follow_up_overdue",
			overdue,
			update_modified=False,
		)
