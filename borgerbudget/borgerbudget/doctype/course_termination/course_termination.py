# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""Ending a course (seed 004, "Ophør af forløb"): the reason and outcome, and no money after it."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from borgerbudget import accounting, rules


class CourseTermination(Document):
	def validate(self):
		participant = frappe.db.get_value(
			"Participant", self.participant, ["full_name", "programme", "status"], as_dict=True
		)
		self.participant_name, self.programme = participant.full_name, participant.programme
		self.budget_plan = frappe.db.get_value("Budget Plan", {"participant": self.participant})
		if participant.status != rules.intake.ENROLLED:
			frappe.throw(_("Only an enrolled participant's course can be ended."))
		if getdate(self.termination_date) > getdate(today()):
			frappe.throw(_("The end date cannot be in the future."))
		other = frappe.db.exists(
			"Course Termination", {"participant": self.participant, "docstatus": 1, "name": ("!=", self.name)}
		)
		if other:
			frappe.throw(_("The course has already been ended by {0}.").format(other))

	def on_submit(self):
		self.lines_closed = self.set_lines_closed(1)
		self.advances_flagged = self.flag_advances(1)
		self.db_update()
		frappe.db.set_value(
			"Participant",
			self.participant,
			{"course_ended_on": self.termination_date, "course_termination": self.name},
		)

	def on_cancel(self):
		self.set_lines_closed(0)
		self.flag_advances(0)
		frappe.db.set_value(
			"Participant", self.participant, {"course_ended_on": None, "course_termination": None}
		)

	def set_lines_closed(self, closed):
		"""No new invoices or advances for the plan's lines; invoices already received can still be paid."""
		if not self.budget_plan:
			return 0
		accounting.lock_plans([self.budget_plan])
		lines = frappe.get_all(
			"Budget Line",
			filters={"parent": self.budget_plan, "parenttype": "Budget Plan", "closed": 1 - closed},
			pluck="name",
		)
		for line in lines:
			frappe.db.set_value("Budget Line", line, "closed", closed, update_modified=False)
		accounting.update_line_payouts(self.budget_plan)
		return len(lines)

	def flag_advances(self, flag):
		advances = frappe.get_all(
			"Budget Advance",
			filters={"participant": self.participant, "outstanding_amount": (">", 0)},
			pluck="name",
		)
		for advance in advances:
			frappe.db.set_value("Budget Advance", advance, "settlement_due", flag)
		return len(advances)
