# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A person who may act for a citizen (fuldmagt): within a scope, on a legal basis, for a period.
What a representative may reach is decided by the app's one permission rule (permissions.py), which
reads the active representations; revoking or expiry ends it at once."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, today

from borgerbudget import rules
from borgerbudget.permissions import CASEWORKER_ROLES, CITIZEN, ROLES_SEEING_ALL, as_system, roles_of

R = rules.representation


class Representative(Document):
	def validate(self):
		if self.valid_to and getdate(self.valid_to) < getdate(self.valid_from):
			frappe.throw(_("Valid To cannot be before Valid From."))
		missing = R.missing_basis(self.legal_basis, self.basis_reference, self.consent_document)
		if missing == "reference":
			frappe.throw(_("Give the reference of the {0}.").format(_(self.legal_basis).lower()))
		if missing == "document":
			frappe.throw(_("Attach the citizen's signed consent."))
		if roles_of(self.representative) & (CASEWORKER_ROLES | ROLES_SEEING_ALL) or self.representative in (
			"Administrator",
			"Guest",
		):
			# A representative acts as the citizen would: never with a caseworker's or finance's reach.
			frappe.throw(_("A member of staff cannot be registered as a citizen's representative."))
		if frappe.db.get_value("Participant", self.participant, "user") == self.representative:
			frappe.throw(_("The citizen cannot be their own representative."))
		self.status = status_of(self)

	def before_insert(self):
		self.registered_by, self.registered_on = frappe.session.user, now_datetime()

	def after_insert(self):
		# A representative works in the portal as the citizen does, with the citizen's role; the
		# permission rule keeps them to the citizens they represent.
		user = frappe.get_doc("User", self.representative)
		if CITIZEN not in {row.role for row in user.roles}:
			user.flags.ignore_permissions = True
			user.add_roles(CITIZEN)

	def onload(self):
		self.status = status_of(self)

	@frappe.whitelist()
	def revoke(self):
		"""One step, at once: for the caseworker in the desk, or the citizen in the portal."""
		if frappe.session.user != frappe.db.get_value("Participant", self.participant, "user"):
			self.check_permission("write")
		if self.revoked_on:
			return
		by = frappe.session.user
		with as_system():  # allowed above; the record and its timeline are written by the app
			self.db_set({"revoked_on": now_datetime(), "revoked_by": by, "status": R.REVOKED})
			self.add_comment("Info", _("Revoked by {0}.").format(by))


def status_of(row) -> str:
	"""A representation's status today (a document, or a row with its dates and revoked_on)."""
	return R.status(
		getdate(row.valid_from), row.valid_to and getdate(row.valid_to), row.revoked_on, getdate(today())
	)
