# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A collective course (kollektivt forløb): kick-off, two workshop days, facilitators, speakers
and each participant's attendance."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from borgerbudget import rules

SESSIONS = (
	("kick_off_date", "attended_kick_off"),
	("workshop_1_date", "attended_workshop_1"),
	("workshop_2_date", "attended_workshop_2"),
)


class Cohort(Document):
	def validate(self):
		dates = [getdate(self.get(field)) for field, _attended in SESSIONS if self.get(field)]
		if dates != sorted(dates):
			frappe.throw(_("The sessions must follow one another: kick-off, workshop 1, workshop 2."))
		seen = set()
		for row in self.participants:
			if row.participant in seen:
				frappe.throw(
					_("Row {0}: {1} is already in this cohort.").format(row.idx, row.participant_name)
				)
			seen.add(row.participant)
			if frappe.db.get_value("Participant", row.participant, "programme") != self.programme:
				frappe.throw(_("Row {0}: {1} is in another programme.").format(row.idx, row.participant_name))
			for field, attended in SESSIONS:
				if row.get(attended) and (not self.get(field) or getdate(self.get(field)) > getdate(today())):
					frappe.throw(
						_(
							"Row {0}: attendance can only be recorded for a session that has taken place."
						).format(row.idx)
					)


def attendance_problem(participant):
	"""None when the participant may submit their plan as far as the collective course goes."""
	row = frappe.db.sql(
		"""select cohort.kick_off_date, cohort.workshop_1_date, cohort.workshop_2_date,
			member.attended_kick_off, member.attended_workshop_1, member.attended_workshop_2
		from `tabCohort Participant` member join `tabCohort` cohort on cohort.name = member.parent
		where member.participant = %s and member.parenttype = 'Cohort'
		order by cohort.kick_off_date desc limit 1""",
		participant,
		as_dict=True,
	)
	if not row:
		return _(
			"The collective course is mandatory in this programme: enrol the participant in a cohort first."
		)
	row = row[0]
	gap = rules.course.attendance_gap(
		[(row.get(field), bool(row.get(attended))) for field, attended in SESSIONS], getdate(today())
	)
	if gap == "not_started":
		return _("The collective course has not started yet: the plan can be submitted after the kick-off.")
	if gap == "missed":
		return _("The participant has not attended every session of the collective course held so far.")
	return None
