"""Print what an uninstalled borgerbudget left behind on a site (nothing, if uninstall is clean).

Run with the bench's Python from the sites folder: ../env/bin/python uninstall_leftovers.py SITE
"""

import sys

import frappe

frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
left = frappe.db.sql(
	"""select 'DocType', name from `tabDocType` where module = 'Borgerbudget'
	union all select 'Module Def', name from `tabModule Def` where app_name = 'borgerbudget'
	union all select 'Web Form', name from `tabWeb Form` where module = 'Borgerbudget'
	union all select 'Workspace', name from `tabWorkspace` where module = 'Borgerbudget'
	union all select 'Notification', name from `tabNotification` where module = 'Borgerbudget'
	union all select 'Workflow', name from `tabWorkflow` where document_type = 'Budget Plan Approval'
	union all select 'Workflow State', name from `tabWorkflow State`
		where name in ('Awaiting Assessment', 'Awaiting Team Decision', 'Plan Approved', 'Plan Rejected')
	union all select 'Role', name from `tabRole`
		where name like 'Borgerbudget%%' or name in ('Caseworker', 'Caseworker Team Lead')
	union all select 'Accounting Dimension', name from `tabAccounting Dimension`
		where document_type in ('Participant', 'Budget Programme')
	union all select 'Custom Field', name from `tabCustom Field`
		where options in ('Participant', 'Budget Programme', 'Budget Plan', 'Budget Advance', 'Repayment Claim')
			or fieldname in ('budget_line', 'budget_advance_receipt')
	union all select 'Table', table_name from information_schema.tables where table_schema = database()
		and table_name in ('tabParticipant', 'tabBudget Programme', 'tabCaseworker Team', 'tabCPR Access Log',
			'tabBudget Plan Approval', 'tabApproval Vote', 'tabBudget Advance', 'tabRepayment Claim')"""
)
print(" ".join(f"{kind}:{name}" for kind, name in left))
frappe.destroy()
