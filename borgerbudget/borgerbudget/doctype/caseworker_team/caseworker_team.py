# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CaseworkerTeam(Document):
	def validate(self):
		self.validate_unique_members()

	def validate_unique_members(self):
		seen = set()
		for row in self.members:
			if row.user in seen:
				frappe.throw(
					_("Row {0}: {1} is already a member of this team.").format(
						row.idx, frappe.bold(row.user)
					),
					title=_("Duplicate member"),
				)
			seen.add(row.user)
