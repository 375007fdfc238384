"""The desk shows each of the app's roles only its own workspaces: Borgerbudget, Evaluation (their
roles are in their JSON) and, for finance, ERPNext's Accounting. frappe shows a workspace without
roles to everyone who reaches its module; one with roles only to those roles. So each of frappe's
and ERPNext's public workspaces that has no roles of its own gets every other desk role: everyone
else sees it as before, the app's staff do not. The rows are written straight to the table (saving a
standard workspace in developer mode would write frappe's or ERPNext's files), set again on every
migrate (a migrate may re-import a workspace, and roles may have been added), and removed on
uninstall. Roles created later see those workspaces from the next migrate on."""

import json

import frappe

from borgerbudget.permissions import (
	ADMIN,
	AUDITOR,
	CASEWORKER,
	CITIZEN,
	CPR_ACCESS,
	EINVOICE_INTEGRATION,
	FINANCE,
	FINANCE_APPROVER,
	RESEARCHER,
	TEAM_LEAD,
)

OWN_MODULE = "Borgerbudget"
STAFF_ROLES = (ADMIN, CASEWORKER, TEAM_LEAD, FINANCE, FINANCE_APPROVER, AUDITOR, CPR_ACCESS, RESEARCHER)
# ERPNext's role that the app's finance staff hold beside their own: the payouts are its documents.
HELD_BESIDE = ("Accounts User",)
# frappe's and ERPNext's workspaces that the app's roles keep, and which of them.
SHARED = {"Accounting": (FINANCE, FINANCE_APPROVER)}
# Roles frappe gives by itself, and the app's roles that never use the desk.
NOT_LISTED = ("Administrator", "Guest", "All", "Desk User", CITIZEN, EINVOICE_INTEGRATION)
# The workspaces whose roles the app set (a site default), so uninstall removes exactly those.
RECORD = "borgerbudget_workspace_roles"


def managed_workspaces():
	recorded = json.loads(frappe.db.get_default(RECORD) or "[]")
	with_roles = set(frappe.get_all("Has Role", filters={"parenttype": "Workspace"}, pluck="parent"))
	candidates = frappe.get_all(
		"Workspace",
		filters={"public": 1, "module": ("!=", OWN_MODULE), "name": ("!=", "Welcome Workspace")},
		pluck="name",
	)
	existing = set(frappe.get_all("Workspace", pluck="name"))
	return sorted({name for name in recorded if name in existing} | (set(candidates) - with_roles))


def setup_workspace_roles():
	others = sorted(
		set(frappe.get_all("Role", filters={"desk_access": 1, "disabled": 0}, pluck="name"))
		- set(STAFF_ROLES)
		- set(HELD_BESIDE)
		- set(NOT_LISTED)
	)
	changed = False
	managed = managed_workspaces()
	for workspace in managed:
		wanted = set(others)
		if workspace in SHARED:
			wanted |= {*SHARED[workspace], *HELD_BESIDE}
		have = set(
			frappe.get_all("Has Role", filters={"parenttype": "Workspace", "parent": workspace}, pluck="role")
		)
		if have == wanted:
			continue
		frappe.db.delete("Has Role", {"parenttype": "Workspace", "parent": workspace})
		for idx, role in enumerate(sorted(wanted), start=1):
			frappe.get_doc(
				{
					"doctype": "Has Role",
					"parenttype": "Workspace",
					"parentfield": "roles",
					"parent": workspace,
					"role": role,
					"idx": idx,
				}
			).db_insert()
		frappe.clear_document_cache("Workspace", workspace)
		changed = True
	frappe.db.set_default(RECORD, json.dumps(managed))
	if changed:
		frappe.cache.delete_key("bootinfo")
		frappe.cache.delete_key("user_allowed_modules")


def remove_workspace_roles():
	for workspace in json.loads(frappe.db.get_default(RECORD) or "[]"):
		frappe.db.delete("Has Role", {"parenttype": "Workspace", "parent": workspace})
		frappe.clear_document_cache("Workspace", workspace)
	frappe.defaults.clear_default(RECORD)
	frappe.cache.delete_key("bootinfo")
