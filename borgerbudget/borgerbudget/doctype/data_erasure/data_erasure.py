# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A participant whose personal data has served its purpose, for an admin to decide on: erase it
(after a dry run, if they like) or keep it, with the reason. Erasure never happens silently: the
daily job only proposes (`propose_erasures`), and a person confirms."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, today

from borgerbudget import erasure, rules
from borgerbudget.permissions import ADMIN

E = rules.erasure


class DataErasure(Document):
	def validate(self):
		if self.is_new():
			self.status, self.proposed_on = E.PROPOSED, now_datetime()
			self.programme = frappe.db.get_value("Participant", self.participant, "programme")
		elif self.has_value_changed("status"):
			frappe.throw(_("Use Erase or Keep to decide."))

	@frappe.whitelist()
	def run_dry_run(self) -> dict:
		"""What erasing would do, record by record; nothing is changed."""
		self.check_may_decide()
		return {
			"summary": erasure.erase(self.participant, dry_run=True),
			"money_open": erasure.money_open(self.participant),
		}

	@frappe.whitelist()
	def erase(self) -> str:
		"""Erase in the background (it searches every table of the site); the record shows the
		result. Asked twice, it runs once."""
		self.check_may_decide()
		frappe.enqueue(
			erase_now,
			queue="long",
			timeout=3600,
			job_id=f"borgerbudget-erase-{self.name}",
			deduplicate=True,
			enqueue_after_commit=True,
			now=frappe.flags.in_test,
			erasure_name=self.name,
			user=frappe.session.user,
		)
		return _("The personal data is being erased. Reload in a moment to see the result.")

	@frappe.whitelist()
	def keep(self, reason: str | None = None) -> str:
		"""Keep the data after all, for a reason (a complaint, a case in court); proposed again later."""
		self.check_may_decide()
		if not (reason or "").strip():
			frappe.throw(_("Give the reason to keep the personal data."), title=_("Reason required"))
		self.db_set(
			{
				"status": E.KEPT,
				"keep_reason": reason.strip(),
				"decided_by": frappe.session.user,
				"decided_on": now_datetime(),
			}
		)
		return self.status

	def check_may_decide(self):
		self.check_permission("write")
		if ADMIN not in frappe.get_roles() and "System Manager" not in frappe.get_roles():
			frappe.throw(_("Only an administrator decides on erasure."), frappe.PermissionError)
		if self.status != E.PROPOSED:
			frappe.throw(_("This has been decided already ({0}).").format(_(self.status)))


def due_for_erasure(on=None) -> list[frappe._dict]:
	"""Participants whose retention ended by `on` and who are neither erased nor proposed."""
	on = getdate(on or today())
	rows = frappe.db.sql(
		"""select p.name, p.programme, p.course_ended_on, coalesce(p.decision_date, p.screening_date) as decided_on,
			p.status, p.control_group_draw is not null and p.status != %(enrolled)s as in_control_group,
			bp.personal_data_retention_years as years, bp.evaluation_ends_on
		from `tabParticipant` p join `tabBudget Programme` bp on bp.name = p.programme
		where p.erased_on is null
			and not exists (select 1 from `tabData Erasure` e where e.participant = p.name
				and (e.status = %(proposed)s or (e.status = %(kept)s and e.decided_on > date_sub(%(on)s, interval 1 year))))""",
		{"enrolled": rules.intake.ENROLLED, "proposed": E.PROPOSED, "kept": E.KEPT, "on": on},
		as_dict=True,
	)
	due = []
	for row in rows:
		decided = row.decided_on if row.status in E.NEVER_STARTED else None
		ends = E.retention_ends(
			course_ended_on=row.course_ended_on and getdate(row.course_ended_on),
			decided_on=decided and getdate(decided),
			in_control_group=bool(row.in_control_group),
			years=row.years or 0,
			evaluation_ends_on=row.evaluation_ends_on and getdate(row.evaluation_ends_on),
		)
		if E.past_retention(ends, on):
			due.append(frappe._dict(row, retention_ended_on=ends))
	return due


def propose_erasures():
	"""Daily: propose each participant past retention to the administrators, who decide."""
	due = due_for_erasure()
	admins = [
		user
		for user in frappe.get_all("Has Role", filters={"role": ADMIN, "parenttype": "User"}, pluck="parent")
		if frappe.db.get_value("User", user, "enabled")
	]
	for row in due:
		doc = frappe.get_doc(
			{
				"doctype": "Data Erasure",
				"participant": row.name,
				"retention_ended_on": row.retention_ended_on,
				"retention_reason": reason(row),
			}
		).insert(ignore_permissions=True)
		if admins:
			from frappe.desk.form import assign_to

			assign_to.add(
				{
					"assign_to": admins,
					"doctype": doc.doctype,
					"name": doc.name,
					"description": _("Personal data past its retention: erase it, or keep it with a reason."),
				},
				ignore_permissions=True,
			)
	return [row.name for row in due]


def reason(row) -> str:
	if row.in_control_group:
		return _("Control group: the evaluation ended on {0}.").format(
			frappe.format(row.evaluation_ends_on, "Date")
		)
	return _("Personal data is kept {0} years; that ended on {1}.").format(
		row.years, frappe.format(row.retention_ended_on, "Date")
	)


def erase_now(erasure_name, user):
	"""The background job: erase once, under the participant's row lock, and record the result."""
	doc = frappe.get_doc("Data Erasure", erasure_name)
	frappe.db.get_value("Participant", doc.participant, "name", for_update=True)
	if frappe.db.get_value("Data Erasure", erasure_name, "status") != E.PROPOSED:
		return
	summary = erasure.erase(doc.participant)
	doc.db_set(
		{
			"status": E.ERASED,
			"decided_by": user,
			"decided_on": now_datetime(),
			"erased_summary": "\n".join(f"{what}: {len(names)}" for what, names in sorted(summary.items())),
		}
	)
