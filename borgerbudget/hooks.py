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

permission_query_conditions = {
	"Participant": "borgerbudget.borgerbudget.doctype.participant.participant.get_permission_query_conditions",
	"Budget Plan": "borgerbudget.borgerbudget.doctype.budget_plan.budget_plan.get_permission_query_conditions",
	"Budget Plan Note": "borgerbudget.borgerbudget.doctype.budget_plan_note.budget_plan_note.get_permission_query_conditions",
	"Budget Plan Approval": "borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval.get_permission_query_conditions",
	"Approval Vote": "borgerbudget.borgerbudget.doctype.approval_vote.approval_vote.get_permission_query_conditions",
}
has_permission = {
	"Participant": "borgerbudget.borgerbudget.doctype.participant.participant.has_permission",
	"Budget Plan": "borgerbudget.borgerbudget.doctype.budget_plan.budget_plan.has_permission",
	"Budget Plan Note": "borgerbudget.borgerbudget.doctype.budget_plan_note.budget_plan_note.has_permission",
	"Budget Plan Approval": "borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval.has_permission",
	"Approval Vote": "borgerbudget.borgerbudget.doctype.approval_vote.approval_vote.has_permission",
}
