app_name = "borgerbudget"
app_title = "Borgerbudget"
app_publisher = "Borgerbudget contributors"
app_description = "Citizen-controlled personal budgets (borgerstyrede budgetter) for Danish municipalities"
app_email = "dev@borgerbudget.example"
app_license = "mit"

# The org/repo form is resolved offline; a bare "erpnext" makes install-app ask GitHub.
required_apps = ["frappe/erpnext"]

after_install = "borgerbudget.install.after_install"
before_uninstall = "borgerbudget.install.before_uninstall"

# Only the records this app owns; fixtures are re-imported on every migrate.
BORGERBUDGET_ROLES = [
	"Borgerbudget Admin",
	"Caseworker",
	"Caseworker Team Lead",
	"Borgerbudget Finance",
	"Borgerbudget Auditor",
	"Borgerbudget CPR Access",
	"Borgerbudget Citizen",
	"Borgerbudget Researcher",
]
APPROVAL_WORKFLOW_STATES = [
	"Awaiting Assessment",
	"Awaiting Colleague Comments",
	"Awaiting Team Decision",
	"Plan Approved",
	"Plan Needs Revision",
	"Plan Rejected",
]
APPROVAL_WORKFLOW_ACTIONS = ["Ask Colleagues", "Refer to Team", "Approve Plan", "Return to Citizen", "Reject Plan"]

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

# Row-level access. A participant's documents are visible to whoever may see the participant.
_participant = "borgerbudget.borgerbudget.doctype.participant.participant"
_participant_documents = (
	"Budget Plan",
	"Budget Plan Approval",
	"Budget Plan Amendment",
	"Budget Advance",
	"Repayment Claim",
	"Follow-up",
	"Course Termination",
)
permission_query_conditions = {
	"Participant": f"{_participant}.get_permission_query_conditions",
	**{doctype: f"{_participant}.get_document_conditions" for doctype in _participant_documents},
	"Budget Plan Note": "borgerbudget.borgerbudget.doctype.budget_plan_note.budget_plan_note.get_permission_query_conditions",
	"Approval Vote": "borgerbudget.borgerbudget.doctype.approval_vote.approval_vote.get_permission_query_conditions",
	"Cohort": "borgerbudget.borgerbudget.doctype.cohort.cohort.get_permission_query_conditions",
}
has_permission = {
	"Participant": f"{_participant}.has_permission",
	**{doctype: f"{_participant}.has_document_permission" for doctype in _participant_documents},
	"Budget Plan Note": "borgerbudget.borgerbudget.doctype.budget_plan_note.budget_plan_note.has_permission",
	"Approval Vote": "borgerbudget.borgerbudget.doctype.approval_vote.approval_vote.has_permission",
	"Cohort": "borgerbudget.borgerbudget.doctype.cohort.cohort.has_permission",
}

after_migrate = "borgerbudget.install.after_migrate"

# Payouts live in ERPNext's own documents; these keep the budget lines in step with them.
_invoice_change = "borgerbudget.accounting.on_purchase_invoice_change"
doc_events = {
	"Purchase Invoice": {
		"validate": "borgerbudget.accounting.validate_purchase_invoice",
		"on_update": _invoice_change,
		"on_submit": _invoice_change,
		"on_cancel": _invoice_change,
		"on_trash": _invoice_change,
	},
	"Payment Entry": {
		"validate": "borgerbudget.accounting.validate_payment_entry",
		"on_submit": "borgerbudget.accounting.on_payment_entry_change",
		"on_cancel": "borgerbudget.accounting.on_payment_entry_change",
	},
	"Journal Entry": {
		"validate": "borgerbudget.accounting.validate_journal_entry",
		"on_submit": "borgerbudget.accounting.on_journal_entry_change",
		"on_cancel": "borgerbudget.accounting.on_journal_entry_change",
	},
}

scheduler_events = {
	"daily": [
		"borgerbudget.borgerbudget.doctype.budget_advance.budget_advance.send_receipt_reminders",
		"borgerbudget.borgerbudget.doctype.participant.participant.flag_courses_past_end",
		"borgerbudget.borgerbudget.doctype.follow_up.follow_up.flag_overdue_follow_ups",
	],
}

# The evaluation reports' shared filters.
app_include_js = [
	"/assets/borgerbudget/js/evaluation_filters.js",
	"/assets/borgerbudget/js/budget_line_picker.js",
]

doctype_js = {"Purchase Invoice": "public/js/purchase_invoice.js"}
