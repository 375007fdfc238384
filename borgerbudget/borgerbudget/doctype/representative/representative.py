# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A person who may act for a citizen (fuldmagt): within a scope, on a legal basis, for a period.
What a representative may reach is decided by the app's one permission rule (permissions.py), which
reads the active representations; revoking or expiry ends it at once."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, getdate, now_datetime, today

from borgerbudget import cpr_vault, rules
from borgerbudget.borgerbudget.doctype.participant.participant import parse_cpr_or_throw
from borgerbudget.permissions import (
	CASEWORKER_ROLES,
	CITIZEN,
	ROLES_SEEING_ALL,
	active_representation,
	as_system,
	roles_of,
)

R = rules.representation


class Representative(Document):
	def validate(self):
		self.keep_the_record()
		if self.valid_to and getdate(self.valid_to) < getdate(self.valid_from):
			frappe.throw(_("Valid To cannot be before Valid From."))
		missing = R.missing_basis(self.legal_basis, self.basis_reference, self.consent_document)
		if missing == "reference":
			frappe.throw(_("Give the reference of the {0}.").format(_(self.legal_basis).lower()))
		if missing == "document":
			frappe.throw(_("Attach the citizen's signed consent."))
		self.set_cpr()
		if not (self.representative or self.flags.cpr_hash or self.cpr_masked):
			frappe.throw(_("Give the representative's login, or their CPR number for a MitID login."))
		if self.representative and (
			roles_of(self.representative) & (CASEWORKER_ROLES | ROLES_SEEING_ALL)
			or self.representative in ("Administrator", "Guest")
		):
			# A representative acts as the citizen would: never with a caseworker's or finance's reach.
			frappe.throw(_("A member of staff cannot be registered as a citizen's representative."))
		if self.representative and self.representative == frappe.db.get_value(
			"Participant", self.participant, "user"
		):
			frappe.throw(_("The citizen cannot be their own representative."))
		if (
			self.representative
			and frappe.db.get_value("User", self.representative, "user_type") != "Website User"
		):
			frappe.throw(_("A representative logs in to the portal: choose a website user."))
		if not self.representative_name:
			frappe.throw(_("Give the representative's name."))
		self.refuse_overlap()
		self.status = status_of(self)

	def keep_the_record(self):
		"""Who is represented, by whom, and the record of registering and revoking are facts: a
		change of person is a new representation, and only Revoke revokes (it cannot be undone)."""
		if self.is_new():
			self.revoked_on = self.revoked_by = None
			return
		before = self.get_doc_before_save()
		for field in (
			"participant",
			"representative",
			"revoked_on",
			"revoked_by",
			"registered_by",
			"registered_on",
		):
			was, now = before and before.get(field), self.get(field)
			if field.endswith("_on"):
				was, now = was and get_datetime(was), now and get_datetime(now)
			if was and was != now:
				frappe.throw(
					_("{0} cannot be changed: register a new representation instead.").format(
						_(self.meta.get_label(field))
					)
				)
		if before and not before.revoked_on and self.revoked_on:
			frappe.throw(_("Use Revoke to revoke a representation."))

	def refuse_overlap(self):
		"""One representation at a time of the same person for the same citizen: revoking it must end it."""
		if self.revoked_on or not (self.representative or self.flags.cpr_hash):
			return
		person = (
			f"`representative` = {frappe.db.escape(self.representative)}"
			if self.representative
			else f"`cpr_hash` = {frappe.db.escape(self.flags.cpr_hash)}"
		)
		far = frappe.db.escape(str(self.valid_to or "9999-12-31"))
		overlapping = frappe.db.sql(
			f"""select `name` from `tabRepresentative` where `participant` = %s and `name` != %s
			and {person} and `revoked_on` is null and `valid_from` <= {far}
			and (`valid_to` is null or `valid_to` >= %s) limit 1""",
			(self.participant, self.name or "", self.valid_from),
		)
		if overlapping:
			frappe.throw(
				_("This person already represents the citizen in the same period ({0}).").format(
					overlapping[0][0]
				)
			)

	def set_cpr(self):
		"""The representative's CPR number, for their MitID login: kept as the keyed hash only (on a
		field no role reads), with the masked number to show that MitID login is set up."""
		entered = (self.get("cpr_number") or "").strip()
		self.cpr_number = None  # never stored, nor recorded in the document's versions
		cpr_hash = self.flags.cpr_hash or (
			None if self.is_new() else frappe.db.get_value("Representative", self.name, "cpr_hash")
		)
		if entered:
			cpr = parse_cpr_or_throw(entered)
			cpr_hash = self.flags.cpr_hash = cpr_vault.keyed_hash(cpr.digits)
			self.cpr_masked = cpr.masked
		if not cpr_hash:
			return
		if cpr_hash == frappe.db.get_value("Participant CPR", self.participant, "cpr_hash"):
			frappe.throw(_("The citizen cannot be their own representative."))
		# One person, one login: every representation of the same CPR number names the same user.
		other = frappe.db.get_value(
			"Representative",
			{"cpr_hash": cpr_hash, "name": ("!=", self.name or ""), "representative": ("is", "set")},
			["name", "representative"],
			as_dict=True,
		)
		if other and not self.representative:
			self.representative = other.representative
		elif other and other.representative != self.representative:
			frappe.throw(
				_("This CPR number belongs to the representative on {0}, who logs in as {1}.").format(
					other.name, other.representative
				)
			)

	def on_update(self):
		if self.flags.cpr_hash:
			# Written past the document (on a permission level no role has), so that no version
			# of it records the hash.
			frappe.db.set_value(
				self.doctype, self.name, "cpr_hash", self.flags.cpr_hash, update_modified=False
			)

	def before_insert(self):
		self.registered_by, self.registered_on = frappe.session.user, now_datetime()

	def after_insert(self):
		if self.representative:
			give_citizen_role(self.representative)

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


def give_citizen_role(user):
	"""A representative works in the portal as the citizen does, with the citizen's role; the
	permission rule keeps them to the citizens they represent."""
	user = frappe.get_doc("User", user)
	if CITIZEN not in {row.role for row in user.roles}:
		user.flags.ignore_permissions = True
		user.add_roles(CITIZEN)


def holders(digits) -> list[frappe._dict]:
	"""The representations in force today of the person with this CPR number (their MitID login)."""
	return frappe.db.sql(
		f"""select `name`, `participant`, `representative`, `representative_name` from `tabRepresentative`
		where `cpr_hash` = %s and {active_representation()} order by `creation`""",
		cpr_vault.keyed_hash(digits),
		as_dict=True,
	)


def link_login(representations, user):
	"""The representations without a login get `user`, the one their first MitID login made."""
	for row in representations:
		if not row.representative:
			frappe.db.set_value("Representative", row.name, "representative", user)


def refresh_statuses():
	"""Daily: the stored status (shown in the desk's list and its filters) follows expiry and start.
	Access never waits for this: the permission rule reads the dates themselves."""
	for row in frappe.get_all(
		"Representative",
		filters={"status": ("!=", R.REVOKED)},
		fields=["name", "status", "valid_from", "valid_to", "revoked_on"],
	):
		if (now := status_of(row)) != row.status:
			frappe.db.set_value("Representative", row.name, "status", now, update_modified=False)
