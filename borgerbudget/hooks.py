from borgerbudget.permissions import GUARDED, OVERRIDDEN_METHODS, ROLES
from borgerbudget.rules import approval as approval_rules

app_name = "borgerbudget"
app_title = "Borgerbudget"
app_publisher = "Borgerbudget contributors"
app_description = "Citizen-controlled personal budgets (borgerstyrede budgetter) for Danish municipalities"
app_email = "dev@borgerbudget.example"
app_license = "mit"

# The org/repo form is resolved offline; a bare "erpnext" makes install-app ask GitHub.
required_apps = ["frappe/erpnext"]

# Every whitelisted function of the app annotates each parameter. frappe v15 checks the argument
# types of an annotated whitelisted function at each call (form-encoded arguments arrive as
# strings); a frappe that reads this hook (v16) also refuses a call to one left unannotated.
require_type_annotated_api_methods = True

after_install = "borgerbudget.setup.install.after_install"
before_uninstall = "borgerbudget.setup.uninstall.before_uninstall"

# Only the records this app owns; fixtures are re-imported on every migrate.
BORGERBUDGET_ROLES = list(ROLES)
# The approval's states and actions: the table in rules/approval.py.
APPROVAL_WORKFLOW_STATES = list(approval_rules.WORKFLOW_STATES)
APPROVAL_WORKFLOW_ACTIONS = list(approval_rules.ACTIONS.values())

fixtures = [
	{"dt": "Role", "filters": [["role_name", "in", BORGERBUDGET_ROLES]]},
	{"dt": "Workflow State", "filters": [["name", "in", APPROVAL_WORKFLOW_STATES]]},
	{"dt": "Workflow Action Master", "filters": [["name", "in", APPROVAL_WORKFLOW_ACTIONS]]},
	{"dt": "Workflow", "filters": [["name", "=", "Budget Plan Approval"]]},
]

# Frappe adds these to a web form's script only when the form has a .js file of its own.
webform_include_js = {
	"Budget Plan": "public/js/budget_plan_web_form.js",
	"Budget Plan Approval": "public/js/approval_web_form.js",
}

# Who may reach what: one rule in borgerbudget/permissions.py. A doctype joins it by being listed there.
permission_query_conditions = {
	**{doctype: "borgerbudget.permissions.get_permission_query_conditions" for doctype in GUARDED},
	# frappe lists every file and tag of a doctype the user may read; these keep to the records.
	"File": "borgerbudget.permissions.get_file_conditions",
	"Tag Link": "borgerbudget.permissions.get_tag_link_conditions",
}
has_permission = {
	**{doctype: "borgerbudget.permissions.has_permission" for doctype in GUARDED},
	# A citizen's file is reached through its record, not by having uploaded it.
	"File": "borgerbudget.permissions.file_has_permission",
}
# A request that loses the database answers clearly (borgerbudget/lost_database.py): frappe has no
# hook for a failing request, so this wraps frappe.app's error handling and commit once per process.
# While the Redis cache is down, no change is made; with the queue down, an enqueue fails inside
# its request, not after the request's commit (borgerbudget/faults.py).
before_request = [
	"borgerbudget.lost_database.install",
	"borgerbudget.faults.refuse_changes_without_cache",
	"borgerbudget.faults.check_queue_at_enqueue",
]
# A request failed while a Redis server is down, or whose commit lost the database: the clear 503
# first (borgerbudget/faults.py, borgerbudget/lost_database.py). Then the retry, so that the filter
# sees the answer that is sent.
# Then the record of who opened a citizen's record (borgerbudget/access_log.py).
after_request = [
	"borgerbudget.faults.answer_outage",
	"borgerbudget.lost_database.answer_lost_commit",
	"borgerbudget.retry.rerun_rest_write",
	"borgerbudget.permissions.filter_response",
	"borgerbudget.access_log.after_request",
]
# Saves that meet a deadlock are run again (borgerbudget/retry.py).
RETRIED_METHODS = {
	"frappe.desk.form.save.savedocs": "borgerbudget.retry.savedocs",
	"frappe.desk.form.save.cancel": "borgerbudget.retry.cancel_doc",
	"frappe.client.insert": "borgerbudget.retry.insert",
	"frappe.client.save": "borgerbudget.retry.save",
	"frappe.client.submit": "borgerbudget.retry.submit",
	"frappe.client.cancel": "borgerbudget.retry.cancel",
	"frappe.client.set_value": "borgerbudget.retry.set_value",
	"frappe.model.workflow.apply_workflow": "borgerbudget.retry.apply_workflow",
}
override_whitelisted_methods = {
	**RETRIED_METHODS,
	**{
		method: f"borgerbudget.permissions.{function.__name__}"
		for method, function in OVERRIDDEN_METHODS.items()
	},
}

after_migrate = "borgerbudget.setup.install.after_migrate"

# MitID login (borgerbudget/mitid/login.py): its button on the login page, and the switch that
# leaves citizens no password login.
update_website_context = [
	"borgerbudget.mitid.login.website_context",
	# "Du handler på vegne af …" for a representative (borgerbudget/representation.py).
	"borgerbudget.representation.website_context",
	# The accessibility statement in the footer, and the words of the portal's accessibility script.
	"borgerbudget.portal.website_context",
]
# Labels, error messages tied to their fields, contrast and focus on frappe's web forms and lists
# (measured by tests/integration/test_accessibility.py).
web_include_js = ["/assets/borgerbudget/js/portal_a11y.js"]
web_include_css = ["/assets/borgerbudget/css/portal_a11y.css"]
on_login = ["borgerbudget.mitid.login.refuse_citizen_password_login"]
# The citizen's pages in the portal's menu (the sidebar of /me): the plan, its changes, and "Mine data"
# (borgerbudget/insight.py). portal_menu_items, not standard_portal_menu_items: frappe v15's
# Portal Settings.sync_menu drops every synced item without a reference doctype, so a page of the
# app's own never reached the menu that way.
portal_menu_items = [
	{"title": "My data", "route": "/my-data", "role": "Borgerbudget Citizen"},
	{"title": "My plan", "route": "/my-plan", "role": "Borgerbudget Citizen"},
	{"title": "Changes to My Plan", "route": "/my-change", "role": "Borgerbudget Citizen"},
]

# Payouts live in ERPNext's own documents; these keep the budget lines in step with them.
_invoice_change = "borgerbudget.accounting.purchase_invoice.on_purchase_invoice_change"
doc_events = {
	# Every write, on every route, passes the guard before any controller acts on it.
	"*": {
		"before_insert": "borgerbudget.permissions.guard",
		"before_validate": ["borgerbudget.permissions.guard", "borgerbudget.input.check_values"],
		# A representative's change, recorded as made on the citizen's behalf.
		**{
			event: "borgerbudget.representation.record_on_behalf"
			for event in ("after_insert", "on_update", "on_submit", "on_cancel")
		},
	},
	"Purchase Invoice": {
		"validate": "borgerbudget.accounting.purchase_invoice.validate_purchase_invoice",
		"on_update": _invoice_change,
		"on_submit": _invoice_change,
		"on_cancel": [_invoice_change, "borgerbudget.einvoice.intake.on_invoice_gone"],
		"on_trash": [_invoice_change, "borgerbudget.einvoice.intake.on_invoice_gone"],
	},
	"Payment Entry": {
		"validate": "borgerbudget.accounting.payment_entry.validate_payment_entry",
		"on_submit": "borgerbudget.accounting.payment_entry.on_payment_entry_change",
		"on_cancel": "borgerbudget.accounting.payment_entry.on_payment_entry_change",
	},
	"Journal Entry": {
		"validate": "borgerbudget.accounting.journal_entry.validate_journal_entry",
		"on_submit": "borgerbudget.accounting.journal_entry.on_journal_entry_change",
		"on_cancel": "borgerbudget.accounting.journal_entry.on_journal_entry_change",
	},
	"Supplier": {"validate": "borgerbudget.accounting.supplier.validate_supplier"},
	"Bank Account": {"validate": "borgerbudget.accounting.bank_account.validate_bank_account"},
	# A supplier's e-invoice attached to a mail: to the E-Invoice inbox (borgerbudget/einvoice/intake.py).
	"File": {"after_insert": "borgerbudget.einvoice.intake.on_file"},
}

scheduler_events = {
	"daily": [
		"borgerbudget.borgerbudget.doctype.budget_advance.budget_advance.send_receipt_reminders",
		"borgerbudget.borgerbudget.doctype.participant.participant.flag_courses_past_end",
		"borgerbudget.borgerbudget.doctype.follow_up.follow_up.flag_overdue_follow_ups",
		"borgerbudget.borgerbudget.doctype.representative.representative.refresh_statuses",
		# Proposes participants past retention; an administrator decides (never erased silently).
		"borgerbudget.borgerbudget.doctype.data_erasure.data_erasure.propose_erasures",
	],
}

# The evaluation reports' shared filters.
app_include_js = [
	"/assets/borgerbudget/js/evaluation_filters.js",
	"/assets/borgerbudget/js/budget_line_picker.js",
	"/assets/borgerbudget/js/insight.js",
]

doctype_js = {"Purchase Invoice": "public/js/purchase_invoice.js"}

# The citizen's Notifications copy their representatives who receive notices (borgerbudget/representation.py).
jinja = {"methods": ["borgerbudget.representation.notice_emails"]}
