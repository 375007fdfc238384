# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""The CPR vault: one row per participant, named after it, that no role may read. The participant
shows only the masked number; revealing the clear one goes through Participant.reveal_cpr."""

import frappe
from frappe.model.document import Document

from borgerbudget import cpr_vault, rules


class ParticipantCPR(Document):
	pass


def store(participant, programme, digits):
	"""Keep `digits` for `participant` (insert or replace). A system write: nobody has permission
	on the vault, the participant's own save is what allows it."""
	values = {
		"programme": programme,
		"cpr_encrypted": cpr_vault.encrypt(digits),
		"cpr_hash": cpr_vault.keyed_hash(digits),
	}
	if frappe.db.exists("Participant CPR", participant):
		frappe.db.set_value("Participant CPR", participant, values)
		return
	doc = frappe.get_doc({"doctype": "Participant CPR", "participant": participant, **values})
	doc.name = participant
	# Owned by no person: frappe's owner-based shortcuts (web forms) must not apply to it.
	doc.owner = "Administrator"
	doc.db_insert()


def stored_cpr(participant) -> rules.cpr.Cpr | None:
	encrypted = frappe.db.get_value("Participant CPR", participant, "cpr_encrypted")
	return rules.cpr.parse_cpr(cpr_vault.decrypt(encrypted)) if encrypted else None


def holder_of(programme, digits, other_than=None):
	"""The participant in `programme` with this CPR number, if any."""
	return frappe.db.get_value(
		"Participant CPR",
		{"programme": programme, "cpr_hash": cpr_vault.keyed_hash(digits), "name": ("!=", other_than or "")},
		"participant",
	)


def on_doctype_update():
	# One citizen per programme, held by the database under concurrent registrations.
	frappe.db.add_unique(
		"Participant CPR", ["programme", "cpr_hash"], constraint_name="unique_cpr_per_programme"
	)


def holders(digits) -> list[str]:
	"""Every participant with this CPR number (one per programme the citizen is in), oldest first."""
	return frappe.get_all(
		"Participant CPR",
		filters={"cpr_hash": cpr_vault.keyed_hash(digits)},
		pluck="participant",
		order_by="creation",
	)
