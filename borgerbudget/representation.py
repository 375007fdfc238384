"""What a representative does on a citizen's behalf is recorded as theirs: on the document's
timeline, and as a Representative Action the citizen's caseworker and the auditor read."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from borgerbudget.permissions import (
	ANNOTATIONS,
	GUARDED,
	PARTICIPANT_OF,
	active_representation,
	as_system,
	is_annotation,
	is_citizen,
	participant_of,
	represented,
	represents_only,
)

# The records that are themselves the account of a change.
NOT_RECORDED = frozenset({"Representative Action", "MitID Login", "CPR Access Log"})
ACTIONS = {
	"after_insert": "Created",
	"on_update": "Saved",
	"on_submit": "Submitted",
	"on_cancel": "Cancelled",
}
STATUS_CHANGED = "Status changed to {0}"
# What a representative adds to a citizen's record (permissions.ANNOTATIONS names the record it
# annotates): recorded on that record.
ADDED = {"File": "Attached a file", "Comment": "Commented"}


def record_on_behalf(doc, method=None):
	"""doc_events "*": a change to a citizen's record (or a file or comment added to it) by someone
	who reaches it only as their representative."""
	record, action, label = doc, ACTIONS.get(method, method), None
	if doc.doctype in ADDED:
		doctype_field, name_field = ANNOTATIONS[doc.doctype]
		if method != "after_insert" or doc.get(doctype_field) not in GUARDED or not doc.get(name_field):
			return
		if not is_annotation(doc):
			return  # frappe's own entries (and this function's), not the representative's words
		record, action = frappe.get_doc(doc.get(doctype_field), doc.get(name_field)), ADDED[doc.doctype]
	elif doc.doctype not in GUARDED or doc.doctype in NOT_RECORDED:
		return
	elif method == "on_update" and (doc.flags.in_insert or doc.get("_action") in ("submit", "cancel")):
		return  # frappe runs on_update inside an insert and a submit: recorded once, as those
	elif method == "on_update" and doc.meta.has_field("status") and doc.has_value_changed("status"):
		# Submitting a plan, asking for a change: a step of the method, not only a save.
		action, label = STATUS_CHANGED.format(doc.status), _(STATUS_CHANGED).format(_(doc.status))
	user = frappe.session.user
	if not is_citizen(user):
		return
	participant = participant_of(record.doctype, record)
	if not participant or not represents_only(participant, user):
		return
	name = frappe.db.get_value("Participant", participant, "full_name")
	with as_system():
		frappe.get_doc(
			{
				"doctype": "Representative Action",
				"acted_on": now_datetime(),
				"representative": user,
				"participant": participant,
				"action": action,
				"reference_doctype": record.doctype,
				"reference_name": record.name,
			}
		).insert(ignore_permissions=True)
		# The representative's name, and their user (a MitID user's id says nothing on its own).
		who, whom = (
			frappe.utils.escape_html(text) for text in (f"{frappe.utils.get_fullname(user)} ({user})", name)
		)
		record.add_comment(
			"Info",
			_("{0} by {1} on behalf of {2}.").format(label or _(action), frappe.bold(who), frappe.bold(whom)),
		)


ACTING_FOR = "borgerbudget_acting_for"  # the user default: whose plan the representative works on


def acting_for(user=None, names=None) -> str | None:
	"""The participant a representative works for now: the one they chose, else the first."""
	names = sorted(names if names is not None else represented(user or frappe.session.user))
	chosen = frappe.defaults.get_user_default(ACTING_FOR, user=user)
	return chosen if chosen in names else (names[0] if names else None)


@frappe.whitelist(methods=["POST"])
def act_for(participant: str) -> str:
	"""The representative picks whose plan they work on (only one they represent today)."""
	if participant not in represented(frappe.session.user):
		frappe.throw(_("You do not represent this citizen."), frappe.PermissionError)
	frappe.defaults.set_user_default(ACTING_FOR, participant)
	return participant


def website_context(context):
	"""update_website_context: "Du handler på vegne af …" on every portal page of a representative."""
	user = frappe.session.user
	if user == "Guest" or not is_citizen(user):
		return
	names = represented(user)
	viewing = viewed_participant(context)
	if viewing and viewing not in names:
		return  # the representative's own record (they may be a citizen too): no one else's name
	participant = viewing or acting_for(user, names)
	if not participant:
		return
	name = frappe.utils.escape_html(frappe.db.get_value("Participant", participant, "full_name") or "")
	switch = f' <a href="/act-for">{_("Choose another citizen")}</a>' if len(names) > 1 else ""
	context["banner_html"] = (context.get("banner_html") or "") + (
		'<div class="alert alert-info text-center mb-0 rounded-0" role="status">'
		+ _("You are acting on behalf of {0}").format(f"<strong>{name}</strong>")
		+ switch
		+ "</div>"
	)


def viewed_participant(context) -> str | None:
	"""The participant of the record a web form shows, if it shows one."""
	web_form, name = context.get("web_form_doc"), frappe.form_dict.get("name")
	if not (web_form and isinstance(name, str) and web_form.get("doc_type") in PARTICIPANT_OF):
		return None
	row = frappe.db.get_value(web_form.doc_type, name, "*", as_dict=True)
	return row and participant_of(web_form.doc_type, row)


def choices(user=None) -> list[frappe._dict]:
	"""The citizens a representative may work for today, with the scope of each (/act-for)."""
	user = user or frappe.session.user
	rows = frappe.db.sql(
		f"""select `participant`, `participant_name`, `scope` from `tabRepresentative`
		where `representative` = %s and {active_representation()} order by `participant_name`""",
		user,
		as_dict=True,
	)
	reached = represented(user)  # the permission rule's answer, which also asks who the user is
	rows = [row for row in rows if row.participant in reached]
	chosen = acting_for(user, reached)
	for row in rows:
		row.chosen = row.participant == chosen
	return rows


@frappe.whitelist(methods=["POST"])
def revoke_mine(representative: str) -> str:
	"""The citizen takes a representative's right away, from the portal (/my-representatives)."""
	participant = frappe.db.get_value("Representative", representative, "participant")
	if not participant or frappe.db.get_value("Participant", participant, "user") != frappe.session.user:
		frappe.throw(_("Only the citizen represented can do this here."), frappe.PermissionError)
	frappe.get_doc("Representative", representative).revoke()
	return representative


def notice_emails(participant) -> str:
	"""Jinja (cc of the citizen's Notifications): the e-mails of the representatives with notices
	who represent `participant` today."""
	users = frappe.db.sql_list(
		f"""select `representative` from `tabRepresentative`
		where `participant` = %s and `receives_notices` = 1 and {active_representation()}""",
		participant,
	)
	emails = frappe.get_all("User", filters={"name": ("in", users or [""]), "enabled": 1}, pluck="email")
	# A MitID user's placeholder address receives nothing.
	return ", ".join(email for email in emails if email and not email.endswith(".invalid"))
