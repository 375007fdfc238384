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
fixtures = [
	{"dt": "Role", "filters": [["role_name", "in", BORGERBUDGET_ROLES]]},
]

permission_query_conditions = {
	"Participant": "borgerbudget.borgerbudget.doctype.participant.participant.get_permission_query_conditions",
}
has_permission = {
	"Participant": "borgerbudget.borgerbudget.doctype.participant.participant.has_permission",
}
