"""Who may reach what: the app's roles, the one visibility rule for a citizen's records, and the
guard every write passes.

Everything a citizen owns hangs off their Participant. A user sees a participant when their role
sees every participant, when the participant is assigned to them or their team (or a team they
lead), when it is their own record (a citizen), or when they represent the citizen today (a
representative, who changes anything only with the scope "Act"). Each doctype below reaches its participant
through a field or a link; hooks.py maps every listed doctype to `get_permission_query_conditions`
and `has_permission`, and every document of the site to `guard`, so a new doctype joins the rule by
being listed here, on every route: desk, REST, web forms, whitelisted methods, reports and files.
"""

import contextlib
import copy
import json

import frappe
from frappe import _

from borgerbudget import rules
from borgerbudget.retry import retrying

ADMIN = "Borgerbudget Admin"
CASEWORKER = "Caseworker"
TEAM_LEAD = "Caseworker Team Lead"
FINANCE = "Borgerbudget Finance"
AUDITOR = "Borgerbudget Auditor"
CPR_ACCESS = "Borgerbudget CPR Access"
CITIZEN = "Borgerbudget Citizen"
RESEARCHER = "Borgerbudget Researcher"
# An access point or VANS provider that pushes suppliers' e-invoices; it reaches nothing else.
EINVOICE_INTEGRATION = "Borgerbudget E-Invoice Integration"
# The second pair of eyes on a payout batch: approves what another finance user built.
FINANCE_APPROVER = "Borgerbudget Finance Approver"

ROLES = (
	ADMIN,
	CASEWORKER,
	TEAM_LEAD,
	FINANCE,
	AUDITOR,
	CPR_ACCESS,
	CITIZEN,
	RESEARCHER,
	EINVOICE_INTEGRATION,
	FINANCE_APPROVER,
)
ROLES_SEEING_ALL = frozenset({"System Manager", ADMIN, FINANCE, AUDITOR, FINANCE_APPROVER})
CASEWORKER_ROLES = frozenset({"System Manager", ADMIN, CASEWORKER, TEAM_LEAD})
FINANCE_ROLES = frozenset({"System Manager", ADMIN, FINANCE})

# How a record reaches its participant: the name of its participant field, or (link field, the
# doctype it links to) for a record that belongs to another one.
PARTICIPANT_OF = {
	"Participant": "name",
	"Budget Plan": "participant",
	"Budget Plan Approval": "participant",
	"Budget Plan Amendment": "participant",
	"Budget Advance": "participant",
	"Repayment Claim": "participant",
	"Follow-up": "participant",
	"Course Termination": "participant",
	"CPR Access Log": "participant",
	"Representative": "participant",
	"Representative Action": "participant",
	"Data Erasure": "participant",
	# Requests for insight (GDPR art. 15) and their delivery (borgerbudget/insight.py).
	"Insight Request": "participant",
	# A login of an unknown person (no participant) is seen only by those who see everyone.
	"MitID Login": "participant",
	# Unmatched e-invoices belong to no participant: only those who see everyone see them.
	"E-Invoice": "participant",
	"Budget Plan Note": ("budget_plan", "Budget Plan"),
	"Approval Vote": ("approval", "Budget Plan Approval"),
	# ERPNext's records of the citizen as a payee and a debtor; other suppliers are not the app's.
	"Supplier": "participant",
	"Customer": "participant",
}
# Records that list many participants: readable only by those who see every one of them, so a
# roster or a draw never shows a citizen the reader may not see. (child table, its participant field)
ROSTERS = {
	"Cohort": ("participants", "participant"),
	"Draw": ("pool", "participant"),
	"Payout Batch": ("payments", "participant"),
}
GUARDED = frozenset(PARTICIPANT_OF) | frozenset(ROSTERS)
# Supplier and Customer are ERPNext's: only their citizen records are guarded.
OPTIONAL_PARTICIPANT = frozenset({"Supplier", "Customer"})

# Documents that annotate another document, and the fields naming it. Adding one to a citizen's
# record is a change to that record, so it needs write permission on it, not just read.
ANNOTATIONS = {
	"Comment": ("reference_doctype", "reference_name"),
	"ToDo": ("reference_type", "reference_name"),
	"Tag Link": ("document_type", "document_name"),
	"DocShare": ("share_doctype", "share_name"),
	"File": ("attached_to_doctype", "attached_to_name"),
}
# Comments that record what happened (a status change, an attachment) follow the action that
# made them; comments and likes a person writes are annotations.
WRITTEN_COMMENTS = frozenset({"Comment", "Like"})


def roles_of(user=None) -> set[str]:
	# frappe.get_roles answers "Guest" for anyone while no session exists yet (during a login).
	from frappe.permissions import get_roles

	return set(get_roles(user or frappe.session.user))


def sees_all_participants(user=None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(ROLES_SEEING_ALL & roles_of(user))


def is_caseworker(user=None) -> bool:
	return bool(CASEWORKER_ROLES & roles_of(user))


def is_finance(user=None, approver=False) -> bool:
	"""Finance, who work the e-invoice inbox and build payout batches; with `approver`, also the
	second pair of eyes who approves a batch."""
	roles = FINANCE_ROLES | ({FINANCE_APPROVER} if approver else set())
	return bool(roles & roles_of(user))


def may_deliver_einvoices(user=None) -> bool:
	"""The access point's integration user (a role that reaches nothing else), or finance."""
	return EINVOICE_INTEGRATION in roles_of(user) or is_finance(user)


def may_reveal_cpr(user=None) -> bool:
	return CPR_ACCESS in roles_of(user)


def is_citizen(user=None) -> bool:
	"""A citizen who is nothing else: their own records only, and the citizen's side of them."""
	roles = roles_of(user)
	return CITIZEN in roles and not roles & (ROLES_SEEING_ALL | CASEWORKER_ROLES)


def is_researcher(user=None) -> bool:
	return RESEARCHER in roles_of(user)


def get_caseworker_teams(user: str, as_member=False) -> list[str]:
	"""The teams `user` belongs to, and unless `as_member`, also the teams they lead."""
	teams = set(frappe.get_all("Caseworker Team Member", filters={"user": user}, pluck="parent"))
	if not as_member:
		teams.update(frappe.get_all("Caseworker Team", filters={"team_lead": user}, pluck="name"))
	return sorted(teams)


def participant_condition(user=None) -> str:
	"""The condition on `tabParticipant` for the participants `user` may see ("" for all)."""
	user = user or frappe.session.user
	if sees_all_participants(user):
		return ""
	escaped = frappe.db.escape(user)
	# Citizens match only their own record, and representatives the records of those they represent
	# today; their role decides what they may do with them.
	conditions = [
		f"`tabParticipant`.`assigned_caseworker` = {escaped}",
		f"`tabParticipant`.`user` = {escaped}",
		f"`tabParticipant`.`name` in ({represented_query(escaped)})",
	]
	teams = get_caseworker_teams(user)
	if teams:
		team_list = ", ".join(frappe.db.escape(team) for team in teams)
		conditions.append(f"`tabParticipant`.`caseworker_team` in ({team_list})")
	return "(" + " or ".join(conditions) + ")"


def represented_query(escaped_user, acting=False) -> str:
	"""The participants `escaped_user` represents today (with `acting`, within the scope "Act").
	Only an enabled website user represents anyone: a representative later given a staff role (a
	desk role makes frappe turn them into a system user) reaches nothing through it."""
	scope = f" and `scope` = {frappe.db.escape(rules.representation.ACT)}" if acting else ""
	return f"""select `participant` from `tabRepresentative` where `representative` = {escaped_user}
		and {active_representation()}{scope} and exists (select 1 from `tabUser`
		where `tabUser`.`name` = {escaped_user} and `user_type` = 'Website User' and `enabled` = 1)"""


def active_representation() -> str:
	"""A representation in force today (rules.representation.status, as SQL): revoking and expiry
	end it. Today is the site's date, which the database's clock (often UTC) need not share."""
	today = frappe.db.escape(frappe.utils.today())
	return (
		f"`revoked_on` is null and `valid_from` <= {today} and (`valid_to` is null or `valid_to` >= {today})"
	)


def represented(user, acting=False) -> set[str]:
	return set(frappe.db.sql_list(represented_query(frappe.db.escape(user), acting)))


def visible_participant_condition(column: str, user=None) -> str:
	"""A query condition on `column` (a participant link) for the rows whose participant `user` may see."""
	participants = participant_condition(user)
	if not participants:
		return ""
	return f"{column} in (select `tabParticipant`.`name` from `tabParticipant` where {participants})"


def is_visible_to(participant, user=None) -> bool:
	"""`participant` is a document or a dict with assigned_caseworker, caseworker_team and user."""
	user = user or frappe.session.user
	if sees_all_participants(user):
		return True
	if user in (participant.get("assigned_caseworker"), participant.get("user")):
		return True
	team = participant.get("caseworker_team")
	if team and team in get_caseworker_teams(user):
		return True
	return bool(participant.get("name")) and participant.get("name") in represented(user)


def can_see_participant(name, user=None) -> bool:
	user = user or frappe.session.user
	if sees_all_participants(user):
		return True
	participant = name and frappe.db.get_value(
		"Participant", name, ["name", "assigned_caseworker", "caseworker_team", "user"], as_dict=True
	)
	return bool(participant) and is_visible_to(participant, user)


def participant_of(doctype: str, doc) -> str | None:
	"""The participant a record of a listed doctype belongs to (None: it belongs to nobody yet)."""
	path = PARTICIPANT_OF[doctype]
	if path == "name":
		return doc.get("name")
	if isinstance(path, str):
		if doc.get(path) or doctype in OPTIONAL_PARTICIPANT:
			return doc.get(path)
		# A new record names its plan before its controller copies the participant from it.
		plan = doc.get("budget_plan")
		return plan and frappe.db.get_value("Budget Plan", plan, "participant")
	link, parent = path
	return doc.get(link) and participant_of(
		parent, frappe.db.get_value(parent, doc.get(link), "*", as_dict=True) or {}
	)


def get_permission_query_conditions(user=None, doctype=None) -> str:
	user = user or frappe.session.user
	table = f"`tab{doctype}`"
	if doctype in ROSTERS:
		return roster_condition(doctype, user)
	path = PARTICIPANT_OF[doctype]
	if path == "name":
		return participant_condition(user)
	if isinstance(path, str):
		condition = visible_participant_condition(f"{table}.`{path}`", user)
		if condition and doctype in OPTIONAL_PARTICIPANT:
			condition = f"(ifnull({table}.`{path}`, '') = '' or {condition})"
	else:
		link, parent = path
		inner = get_permission_query_conditions(user, parent)
		condition = (
			inner and f"{table}.`{link}` in (select `tab{parent}`.`name` from `tab{parent}` where {inner})"
		)
	if doctype == "Budget Plan Note" and is_citizen(user):
		# Internal notes are never shown to the citizen.
		condition = f"{condition} and {table}.`visible_to_citizen` = 1"
	return condition


def roster_condition(doctype, user) -> str:
	"""Rosters with no participant the user may not see (cohorts: or that the user facilitates).
	Those who may only select one (researchers filtering the evaluation) see every name, and nothing more."""
	if frappe.only_has_select_perm(doctype, user=user):
		return ""
	participants = participant_condition(user)
	if not participants:
		return ""
	child_field, field = ROSTERS[doctype]
	child = frappe.get_meta(doctype).get_field(child_field).options
	hidden = f"""not exists (select 1 from `tab{child}` row where row.parent = `tab{doctype}`.`name`
		and row.parenttype = {frappe.db.escape(doctype)} and row.`{field}` not in
		(select `tabParticipant`.`name` from `tabParticipant` where {participants}))"""
	if doctype == "Cohort":
		return f"""({hidden} or `tabCohort`.`name` in
			(select parent from `tabCohort Facilitator` where user = {frappe.db.escape(user)}))"""
	return hidden


def has_permission(doc, ptype=None, user=None, debug=False) -> bool:
	user = user or frappe.session.user
	doctype = doc.doctype
	if doctype in ROSTERS:
		return roster_visible(doc, user)
	# A stored record is judged as stored: a client may send a document of its own making
	# (run_doc_method's `docs`), and a changed link is the guard's to check.
	stored = not doc.is_new() and frappe.db.get_value(doctype, doc.name, "*", as_dict=True)
	doc = stored or doc
	if doctype == "Budget Plan Note" and is_citizen(user) and not doc.get("visible_to_citizen"):
		return False
	if doctype == "Approval Vote" and ptype in ("write", "delete") and stored:
		# A vote is the voter's own (or the team lead's who recorded it).
		if user not in (doc.voter, doc.recorded_by):
			return False
	if doctype == "Participant" and not stored:
		# A participant being registered: whom it will be assigned to.
		return is_visible_to(doc, user)
	participant = participant_of(doctype, doc)
	if not participant and doctype in OPTIONAL_PARTICIPANT:
		return True
	if not can_see_participant(participant, user):
		return False
	if ptype not in READ_ONLY_PTYPES and represents_only(participant, user):
		# A representative with the scope "Read" sees; only "Act" changes anything.
		return participant in represented(user, acting=True)
	return True


# What a representative with the scope "Read" may do.
READ_ONLY_PTYPES = frozenset({None, "read", "select", "print", "email", "report", "export"})


def represents_only(participant, user) -> bool:
	"""`user` reaches `participant` only as their representative (not as caseworker or citizen)."""
	if sees_all_participants(user):
		return False
	row = frappe.db.get_value(
		"Participant", participant, ["assigned_caseworker", "caseworker_team", "user"], as_dict=True
	)
	if not row or user in (row.assigned_caseworker, row.user):
		return False
	return not (row.caseworker_team and row.caseworker_team in get_caseworker_teams(user))


def roster_visible(doc, user) -> bool:
	if sees_all_participants(user):
		return True
	child_field, field = ROSTERS[doc.doctype]
	rows = doc.get(child_field) or ()
	facilitators = doc.get("facilitators") or ()
	if not doc.is_new():
		# As stored, not as a client may have sent it.
		meta = frappe.get_meta(doc.doctype)
		rows = stored_rows(meta.get_field(child_field).options, doc, field)
		facilitators = stored_rows("Cohort Facilitator", doc, "user") if doc.doctype == "Cohort" else ()
	if user in {row.get("user") for row in facilitators}:
		return True
	return all(can_see_participant(row.get(field), user) for row in rows)


def stored_rows(child, doc, field):
	return frappe.get_all(child, filters={"parent": doc.name, "parenttype": doc.doctype}, fields=[field])


def guard(doc, method=None):
	"""Every write: a link the write sets to a citizen's record must be one the user may read, and
	an annotation of one (comment, assignment, tag, share, file) needs write permission on it."""
	user = frappe.session.user
	if user == "Administrator" or frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch:
		return
	for doctype, name in changed_links(doc):
		if not may_link(doctype, name, user):
			refuse(doctype, name)
	if doc.doctype in ANNOTATIONS:
		doctype_field, name_field = ANNOTATIONS[doc.doctype]
		doctype, name = doc.get(doctype_field), doc.get(name_field)
		if doctype in GUARDED and name and is_annotation(doc):
			if not frappe.has_permission(doctype, "write", name, user=user):
				refuse(doctype, name)
	if doc.doctype == "Document Follow" and doc.ref_doctype in GUARDED and doc.is_new():
		# A follower is e-mailed the record's changes and comments: only one who may read it.
		if not frappe.has_permission(doc.ref_doctype, "read", doc.ref_docname, user=doc.user):
			refuse(doc.ref_doctype, doc.ref_docname)
	if doc.doctype == "File" and doc.is_new() and doc.file_url and doc.is_private:
		check_private_file_url(doc.file_url, user)


def may_link(doctype, name, user) -> bool:
	if doctype in OPTIONAL_PARTICIPANT:
		# Any supplier may be chosen for a line; a citizen's own payee record only by those who see them.
		participant = frappe.db.get_value(doctype, name, "participant")
		return not participant or can_see_participant(participant, user)
	return frappe.has_permission(doctype, "read", name, user=user)


def check_private_file_url(file_url, user):
	"""frappe lets a user register a File of their own for an existing private URL, and then
	serves it to them as its owner: only for a file of a record they may read."""
	for attached in frappe.get_all(
		"File",
		filters={"file_url": file_url, "attached_to_doctype": ("in", list(GUARDED))},
		fields=["attached_to_doctype", "attached_to_name"],
	):
		if not frappe.has_permission(
			attached.attached_to_doctype, "read", attached.attached_to_name, user=user
		):
			refuse("File")


def file_has_permission(doc, ptype=None, user=None, debug=False):
	"""has_permission of File: a file of a citizen's record is reached through the record, never by
	having uploaded it (frappe lets a file's owner read it for good): a representative whose right
	ended keeps none. None lets frappe's own check decide the rest."""
	user = user or frappe.session.user
	if user == "Administrator":
		return None
	needs = "read" if ptype in (None, "read", "select", "print", "email", "share") else "write"
	if doc.attached_to_doctype in GUARDED and doc.attached_to_name:
		attached = [(doc.attached_to_doctype, doc.attached_to_name)]
	elif doc.is_private and doc.file_url and needs == "read":
		# An unattached copy of a record's private file (see check_private_file_url).
		attached = frappe.get_all(
			"File",
			filters={"file_url": doc.file_url, "attached_to_doctype": ("in", list(GUARDED))},
			fields=["attached_to_doctype", "attached_to_name"],
			as_list=True,
		)
	else:
		return None
	for doctype, name in attached:
		if name and not frappe.has_permission(doctype, needs, name, user=user):
			return False
	return None


def is_annotation(doc) -> bool:
	return doc.doctype != "Comment" or doc.comment_type in WRITTEN_COMMENTS


def changed_links(doc):
	"""(doctype, name) of every link to a guarded record that this write sets or changes."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	before_rows = {}
	if before:
		before_rows = {row.name: row for row in before.get_all_children()}
	for row in [doc, *doc.get_all_children()]:
		old = before if row is doc else before_rows.get(row.name)
		for df in row.meta.get_link_fields() + row.meta.get_dynamic_link_fields():
			value = row.get(df.fieldname)
			if not value or (old is not None and old.get(df.fieldname) == value):
				continue
			target = df.options if df.fieldtype == "Link" else row.get(df.options)
			if target in GUARDED:
				yield target, value


def refuse(doctype, name=None):
	message = (
		_("You are not permitted to use {0} {1}.").format(_(doctype), name)
		if name
		else _("You are not permitted to use this {0}.").format(_(doctype))
	)
	frappe.throw(message, frappe.PermissionError, title=_("Not permitted"))


# frappe v15 routes that read or write past the row-level rule; hooks.py points them here.


@frappe.whitelist()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	"""frappe.client.get_count counts without permissions: for the guarded doctypes that would tell
	anyone whether a person with a given name or birth date exists. Count what the user may list."""
	from frappe.client import get_count as count_all

	if not is_app_doctype(doctype):
		return count_all(doctype, filters, debug, cache)
	rows = frappe.get_list(
		doctype,
		filters=frappe.parse_json(filters),
		fields=[f"count(`tab{doctype}`.`name`) as total"],
		order_by=None,
	)
	return rows[0].total if rows else 0


@frappe.whitelist(allow_guest=True)
@retrying
def accept(web_form: str, data: str):
	"""frappe v15's web forms insert without any permission check, and run the controller's
	before_insert before any hook could refuse: check the document as the form would build it."""
	from frappe.website.doctype.web_form.web_form import accept as frappe_accept

	form = frappe.get_cached_doc("Web Form", web_form)
	values = frappe._dict(frappe.parse_json(data) or {})
	if is_app_doctype(form.doc_type):
		if values.get("name"):
			if not frappe.has_permission(form.doc_type, "write", values.name):
				refuse(form.doc_type, values.name)
		else:
			doc = frappe.new_doc(form.doc_type)
			doc.update(
				{
					field.fieldname: values.get(field.fieldname)
					for field in form.web_form_fields
					if field.fieldname in values
				}
			)
			if frappe.session.user == "Guest" or not frappe.has_permission(form.doc_type, "create", doc=doc):
				refuse(form.doc_type)
			for doctype, name in changed_links(doc):
				if not may_link(doctype, name, frappe.session.user):
					refuse(doctype, name)
	return frappe_accept(web_form, data)


@frappe.whitelist()
@retrying
def run_doc_method(
	method: str,
	docs: str | dict | None = None,
	dt: str | None = None,
	dn: str | None = None,
	arg: str | dict | list | None = None,
	args: str | dict | list | None = None,
):
	"""frappe runs a method on a document the client sends, and compares its timestamp with the
	stored one before it asks whether the user may read the stored one at all."""
	from frappe.handler import run_doc_method as frappe_run_doc_method

	sent = frappe.parse_json(docs) if docs else {}
	doctype, name = sent.get("doctype", dt), sent.get("name", dn)
	stored = doctype and name and is_app_doctype(doctype) and frappe.db.exists(doctype, name)
	if stored and not frappe.has_permission(doctype, "read", name):
		refuse(doctype, name)
	return frappe_run_doc_method(method, docs=docs, dt=dt, dn=dn, arg=arg, args=args)


def is_app_doctype(doctype) -> bool:
	return doctype in GUARDED or frappe.get_cached_value("DocType", doctype, "module") == "Borgerbudget"


def _search_args(doctype, ignore_user_permissions):
	# ignore_user_permissions=1 makes frappe's search skip the permission query altogether.
	return 0 if doctype in GUARDED else ignore_user_permissions


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list:
	from frappe.desk.search import search_link as frappe_search_link

	return frappe_search_link(
		doctype,
		txt,
		query,
		filters,
		page_length,
		searchfield,
		reference_doctype,
		_search_args(doctype, ignore_user_permissions),
	)


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields: str | None = None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	from frappe.desk.search import search_widget as frappe_search_widget

	return frappe_search_widget(
		doctype,
		txt,
		query,
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=_search_args(doctype, ignore_user_permissions),
	)


@frappe.whitelist()
def get_link_title(doctype: str, docname: str):
	"""frappe returns a link's title (for a participant, their name) without asking who reads it."""
	from frappe.desk.search import get_link_title as frappe_get_link_title

	if doctype in GUARDED and not frappe.has_permission(doctype, "read", docname):
		return docname
	return frappe_get_link_title(doctype, docname)


def _check_tagging(dt, names):
	# frappe writes the tag before it checks permission, and its check then fails with a 500.
	for name in names:
		if not frappe.has_permission(dt, "write", name):
			refuse(dt, name)


@frappe.whitelist()
def add_tag(tag: str, dt: str, dn: str, color: str | None = None):
	from frappe.desk.doctype.tag.tag import add_tag as frappe_add_tag

	_check_tagging(dt, [dn])
	return frappe_add_tag(tag, dt, dn, color)


@frappe.whitelist()
def add_tags(tags: str | list, dt: str, docs: str | list, color: str | None = None):
	from frappe.desk.doctype.tag.tag import add_tags as frappe_add_tags

	_check_tagging(dt, frappe.parse_json(docs))
	return frappe_add_tags(tags, dt, docs, color)


@frappe.whitelist()
def remove_tag(tag: str, dt: str, dn: str):
	from frappe.desk.doctype.tag.tag import remove_tag as frappe_remove_tag

	_check_tagging(dt, [dn])
	return frappe_remove_tag(tag, dt, dn)


@frappe.whitelist()
def toggle_like(doctype: str, name: str, add: str | bool = False):
	"""frappe's like writes to the record without any permission check."""
	from frappe.desk.like import toggle_like as frappe_toggle_like

	if is_app_doctype(doctype) and not frappe.has_permission(doctype, "write", name):
		refuse(doctype, name)
	return frappe_toggle_like(doctype, name, add)


# What the citizen's side (a citizen, or their representative) gets of a record's timeline: its
# files. Caseworkers' comments, e-mails, assignments and versions are the caseworkers' own working
# record; frappe hands them to anyone who reads the document.
CITIZEN_DOCINFO = ("doctype", "name", "attachments")


def _citizen_docinfo():
	docinfo = frappe.response.get("docinfo")
	if docinfo and is_citizen():
		frappe.response["docinfo"] = frappe._dict(
			{key: docinfo.get(key) for key in CITIZEN_DOCINFO}, user_info={}
		)


@frappe.whitelist()
def getdoc(doctype: str, name: str):
	"""frappe's getdoc (which refuses a user without read permission: this rule's has_permission),
	without the staff timeline for the citizen's side, and the open logged."""
	from frappe.desk.form.load import getdoc as frappe_getdoc

	from borgerbudget import access_log

	frappe_getdoc(doctype, name)
	_citizen_docinfo()
	access_log.record_form(doctype, name)


@frappe.whitelist()
def get_docinfo(doc: str | None = None, doctype: str | None = None, name: str | None = None):
	"""frappe's get_docinfo (it checks read permission on the record), as getdoc filters it."""
	from frappe.desk.form.load import get_docinfo as frappe_get_docinfo

	if doc is not None:  # only ever passed from code, never over HTTP
		frappe.throw(_("Give the doctype and the name."), frappe.PermissionError)
	frappe_get_docinfo(doctype=doctype, name=name)
	_citizen_docinfo()


@frappe.whitelist()
def get_communications(doctype: str, name: str, start: int = 0, limit: int = 20):
	"""frappe's get_communications (it checks read permission on the record); none for the citizen's side."""
	from frappe.desk.form.load import get_communications as frappe_get_communications

	communications = frappe_get_communications(doctype, name, start, limit)
	return [] if is_citizen() else communications


OVERRIDDEN_METHODS = {
	"frappe.desk.form.load.getdoc": getdoc,
	"frappe.desk.form.load.get_docinfo": get_docinfo,
	"frappe.desk.form.load.get_communications": get_communications,
	"frappe.website.doctype.web_form.web_form.accept": accept,
	"run_doc_method": run_doc_method,
	"frappe.handler.run_doc_method": run_doc_method,
	"frappe.client.get_count": get_count,
	"frappe.desk.search.search_link": search_link,
	"frappe.desk.search.search_widget": search_widget,
	"frappe.desk.search.get_link_title": get_link_title,
	"frappe.desk.doctype.tag.tag.add_tag": add_tag,
	"frappe.desk.doctype.tag.tag.add_tags": add_tags,
	"frappe.desk.doctype.tag.tag.remove_tag": remove_tag,
	"frappe.desk.like.toggle_like": toggle_like,
}


def annotation_condition(doctype_column, name_column, user=None) -> str:
	"""Rows of a frappe table that point at records (doctype_column, name_column): only those
	pointing at a guarded record the user may see."""
	user = user or frappe.session.user
	parts = []
	for doctype in sorted(GUARDED):
		condition = get_permission_query_conditions(user, doctype)
		if condition:
			parts.append(
				f"({doctype_column} = {frappe.db.escape(doctype)} and {name_column} not in "
				f"(select `tab{doctype}`.`name` from `tab{doctype}` where {condition}))"
			)
	return f"not ({' or '.join(parts)})" if parts else ""


def get_file_conditions(user=None, doctype=None):
	return annotation_condition("`tabFile`.`attached_to_doctype`", "`tabFile`.`attached_to_name`", user)


def get_tag_link_conditions(user=None, doctype=None):
	return annotation_condition("`tabTag Link`.`document_type`", "`tabTag Link`.`document_name`", user)


def filter_response(response=None, request=None):
	"""frappe answers a save (REST PUT and POST, the desk's savedocs, run_doc_method, web forms) with
	the whole document, fields the user may not read included; a GET blanks those. Blank them in
	every JSON answer too (hooks.py: after_request)."""
	if not response or response.mimetype != "application/json" or frappe.session.user == "Administrator":
		return
	try:
		body = json.loads(response.get_data())
	except ValueError:
		return
	if strip_unreadable(body, {}):
		response.set_data(json.dumps(body, separators=(",", ":"), ensure_ascii=False))


def strip_unreadable(value, hidden_by_doctype) -> bool:
	"""Blank, in place, the fields of the app's documents the session user may not read."""
	changed = False
	if isinstance(value, list):
		for item in value:
			changed = strip_unreadable(item, hidden_by_doctype) or changed
	elif isinstance(value, dict):
		doctype = value.get("doctype")
		if isinstance(doctype, str) and not value.get("parenttype") and is_app_doctype(doctype):
			if doctype not in hidden_by_doctype:
				hidden_by_doctype[doctype] = unreadable_fields(doctype)
			# As frappe's own GET does it: the field is there, its value is not.
			for fieldname in hidden_by_doctype[doctype]:
				if value.get(fieldname) is not None:
					value[fieldname] = None
					changed = True
		for item in value.values():
			if isinstance(item, list | dict):
				changed = strip_unreadable(item, hidden_by_doctype) or changed
	return changed


def unreadable_fields(doctype) -> list[str]:
	meta = frappe.get_meta(doctype)
	roles = roles_of()
	levels = {perm.permlevel for perm in meta.permissions if perm.role in roles and perm.read}
	return [df.fieldname for df in meta.fields if df.permlevel not in levels]


@contextlib.contextmanager
def as_system():
	"""A write the app makes itself, not the user of the request: what the e-invoice access point
	and the mailbox take in, the MitID login log. The user, their session and language come back."""
	user, session, form = (
		frappe.session.user,
		copy.deepcopy(dict(frappe.local.session)),
		frappe.local.form_dict,
	)
	lang = frappe.local.lang
	frappe.set_user("Administrator")
	# What the inbox writes (its reasons) is in the site's language, not the caller's.
	frappe.local.lang = frappe.db.get_default("lang") or lang
	try:
		yield
	finally:
		frappe.set_user(user)
		# set_user empties the session (its CSRF token among it): the caller's is put back as it was.
		frappe.local.session.clear()
		frappe.local.session.update(session)
		frappe.local.form_dict, frappe.local.lang = form, lang
