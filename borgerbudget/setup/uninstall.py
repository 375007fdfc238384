"""The uninstall hook (hooks.py: before_uninstall)."""

import frappe

from borgerbudget.hooks import APPROVAL_WORKFLOW_ACTIONS, APPROVAL_WORKFLOW_STATES, BORGERBUDGET_ROLES
from borgerbudget.setup.access_log import remove_access_log_setup
from borgerbudget.setup.payouts import remove_payout_setup
from borgerbudget.setup.workspaces import remove_workspace_roles


def before_uninstall():
	remove_payout_setup()
	remove_access_log_setup()
	remove_workspace_roles()
	# Frappe removes the module's doctypes and records; the workflow and roles have no module, so they go here.
	if frappe.db.exists("Workflow", "Budget Plan Approval"):
		frappe.delete_doc("Workflow", "Budget Plan Approval", force=True, ignore_permissions=True)
	frappe.db.delete("Workflow Action", {"reference_doctype": "Budget Plan Approval"})
	for doctype, names in (
		("Workflow State", APPROVAL_WORKFLOW_STATES),
		("Workflow Action Master", APPROVAL_WORKFLOW_ACTIONS),
	):
		for name in names:
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for role in BORGERBUDGET_ROLES:
		frappe.db.delete("Has Role", {"role": role})
		frappe.db.delete("Custom DocPerm", {"role": role})
		frappe.db.delete("DocPerm", {"role": role})
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, force=True, ignore_permissions=True)
