import frappe

from borgerbudget.hooks import APPROVAL_WORKFLOW_ACTIONS, APPROVAL_WORKFLOW_STATES, BORGERBUDGET_ROLES
from borgerbudget.rules import BUDGET_CATEGORIES

# The Danish benefit types a screening refers to. Municipalities may add their own.
BENEFIT_TYPES = (
	("Kontanthjælp", "Cash benefit"),
	("Uddannelseshjælp", "Education benefit for young people without education"),
	("Integrationsydelse", "Integration benefit"),
	("Selvforsørgelses- og hjemrejseydelse", "Self-support and return benefit"),
	("Ressourceforløbsydelse", "Benefit during a resource course"),
	("Sygedagpenge", "Sickness benefit"),
	("Arbejdsløshedsdagpenge", "Unemployment insurance benefit"),
	("Ledighedsydelse", "Benefit for persons approved for flexjob"),
	("Ingen ydelse", "No public benefit"),
)


def after_install():
	create_benefit_types()
	create_budget_categories()


def create_benefit_types():
	for name, description in BENEFIT_TYPES:
		if not frappe.db.exists("Benefit Type", name):
			frappe.get_doc(
				{"doctype": "Benefit Type", "benefit_type_name": name, "description": description}
			).insert()


def create_budget_categories():
	for name in BUDGET_CATEGORIES:
		if not frappe.db.exists("Budget Category", name):
			frappe.get_doc({"doctype": "Budget Category", "category_name": name}).insert()


def before_uninstall():
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
