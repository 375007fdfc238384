"""Each role's desk shows only its own workspaces: the workspace roles the app's set-up writes."""

import frappe
import pytest
from frappe.desk.desktop import get_workspace_sidebar_items

from borgerbudget.setup import workspaces
from tests.integration.factories import user


def sidebar(key):
	frappe.set_user(user(key) if key != "Administrator" else key)
	frappe.cache.delete_value("user_allowed_modules", user=frappe.session.user)
	return [page.name for page in get_workspace_sidebar_items()["pages"]]


@pytest.mark.parametrize(
	("key", "expected"),
	[
		("caseworker_a", ["Borgerbudget"]),
		("team_lead", ["Borgerbudget", "Evaluation"]),
		("auditor", ["Borgerbudget", "Evaluation"]),
		("researcher", ["Evaluation"]),
		("admin", ["Borgerbudget", "Evaluation"]),
		("finance", ["Accounting", "Borgerbudget"]),
		("finance_approver", ["Accounting", "Borgerbudget"]),
	],
)
def test_each_role_sees_only_its_own_workspaces(key, expected):
	workspaces.setup_workspace_roles()
	assert sorted(sidebar(key)) == expected


def test_everyone_else_sees_the_workspaces_as_before():
	workspaces.setup_workspace_roles()
	shown = sidebar("Administrator")
	assert {
		"Build",
		"Website",
		"Tools",
		"Integrations",
		"ERPNext Settings",
		"Payables",
		"Borgerbudget",
	} <= set(shown)
	# A system manager without the app's roles still has frappe's workspaces.
	roles = set(
		frappe.get_all("Has Role", filters={"parent": "Build", "parenttype": "Workspace"}, pluck="role")
	)
	assert "System Manager" in roles and "Stock User" in roles
	assert not roles & {*workspaces.STAFF_ROLES, "Accounts User"}


def test_setup_is_idempotent_and_uninstall_takes_the_roles_away():
	workspaces.setup_workspace_roles()
	rows = frappe.db.count("Has Role", {"parenttype": "Workspace"})
	workspaces.setup_workspace_roles()
	assert frappe.db.count("Has Role", {"parenttype": "Workspace"}) == rows
	managed = workspaces.managed_workspaces()
	assert "Build" in managed and "Borgerbudget" not in managed
	workspaces.remove_workspace_roles()
	assert not frappe.db.exists("Has Role", {"parenttype": "Workspace", "parent": ("in", managed)})
	# The app's own workspaces keep the roles of their JSON.
	assert frappe.db.exists("Has Role", {"parenttype": "Workspace", "parent": "Borgerbudget"})
	assert frappe.db.get_default(workspaces.RECORD) is None
