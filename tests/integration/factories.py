"""Idempotent factories for integration tests. Nothing here commits unless it says so."""

import os
import random
import socket
import subprocess
import sys
import time

import frappe
import requests
from frappe.utils import add_days, getdate, today

from borgerbudget import rules

TEST_PASSWORD = "Borgerbudget-test-2026!"
TEAM = "_Test Caseworker Team"

# key -> (email, roles)
USERS = {
	"caseworker_a": ("bb-caseworker-a@example.com", ["Caseworker"]),
	"caseworker_b": ("bb-caseworker-b@example.com", ["Caseworker"]),
	"teammate": ("bb-teammate@example.com", ["Caseworker"]),
	"teammate_2": ("bb-teammate-2@example.com", ["Caseworker"]),
	"team_lead": ("bb-team-lead@example.com", ["Caseworker Team Lead"]),
	"cpr_caseworker": ("bb-cpr-caseworker@example.com", ["Caseworker", "Borgerbudget CPR Access"]),
	"finance": ("bb-finance@example.com", ["Borgerbudget Finance", "Accounts User"]),
	"finance_approver": (
		"bb-finance-approver@example.com",
		["Borgerbudget Finance", "Borgerbudget Finance Approver", "Accounts User"],
	),
	"auditor": ("bb-auditor@example.com", ["Borgerbudget Auditor"]),
	"admin": ("bb-admin@example.com", ["Borgerbudget Admin"]),
	"researcher": ("bb-researcher@example.com", ["Borgerbudget Researcher"]),
	"citizen": ("bb-citizen@example.com", ["Borgerbudget Citizen"]),
	"citizen_2": ("bb-citizen-2@example.com", ["Borgerbudget Citizen"]),
	"citizen_browser": ("bb-citizen-browser@example.com", ["Borgerbudget Citizen"]),
	# Representatives (fuldmagt) of citizen A's case in the trust-boundary matrix: the scopes Read and Act.
	"representative_read": ("bb-representative-read@example.com", ["Borgerbudget Citizen"]),
	"representative_act": ("bb-representative-act@example.com", ["Borgerbudget Citizen"]),
}


def user(key):
	return USERS[key][0]


def ensure_test_users():
	"""Users for every role, and a team of caseworker A, the teammate and the team lead (committed)."""
	for email, roles in USERS.values():
		if not frappe.db.exists("User", email):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": email.split("@")[0],
					"send_welcome_email": 0,
					"user_type": "Website User" if "Borgerbudget Citizen" in roles else "System User",
					"new_password": TEST_PASSWORD,
				}
			).insert()
		# Again on every run: uninstalling the app removes its roles from users.
		frappe.get_doc("User", email).add_roles(*roles)
	members = [user("caseworker_a"), user("teammate"), user("teammate_2")]
	if not frappe.db.exists("Caseworker Team", TEAM):
		frappe.get_doc(
			{"doctype": "Caseworker Team", "team_name": TEAM, "team_lead": user("team_lead")}
		).insert()
	team = frappe.get_doc("Caseworker Team", TEAM)
	if [row.user for row in team.members] != members:
		team.set("members", [{"user": member} for member in members])
		team.save()
	frappe.db.commit()


def company():
	return (
		frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


def make_programme(**values):
	doc = frappe.get_doc(
		{
			"doctype": "Budget Programme",
			"programme_name": "_Test Programme " + frappe.generate_hash(length=8),
			"target_group": "Long-term unemployed citizens over 30",
			"company": company(),
			**values,
		}
	)
	return doc.insert()


def random_cpr(birth_year=1980):
	"""A valid CPR number for someone born in `birth_year` (1900-1999 use serials 0-3)."""
	birth_date = add_days(f"{birth_year}-01-01", random.randrange(365))
	birth_date = getdate(birth_date)
	assert 1900 <= birth_year <= 1999
	serial = f"{random.randrange(4)}{random.randrange(1000):03d}"
	return birth_date.strftime("%d%m%y") + "-" + serial


def make_participant(programme, insert=True, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Participant",
			"full_name": "Test Borger " + frappe.generate_hash(length=6),
			"programme": programme if isinstance(programme, str) else programme.name,
			"cpr_number": random_cpr(),
			"assigned_caseworker": "Administrator",
			"screening_date": today(),
			"months_unemployed": 18,
			"benefit_type": "Kontanthjælp",
			"job_ready": 1,
			"available_to_labour_market": 1,
			**values,
		}
	)
	return doc.insert() if insert else doc


def make_offered(programme, **values):
	doc = make_participant(programme, screening_assessment="Suitable", **values)
	doc.offer()
	return doc


def give_consent(doc):
	doc.consent_given = 1
	doc.declaration_signed_on = today()
	doc.declaration_file = "/private/files/declaration.pdf"


def make_enrolled(programme, **values):
	"""An enrolled participant; enrolment creates their draft plan."""
	doc = make_offered(programme, **values)
	give_consent(doc)
	doc.accept()
	doc.enroll()
	return doc


def plan_of(participant):
	return frappe.get_doc("Budget Plan", {"participant": participant.name})


def budget_line(plan, **values):
	return {
		"description": "Forklift course",
		"category": "Kursus / uddannelse",
		"amount": 1000,
		"need_date": add_days(plan.course_start_date, 10),
		"payment_route": "Supplier invoice",
		"theory_of_change": "Warehouses in town ask for a forklift certificate.",
		**values,
	}


def complete(plan):
	"""Fill every part of the plan so it can be submitted."""
	plan.motivation = "I want to work in a warehouse."
	plan.strategy_continue = "Running"
	plan.strategy_stop = "Sleeping late"
	plan.strategy_start = "Applying for two jobs a week"
	if not plan.goals:
		plan.append("goals", {"goal": "A job in a warehouse"})
	if not plan.lines:
		plan.append("lines", budget_line(plan, goal="A job in a warehouse"))
	return plan


def submitted_plan(programme, lines=(), **values):
	"""A complete plan of caseworker A's team, submitted for assessment; `lines` are budget_line() values."""
	participant = make_enrolled(
		programme,
		assigned_caseworker=user("caseworker_a"),
		caseworker_team=TEAM,
		email="borger-" + frappe.generate_hash(length=6) + "@example.com",
		**values,
	)
	plan = plan_of(participant)
	for line in lines:
		plan.append("lines", budget_line(plan, goal="A job in a warehouse", **line))
	complete(plan).save()
	plan.submit_for_assessment()
	return plan


def course_and_bus_card():
	"""An approved plan's usual two lines: a course paid on the supplier's invoice, and a bus card the
	citizen is reimbursed for (a new list each time: saving a plan marks the dicts)."""
	return [
		{"description": "Truckkursus", "amount": 4000},
		{
			"description": "Buskort",
			"amount": 600,
			"payment_route": rules.plan.REIMBURSEMENT,
			"category": "Transport",
		},
	]


def approved_plan(programme, lines=(), **values):
	"""A plan approved green by caseworker A, reloaded as Administrator."""
	from frappe.model.workflow import apply_workflow

	plan = submitted_plan(programme, lines, **values)
	apply_workflow(assessment(plan), "Approve Plan")
	frappe.set_user("Administrator")
	return frappe.get_doc("Budget Plan", plan.name)


def make_supplier(name="_Test Køreskole"):
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc({"doctype": "Supplier", "supplier_name": name, "supplier_group": "Services"}).insert()
	return name


def remove_programme(programme):
	"""Test data only (committed by HTTP and browser tests): the programme, its plans and every
	accounting document made for them, ledger rows included."""
	plans = frappe.get_all("Budget Plan", filters={"programme": programme}, pluck="name")
	vouchers = {
		"Payment Entry": frappe.get_all(
			"Payment Entry", filters={"budget_plan": ("in", plans)}, pluck="name"
		),
		"Purchase Invoice": frappe.get_all(
			"Purchase Invoice", filters={"budget_plan": ("in", plans)}, pluck="name"
		),
	}
	for doctype, names in vouchers.items():
		for name in names:
			frappe.db.delete("GL Entry", {"voucher_no": name})
			frappe.db.delete("Payment Ledger Entry", {"voucher_no": name})
			for child in frappe.get_meta(doctype).get_table_fields():
				frappe.db.delete(child.options, {"parent": name})
			frappe.db.delete(doctype, {"name": name})
	for advance in frappe.get_all("Budget Advance", filters={"budget_plan": ("in", plans)}, pluck="name"):
		frappe.db.delete("Budget Advance Receipt", {"parent": advance})
		frappe.db.delete("File", {"attached_to_name": advance})
		frappe.db.delete("Budget Advance", {"name": advance})
	for amendment in frappe.get_all("Budget Plan Amendment", filters={"programme": programme}, pluck="name"):
		frappe.db.delete("ToDo", {"reference_name": amendment})
		for child in ("Budget Plan Amendment Line", "Budget Plan Amendment Change"):
			frappe.db.delete(child, {"parent": amendment})
		frappe.db.delete("Budget Plan Amendment", {"name": amendment})
	for approval in frappe.get_all("Budget Plan Approval", filters={"programme": programme}, pluck="name"):
		frappe.db.delete("ToDo", {"reference_name": approval})
		frappe.db.delete("Budget Plan Approval", {"name": approval})
	for plan in plans:
		frappe.db.delete("Comment", {"reference_name": plan})
		frappe.delete_doc("Budget Plan", plan, force=True)
	participants = frappe.get_all("Participant", filters={"programme": programme}, pluck="name")
	for doctype in ("Representative Action", "Representative"):
		frappe.db.delete(doctype, {"participant": ("in", participants or [""])})
	frappe.db.delete("Participant CPR", {"programme": programme})
	frappe.db.delete("Participant", {"programme": programme})
	frappe.delete_doc("Budget Programme", programme)


def gl_rows(voucher_no):
	"""The voucher's GL rows as (account, debit, credit, party, participant, budget_programme), sorted."""
	return sorted(
		(row.account, row.debit, row.credit, row.party, row.participant, row.budget_programme)
		for row in frappe.get_all(
			"GL Entry",
			filters={"voucher_no": voucher_no, "is_cancelled": 0},
			fields=["account", "debit", "credit", "party", "participant", "budget_programme"],
		)
	)


def assessment(plan, scores=("Yes", "Yes", "Yes"), insert=True, **values):
	"""Caseworker A's assessment of `plan`, classified as the scores suggest unless told otherwise."""
	from borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval import make_approval

	frappe.set_user(user("caseworker_a"))
	doc = make_approval(plan.name)
	for criterion, score in zip(("difference", "ability", "coherence"), scores):
		doc.set(f"{criterion}_score", score)
		doc.set(f"{criterion}_note", f"{criterion}: {score}")
	doc.classification = rules.approval.suggest_classification(
		dict(zip(rules.approval.CRITERIA, scores)), rules.approval.DEFAULT_CLASSIFICATION_RULES
	)
	doc.first_follow_up_date = add_days(today(), 14)
	doc.update(values)
	return doc.insert() if insert else doc


class Api:
	"""A logged-in HTTP session against the real server."""

	def __init__(self, base_url, site, email=None, password=TEST_PASSWORD):
		self.base_url = base_url
		self.session = requests.Session()
		self.session.headers["X-Frappe-Site-Name"] = site
		self.session.headers["Accept"] = "application/json"
		if email:
			response = self.session.post(f"{base_url}/api/method/login", data={"usr": email, "pwd": password})
			assert response.ok, response.text

	def request(self, method, path, **kwargs):
		return self.session.request(method, self.base_url + path, timeout=60, **kwargs)

	def get(self, path, **kwargs):
		return self.request("GET", path, **kwargs)

	def post(self, path, **kwargs):
		return self.request("POST", path, **kwargs)

	def put(self, path, **kwargs):
		return self.request("PUT", path, **kwargs)


def free_port():
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def start_server(
	sites_path,
	site,
	workers=2,
	threads=4,
	app="frappe.app:application_with_statics()",
	pythonpath=None,
	env=None,
	output=None,
):
	"""A real gunicorn serving the bench's sites (and their assets) on a free port of 127.0.0.1,
	once it answers: (process, url). A benchmark may serve a variant `app` from `pythonpath`;
	`env` adds to its environment (frappe reads FRAPPE_REDIS_CACHE, FRAPPE_REDIS_QUEUE,
	FRAPPE_DB_HOST and FRAPPE_DB_PORT over the site config), and
	`output` is a file for what it prints."""
	port = free_port()
	process = subprocess.Popen(
		[
			sys.executable,
			"-m",
			"gunicorn",
			"-b",
			f"127.0.0.1:{port}",
			"-w",
			str(workers),
			"--threads",
			str(threads),
			"-t",
			"120",
			*(["--pythonpath", pythonpath] if pythonpath else []),
			app,
		],
		cwd=sites_path,
		env={**os.environ, **(env or {})},
		stdout=output or subprocess.DEVNULL,
		stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
	)
	url = f"http://127.0.0.1:{port}"
	for _ in range(120):
		try:
			if requests.get(f"{url}/api/method/ping", headers={"X-Frappe-Site-Name": site}, timeout=10).ok:
				return process, url
		except (requests.ConnectionError, requests.Timeout):
			# Not listening yet, or its workers are still loading frappe (slow on a busy machine).
			time.sleep(0.5)
	process.kill()
	raise RuntimeError("gunicorn did not start")
