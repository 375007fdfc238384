"""The trust boundary, proven by a matrix generated from the app's own metadata.

Two citizens' cases are built in full (a participant with every record that hangs off them, and
their files); then every test user, over HTTP against the real gunicorn, tries every route on
every record of every doctype of the app, every web form, every whitelisted method that takes a
document, every Script Report and every private file. What each user may read is restated here
independently of the app's code: finance, the auditor and the admin see everyone; a caseworker
sees their own and their team's (a team lead: their team's); a citizen sees their own case; a
researcher and a guest see no one. No response may carry anything of a person the user may not
see: their name, the text of their case, the names of their files, or anyone's CPR number, its
ciphertext or its keyed hash. A doctype, web form, method or report added to the app is covered
here without a test of its own.
"""

import base64
import importlib
import inspect
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, today

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment import make_amendment
from borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval import make_approval
from tests.integration.factories import (
	TEAM,
	USERS,
	Api,
	budget_line,
	complete,
	give_consent,
	make_programme,
	make_supplier,
	plan_of,
	user,
)

TEAM_B = "_Test Caseworker Team B"
# Who may see whose case, restated from the README rather than read from the code.
SEES_ALL = {"finance", "auditor", "admin"}
SEES = {
	"a": {
		"caseworker_a",
		"teammate",
		"teammate_2",
		"team_lead",
		"citizen",
		"representative_read",
		"representative_act",
	},
	"b": {"caseworker_b", "citizen_2"},
}
MATRIX_USERS = [
	"caseworker_a",
	"caseworker_b",
	"teammate",
	"team_lead",
	"finance",
	"auditor",
	"researcher",
	"citizen",
	"citizen_2",
	"representative_read",
	"representative_act",
	"admin",
	"guest",
]
READ_ONLY = {"auditor", "researcher", "representative_read"}
# Who reads a case as the citizen does: the citizen, and their representatives.
CITIZEN_SIDE = {"citizen", "citizen_2", "representative_read", "representative_act"}
# The citizen's side of a case: what the README lets them read of it.
CITIZEN_READS = {"Budget Plan", "Budget Plan Note", "Budget Advance", "Budget Plan Amendment"}
CPRS = {"a": "120378-1235", "b": "030985-2468"}


def sees(key, owner):
	return key in SEES_ALL or key in SEES[owner]


def ensure_team_b():
	if not frappe.db.exists("Caseworker Team", TEAM_B):
		frappe.get_doc(
			{"doctype": "Caseworker Team", "team_name": TEAM_B, "members": [{"user": user("caseworker_b")}]}
		).insert()


def private_file(doctype, name, token, label):
	return frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{label}-{token}.txt",
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			"is_private": 1,
			"content": f"{label} of {token}",
		}
	).insert()


def build_case(programme, owner, caseworker, team, citizen):
	"""A participant of `caseworker` with a record of every kind, each carrying the owner's token."""
	token = f"Zq{owner}{frappe.generate_hash(length=8)}"
	frappe.set_user("Administrator")
	participant = frappe.get_doc(
		{
			"doctype": "Participant",
			"full_name": f"Borger {token}",
			"programme": programme.name,
			"cpr_number": CPRS[owner],
			"assigned_caseworker": user(caseworker),
			"caseworker_team": team,
			"user": user(citizen),
			"email": f"{token.lower()}@example.com",
			"screening_date": today(),
			"months_unemployed": 18,
			"benefit_type": "Kontanthjælp",
			"job_ready": 1,
			"available_to_labour_market": 1,
			"screening_assessment": "Suitable",
		}
	).insert()
	participant.offer()
	give_consent(participant)
	participant.accept()
	participant.enroll()
	files = [private_file("Participant", participant.name, token, "declaration")]

	plan = complete(plan_of(participant))
	plan.motivation = f"Motivation of {token}"
	plan.append(
		"lines",
		budget_line(plan, description=f"Driving licence {token}", amount=4000, supplier=make_supplier()),
	)
	plan.append(
		"lines",
		budget_line(
			plan,
			description=f"Bus card {token}",
			amount=800,
			payment_route=rules.plan.REIMBURSEMENT,
			category="Transport",
		),
	)
	plan.save()
	files.append(private_file("Budget Plan", plan.name, token, "quote"))
	plan.submit_for_assessment()
	frappe.set_user(user(caseworker))
	approval = make_approval(plan.name)
	for criterion in rules.approval.CRITERIA:
		approval.set(f"{criterion}_score", rules.approval.YES)
		approval.set(f"{criterion}_note", f"Note on {token}")
	approval.classification = rules.approval.GREEN
	approval.first_follow_up_date = add_days(today(), 14)
	approval.insert()
	apply_workflow(approval, "Approve Plan")
	frappe.set_user("Administrator")
	plan.reload()
	records = {
		"Participant": participant.name,
		"Participant CPR": participant.name,
		"Budget Plan": plan.name,
		"Budget Plan Approval": approval.name,
	}

	for visible in (0, 1):
		note = frappe.get_doc(
			{
				"doctype": "Budget Plan Note",
				"budget_plan": plan.name,
				"note": f"Note {visible} on {token}",
				"visible_to_citizen": visible,
			}
		).insert()
		records[f"Budget Plan Note/{visible}"] = note.name
	amendment = make_amendment(plan.name)
	amendment.reason = f"Change for {token}"
	amendment.insert()
	records["Budget Plan Amendment"] = amendment.name
	bus_card = plan.lines[-1]
	advance = frappe.get_doc(
		{"doctype": "Budget Advance", "budget_plan": plan.name, "budget_line": bus_card.name, "amount": 600}
	).insert()
	records["Budget Advance"] = advance.name
	files.append(private_file("Budget Advance", advance.name, token, "receipt"))
	claim = frappe.get_doc(
		{
			"doctype": "Repayment Claim",
			"budget_plan": plan.name,
			"reason": "Unspent money",
			"amount": 100,
			"dialogue_date": today(),
			"dialogue_note": f"Talked with {token}",
		}
	).insert()
	records["Repayment Claim"] = claim.name
	follow_up = frappe.get_doc(
		{
			"doctype": "Follow-up",
			"participant": participant.name,
			"follow_up_date": today(),
			"citizen_report": f"Report of {token}",
		}
	).insert()
	records["Follow-up"] = follow_up.name
	termination = frappe.get_doc(
		{
			"doctype": "Course Termination",
			"participant": participant.name,
			"reason": "Moved",
			"outcome": "Other",
			"notes": token,
		}
	).insert()
	records["Course Termination"] = termination.name
	log = frappe.get_doc(
		{
			"doctype": "CPR Access Log",
			"participant": participant.name,
			"user": "Administrator",
			"reason": token,
			"accessed_on": frappe.utils.now_datetime(),
		}
	)
	log.insert(ignore_permissions=True)
	records["CPR Access Log"] = log.name
	if owner == "a":
		for scope, key in (
			(rules.representation.READ, "representative_read"),
			(rules.representation.ACT, "representative_act"),
		):
			representative = frappe.get_doc(
				{
					"doctype": "Representative",
					"participant": participant.name,
					"representative": user(key),
					"scope": scope,
					"legal_basis": rules.representation.POWER_OF_ATTORNEY,
					"basis_reference": f"FM {token}",
				}
			).insert(ignore_permissions=True)
			records[f"Representative/{scope}"] = representative.name
	login = frappe.get_doc(
		{
			"doctype": "MitID Login",
			"participant": participant.name,
			"result": "Logged in",
			"reason": token,
			"assurance": "substantial",
			"logged_in_at": frappe.utils.now_datetime(),
		}
	)
	login.insert(ignore_permissions=True)
	records["MitID Login"] = login.name
	cohort = frappe.get_doc(
		{
			"doctype": "Cohort",
			"cohort_name": f"_Test Cohort {owner} {frappe.generate_hash(length=6)}",
			"programme": programme.name,
			"kick_off_date": add_days(today(), 1),
			"kick_off_place": "Jobcentret",
			"participants": [{"participant": participant.name}],
		}
	).insert()
	records["Cohort"] = cohort.name
	# A colleague's comment, stored as the workflow would leave it (the read matrix needs the record).
	vote = frappe.get_doc(
		{
			"doctype": "Approval Vote",
			"approval": approval.name,
			"voter": user(caseworker),
			"recorded_by": user(caseworker),
			"kind": "Colleague comment",
			"vote": "Approve",
			"comment": f"Comment on {token}",
		}
	)
	vote.db_insert()
	records["Approval Vote"] = vote.name
	# A supplier's e-invoice matched to the citizen's plan, as the inbox would leave it.
	einvoice = frappe.get_doc(
		{
			"doctype": "E-Invoice",
			"status": "Unmatched",
			"kind": "Invoice",
			"supplier_name": f"Supplier of {token}",
			"invoice_number": token,
			"reason": f"Reason for {token}",
			"budget_plan": plan.name,
			"participant": participant.name,
			"programme": programme.name,
		}
	).insert(ignore_permissions=True)
	records["E-Invoice"] = einvoice.name
	request = frappe.get_doc(
		{
			"doctype": "Insight Request",
			"participant": participant.name,
			"channel": "Letter",
			"note": f"Letter from {token}",
		}
	).insert()
	records["Insight Request"] = request.name
	return frappe._dict(
		owner=owner, token=token, records=records, files=[(f.name, f.file_url, f.file_name) for f in files]
	)


@pytest.fixture(scope="module")
def world(site):
	frappe.set_user("Administrator")
	ensure_team_b()
	programme = make_programme(maximum_per_participant=50000)
	cases = {
		"a": build_case(programme, "a", "caseworker_a", TEAM, "citizen"),
		"b": build_case(programme, "b", "caseworker_b", TEAM_B, "citizen_2"),
	}
	# A draw lists both citizens: a roster only those who see both may read.
	draw = frappe.get_doc(
		{
			"doctype": "Draw",
			"programme": programme.name,
			"places": 1,
			"seed": "trust",
			"pool": [
				{"participant": case.records["Participant"], "draw_rank": i + 1}
				for i, case in enumerate(cases.values())
			],
		}
	)
	# Stored as a finished draw would leave it; running one needs citizens still in Screening.
	draw.flags.ignore_validate = True
	draw.insert()
	# Followers are e-mailed a record's changes: let every test user follow, so the matrix can try.
	for key in MATRIX_USERS[:-1]:
		frappe.db.set_value("User", user(key), "document_follow_notify", 1)
	frappe.db.commit()
	yield frappe._dict(programme=programme.name, cases=cases, draw=draw.name)
	frappe.set_user("Administrator")
	remove_world(programme.name, cases, draw.name)
	frappe.db.commit()


def remove_world(programme, cases, draw):
	from tests.integration.factories import remove_programme

	frappe.db.delete("Draw Entry", {"parent": draw})
	frappe.db.delete("Draw", {"name": draw})
	for case in cases.values():
		names = list(case.records.values())
		for doctype in ("Comment", "ToDo"):
			frappe.db.delete(doctype, {"reference_name": ("in", names)})
		frappe.db.delete("Document Follow", {"ref_docname": ("in", names)})
		frappe.db.delete("Tag Link", {"document_name": ("in", names)})
		for file in frappe.get_all("File", filters={"attached_to_name": ("in", names)}, pluck="name"):
			frappe.delete_doc("File", file, force=True, ignore_permissions=True)
		for key, name in case.records.items():
			doctype = key.split("/")[0]
			if doctype in (
				"Participant",
				"Budget Plan",
				"Budget Plan Approval",
				"Budget Plan Amendment",
				"Budget Advance",
			):
				continue
			frappe.db.delete(doctype, {"name": name})
		frappe.db.delete("Cohort Participant", {"parent": case.records["Cohort"]})
	remove_programme(programme)


def test_a_citizen_cannot_ask_for_a_change_to_another_citizens_plan(world, api):
	"""The leak found on the demo: the /plan-change web form inserted an amendment of another
	citizen's plan and answered with that plan's lines."""
	victim = world.cases["b"]
	frappe.cache.delete_keys("rl:")  # frappe's limit of ten web form saves a minute per address
	before = frappe.db.count("Budget Plan Amendment")
	response = api("citizen").post(
		"/api/method/frappe.website.doctype.web_form.web_form.accept",
		data={
			"web_form": "plan-change",
			"data": json.dumps({"budget_plan": victim.records["Budget Plan"], "reason": "Mine now"}),
		},
	)
	assert response.status_code == 403, response.text
	assert victim.token not in response.text and "Driving licence" not in response.text
	frappe.db.rollback()
	assert frappe.db.count("Budget Plan Amendment") == before
	# Their own plan, through the same form, is taken.
	own = world.cases["a"]
	response = api("citizen").post(
		"/api/method/frappe.website.doctype.web_form.web_form.accept",
		data={
			"web_form": "plan-change",
			"data": json.dumps({"budget_plan": own.records["Budget Plan"], "reason": "Bus card costs more"}),
		},
	)
	assert response.status_code == 200, response.text
	frappe.db.rollback()
	created = response.json()["message"]["name"]
	assert frappe.db.get_value("Budget Plan Amendment", created, "participant") == own.records["Participant"]
	frappe.db.delete("ToDo", {"reference_name": created})
	frappe.db.delete("Budget Plan Amendment Line", {"parent": created})
	frappe.db.delete("Budget Plan Amendment Change", {"parent": created})
	frappe.db.delete("Budget Plan Amendment", {"name": created})
	frappe.db.commit()


# ---- the matrix -------------------------------------------------------------------------------

APP_MODULE = "Borgerbudget"
# Whitelisted functions' parameters that name a record, by name (others get a harmless value).
PARAM_DOCTYPES = {
	"budget_plan": "Budget Plan",
	"plan": "Budget Plan",
	"budget_advance": "Budget Advance",
	"repayment_claim": "Repayment Claim",
	"approval": "Budget Plan Approval",
	"participant": "Participant",
	"insight_request": "Insight Request",
}
FILLERS = {
	"amount": 1,
	"reason": "x",
	"vote": "Approve",
	"comment": "x",
	"line": "{}",
	"budget_line": "x",
	"new_deadline": "2030-01-01",
	"new_end_date": "2030-01-01",
	"file_format": "json",
	"internal": 1,
}


class Matrix:
	"""Cells tried, with what they gave; a leak or a wrong answer is a failure."""

	def __init__(self, world):
		self.world = world
		self.counts = Counter()
		self.failures = []
		secrets = frappe.db.sql(
			"select cpr_encrypted, cpr_hash from `tabParticipant CPR` where name in %s",
			[[case.records["Participant"] for case in world.cases.values()]],
		)
		self.never = [value for row in secrets for value in row if value]
		for cpr in CPRS.values():
			self.never += [cpr, cpr.replace("-", "")]

	def forbidden(self, key):
		"""What must never reach `key`: the cases they may not see, and everyone's CPR secrets."""
		words = list(self.never)
		for owner, case in self.world.cases.items():
			if not sees(key, owner):
				words += [case.token, CPRS[owner][:6] + "-XXXX"]
		return words

	def check(self, key, route, doctype, response, allowed=None, refusals=(403,)):
		"""allowed: True / False for a cell with an expected answer, None for leak-only cells."""
		text = response.text
		ok = response.status_code == 200
		self.counts[(route, "allowed" if ok else "refused")] += 1
		where = f"{key} {route} {doctype}"
		if response.status_code >= 500:
			self.failures.append(f"{where}: HTTP {response.status_code} {text[:300]}")
		for word in self.forbidden(key):
			if word in text:
				self.failures.append(f"{where}: response carries {word!r}")
		if allowed is True and not ok:
			self.failures.append(
				f"{where}: refused ({response.status_code}) but should be allowed: {text[:200]}"
			)
		if allowed is False and response.status_code not in refusals:
			# Refused for the right reason: a permission error, not a validation or a rate limit.
			self.failures.append(f"{where}: answered {response.status_code}, not 403: {text[:200]}")

	def expect(self, key, route, doctype, ok, detail):
		self.counts[(route, "allowed" if ok else "refused")] += 1
		if not ok:
			self.failures.append(f"{key} {route} {doctype}: {detail}")


def roles_of(key):
	return set() if key == "guest" else set(USERS[key][1])


def role_can(key, doctype, ptype="read"):
	return any(
		perm.role in roles_of(key) and perm.permlevel == 0 and perm.get(ptype)
		for perm in frappe.get_meta(doctype).permissions
	)


def may_read(key, doctype, owner, record_key):
	if key == "guest" or not role_can(key, doctype):
		return False
	if record_key == "Budget Plan Note/0" and key in CITIZEN_SIDE:
		return False
	return sees(key, owner)


def app_doctypes():
	return [
		name
		for name in frappe.get_all(
			"DocType", filters={"module": APP_MODULE, "istable": 0, "issingle": 0}, pluck="name"
		)
		if name != "Budget Programme"
	]


def records_of(world, doctype):
	"""[(owner, record key, name)] of `doctype` in the world; the draw belongs to both cases."""
	found = [
		(owner, key, name)
		for owner, case in world.cases.items()
		for key, name in case.records.items()
		if key.split("/")[0] == doctype
	]
	if doctype == "Draw":
		found.append(("both", "Draw", world.draw))
	return found


def expected_read(key, doctype, owner, record_key):
	if owner == "both":
		return role_can(key, doctype) and key in SEES_ALL
	return may_read(key, doctype, owner, record_key)


def whitelisted_functions():
	"""Every whitelisted function and document method of the app: [(path or (doctype, method), params)]."""
	import pkgutil

	import borgerbudget

	for module in pkgutil.walk_packages(borgerbudget.__path__, "borgerbudget."):
		if ".patches" not in module.name and ".demo" not in module.name:
			importlib.import_module(module.name)
	controllers = {frappe.get_doc({"doctype": doctype}).__class__: doctype for doctype in app_doctypes()}
	found = []
	for function in frappe.whitelisted:
		if not function.__module__.startswith("borgerbudget."):
			continue
		params = [p for p in inspect.signature(function).parameters if p != "self"]
		owner_class = function.__qualname__.split(".")[0]
		doctype = next(
			(
				dt
				for cls, dt in controllers.items()
				if cls.__name__ == owner_class and "." in function.__qualname__
			),
			None,
		)
		if doctype:
			found.append(((doctype, function.__name__), params))
		else:
			found.append((f"{function.__module__}.{function.__name__}", params))
	return found


def table_counts():
	return {
		doctype: frappe.db.count(doctype)
		for doctype in [
			*app_doctypes(),
			"Comment",
			"ToDo",
			"Tag Link",
			"File",
			"Purchase Invoice",
			"Payment Entry",
			"Journal Entry",
		]
	}


class Cell:
	"""One request of one user, and what its answer must be."""

	def __init__(self, route, doctype, method, path, expected=None, listing=None, **kwargs):
		self.route, self.doctype, self.method, self.path = route, doctype, method, path
		self.expected, self.listing, self.kwargs = expected, listing, kwargs
		self.writes = method != "GET" and expected is False
		self.blank = None
		# A function given a record of another doctype may answer that it has no such record.
		self.refusals = (403, 404) if route == "whitelisted method (any record)" else (403,)


def plan_user(key, world, functions, reports):
	"""Every cell of one user's row of the matrix (built here, in the test's own frappe session)."""
	m = "/api/method/"
	cells = []
	for doctype in app_doctypes():
		records = records_of(world, doctype)
		names = [name for _owner, _key, name in records]
		visible = {
			name for owner, record_key, name in records if expected_read(key, doctype, owner, record_key)
		}
		only_select = role_can(key, doctype, "select") and not role_can(key, doctype)
		web_forms = frappe.get_all("Web Form", filters={"doc_type": doctype}, pluck="name")
		for owner, record_key, name in records:
			expected = expected_read(key, doctype, owner, record_key)
			reads = [
				Cell("GET resource", doctype, "GET", f"/api/resource/{doctype}/{name}", expected),
				Cell(
					"client.get",
					doctype,
					"POST",
					m + "frappe.client.get",
					expected,
					data={"doctype": doctype, "name": name},
				),
				Cell(
					"form.load.getdoc",
					doctype,
					"GET",
					m + "frappe.desk.form.load.getdoc",
					expected,
					params={"doctype": doctype, "name": name},
				),
				Cell(
					"client.get_value",
					doctype,
					"GET",
					m + "frappe.client.get_value",
					params={
						"doctype": doctype,
						"filters": json.dumps({"name": name}),
						"fieldname": json.dumps(["*"]),
					},
				),
				Cell(
					"search.get_link_title",
					doctype,
					"GET",
					m + "frappe.desk.search.get_link_title",
					params={"doctype": doctype, "docname": name},
				),
			]
			for web_form in web_forms:
				params = {"doctype": doctype, "docname": name, "web_form_name": web_form}
				reads.append(
					Cell(
						"web form get_form_data",
						doctype,
						"GET",
						m + "frappe.website.doctype.web_form.web_form.get_form_data",
						expected and None,
						params=params,
					)
				)
			if expected:
				# What a read shows of the record, on every route, leaves out the fields the role may not read.
				for cell in reads:
					cell.blank = (name, unreadable(key, doctype))
			cells += reads
			if not (expected and key not in READ_ONLY and role_can(key, doctype, "write")):
				cells += write_cells(key, doctype, name)
		filters = json.dumps([[doctype, "name", "in", names]])
		listing = None if only_select else (names, visible)
		cells += [
			Cell(
				"GET resource list",
				doctype,
				"GET",
				f"/api/resource/{doctype}",
				None,
				listing,
				params={"filters": filters, "fields": json.dumps(["*"]), "limit_page_length": 100},
			),
			Cell(
				"resource or_filters",
				doctype,
				"GET",
				f"/api/resource/{doctype}",
				None,
				listing,
				params={"or_filters": filters, "fields": json.dumps(["name"]), "limit_page_length": 100},
			),
			Cell(
				"client.get_list",
				doctype,
				"POST",
				m + "frappe.client.get_list",
				None,
				listing,
				data={
					"doctype": doctype,
					"filters": filters,
					"fields": json.dumps(["*"]),
					"limit_page_length": 100,
				},
			),
			Cell(
				"reportview.get",
				doctype,
				"POST",
				m + "frappe.desk.reportview.get",
				None,
				listing,
				data={
					"doctype": doctype,
					"filters": filters,
					"fields": json.dumps([f"`tab{doctype}`.`name`"]),
				},
			),
			Cell(
				"search_link",
				doctype,
				"POST",
				m + "frappe.desk.search.search_link",
				None,
				listing,
				data={"doctype": doctype, "txt": "", "filters": filters, "page_length": 100},
			),
			Cell(
				"search_widget (ignore_user_permissions)",
				doctype,
				"POST",
				m + "frappe.desk.search.search_widget",
				None,
				listing,
				data={
					"doctype": doctype,
					"txt": "",
					"filters": filters,
					"page_length": 100,
					"ignore_user_permissions": 1,
					"as_dict": 1,
				},
			),
			Cell(
				"client.get_count",
				doctype,
				"POST",
				m + "frappe.client.get_count",
				None,
				None if only_select else ("count", len(visible)),
				data={"doctype": doctype, "filters": filters},
			),
		]
	for case in world.cases.values():
		names = list(case.records.values())
		cells += [
			Cell(
				"global search",
				"*",
				"POST",
				m + "frappe.utils.global_search.search",
				data={"text": case.token, "limit": 50},
			),
			Cell(
				"Tag Link list",
				"Tag Link",
				"GET",
				"/api/resource/Tag Link",
				params={"fields": json.dumps(["*"]), "limit_page_length": 500},
			),
			Cell(
				"File list",
				"File",
				"GET",
				"/api/resource/File",
				params={
					"filters": json.dumps([["attached_to_name", "in", names]]),
					"fields": json.dumps(["file_name", "attached_to_name"]),
					"limit_page_length": 100,
				},
			),
		]
		for file_name, file_url, _label in case.files:
			attached = frappe.db.get_value(
				"File", file_name, ["attached_to_doctype", "attached_to_name"], as_dict=True
			)
			record_key = next(
				k
				for k, v in case.records.items()
				if v == attached.attached_to_name and k == attached.attached_to_doctype
			)
			cells.append(
				Cell(
					"GET private file",
					attached.attached_to_doctype,
					"GET",
					file_url,
					may_read(key, attached.attached_to_doctype, case.owner, record_key),
				)
			)
		if not sees(key, case.owner):
			cells += function_cells(key, world, case, functions)
	for report, roles in reports.items():
		data = {"report_name": report, "filters": json.dumps({"programme": world.programme})}
		cells.append(
			Cell(
				"query_report.run",
				report,
				"POST",
				m + "frappe.desk.query_report.run",
				bool(roles & roles_of(key)),
				data=data,
			)
		)
	return cells


def text_field(doctype):
	return next(
		df.fieldname
		for df in frappe.get_meta(doctype).fields
		if df.fieldtype in ("Data", "Small Text", "Text", "Link")
	)


def write_cells(key, doctype, name):
	"""Every way to change or annotate a record the user may not write: each refused, none a 5xx."""
	m = "/api/method/"
	me = "Administrator" if key == "guest" else user(key)
	cells = [
		Cell("PUT resource", doctype, "PUT", f"/api/resource/{doctype}/{name}", False, json={}),
		Cell("DELETE resource", doctype, "DELETE", f"/api/resource/{doctype}/{name}", False),
		Cell(
			"client.set_value",
			doctype,
			"POST",
			m + "frappe.client.set_value",
			False,
			data={"doctype": doctype, "name": name, "fieldname": text_field(doctype), "value": "x"},
		),
		Cell(
			"add_comment",
			doctype,
			"POST",
			m + "frappe.desk.form.utils.add_comment",
			False,
			data={
				"reference_doctype": doctype,
				"reference_name": name,
				"content": "hi",
				"comment_email": me,
				"comment_by": me,
			},
		),
		Cell(
			"assign_to.add",
			doctype,
			"POST",
			m + "frappe.desk.form.assign_to.add",
			False,
			data={"doctype": doctype, "name": name, "assign_to": json.dumps([me])},
		),
		Cell(
			"ToDo insert",
			doctype,
			"POST",
			"/api/resource/ToDo",
			False,
			json={"description": "x", "reference_type": doctype, "reference_name": name},
		),
		Cell(
			"add_tag",
			doctype,
			"POST",
			m + "frappe.desk.doctype.tag.tag.add_tag",
			False,
			data={"tag": "trust", "dt": doctype, "dn": name},
		),
		Cell(
			"toggle_like",
			doctype,
			"POST",
			m + "frappe.desk.like.toggle_like",
			False,
			data={"doctype": doctype, "name": name, "add": "Yes"},
		),
		Cell(
			"follow_document",
			doctype,
			"POST",
			m + "frappe.desk.form.document_follow.follow_document",
			None,
			data={"doctype": doctype, "doc_name": name, "user": me},
		),
		Cell(
			"upload_file",
			doctype,
			"POST",
			m + "upload_file",
			False,
			data={"doctype": doctype, "docname": name, "is_private": 1},
			files={"file": ("x.txt", b"x")},
		),
		Cell(
			"attach_file",
			doctype,
			"POST",
			m + "frappe.client.attach_file",
			False,
			data={
				"filename": "y.txt",
				"filedata": base64.b64encode(b"y").decode(),
				"doctype": doctype,
				"docname": name,
				"is_private": 1,
			},
		),
	]
	accept = m + "frappe.website.doctype.web_form.web_form.accept"
	for web_form in frappe.get_all("Web Form", fields=["name", "doc_type"]):
		if web_form.doc_type == doctype:
			cells.append(
				Cell(
					"web form accept (existing)",
					doctype,
					"POST",
					accept,
					False,
					data={"web_form": web_form.name, "data": json.dumps({"name": name})},
				)
			)
		# A new document of any web form that points at this record.
		for field in frappe.get_all(
			"Web Form Field",
			filters={"parent": web_form.name, "fieldtype": "Link", "options": doctype},
			pluck="fieldname",
		):
			data = {"web_form": web_form.name, "data": json.dumps({field: name})}
			cells.append(Cell("web form accept (new, linked)", doctype, "POST", accept, False, data=data))
	return cells


def function_cells(key, world, case, functions):
	"""Each whitelisted function and document method with the records of a case the user may not see."""
	cells = []
	mine = next((c for c in world.cases.values() if sees(key, c.owner) and key not in SEES_ALL), None)
	for path, params in functions:
		args = {
			p: FILLERS.get(p, "x")
			for p in params
			if p not in ("filters", "due_date", "submit", "bill_no", "bill_date", "voter")
		}
		if isinstance(path, tuple):
			doctype, method = path
			name = case.records.get(doctype)
			if not name:
				continue
			data = {"dt": doctype, "dn": name, "method": method, "args": json.dumps(args)}
			cells.append(
				Cell(
					"run_doc_method",
					f"{doctype}.{method}",
					"POST",
					"/api/method/run_doc_method",
					False,
					data=data,
				)
			)
			# The same with a document of the client's own making that claims to be theirs.
			spoof = {
				"doctype": doctype,
				"name": name,
				"assigned_caseworker": user(key) if key != "guest" else None,
				"user": user(key) if key != "guest" else None,
			}
			if mine:
				spoof["participant"] = mine.records["Participant"]
			data = {"docs": json.dumps(spoof), "method": method, "args": json.dumps(args)}
			cells.append(
				Cell(
					"run_doc_method (client's doc)",
					f"{doctype}.{method}",
					"POST",
					"/api/method/run_doc_method",
					False,
					data=data,
				)
			)
			continue
		for param in params:
			if param in PARAM_DOCTYPES:
				targets = [case.records[PARAM_DOCTYPES[param]]]
			elif param == "source_name":
				targets = list(case.records.values())
			else:
				continue
			route = "whitelisted method" if param in PARAM_DOCTYPES else "whitelisted method (any record)"
			for target in targets:
				cells.append(
					Cell(
						route,
						path.rsplit(".", 1)[-1],
						"POST",
						f"/api/method/{path}",
						False,
						data={**args, param: target},
					)
				)
	return cells


def run_cells(key, server_url, site, cells):
	"""The requests only: no frappe in this thread."""
	from tests.integration.factories import TEST_PASSWORD

	client = Api(server_url, site, None if key == "guest" else user(key), TEST_PASSWORD)
	answers = []
	for i, cell in enumerate(cells):
		# frappe limits web form saves to ten a minute per address; each cell is its own client.
		headers = {"X-Forwarded-For": f"127.{len(key)}.{i // 250}.{i % 250}"}
		answers.append(client.request(cell.method, cell.path, headers=headers, **cell.kwargs))
	return answers


def judge(matrix, key, cells, responses):
	for cell, response in zip(cells, responses, strict=True):
		matrix.check(key, cell.route, cell.doctype, response, cell.expected, cell.refusals)
		if cell.blank and response.status_code == 200:
			name, fields = cell.blank
			shown = [f for doc in documents(response.json(), name) for f in fields if doc.get(f) is not None]
			matrix.expect(
				key, cell.route + " (field levels)", cell.doctype, not shown, f"shows {shown} of {name}"
			)
		if cell.listing and cell.listing[0] == "count":
			count = response.json().get("message") if response.status_code == 200 else 0
			matrix.expect(
				key,
				cell.route + " (exact)",
				cell.doctype,
				count == cell.listing[1],
				f"counted {count}, expected {cell.listing[1]}",
			)
		elif cell.listing:
			names, visible = cell.listing
			got = listed_names(response, names)
			matrix.expect(
				key,
				cell.route + " (exact)",
				cell.doctype,
				got == visible,
				f"listed {sorted(got)}, expected {sorted(visible)}",
			)


def unreadable(key, doctype):
	meta = frappe.get_meta(doctype)
	levels = {perm.permlevel for perm in meta.permissions if perm.role in roles_of(key) and perm.read}
	return [df.fieldname for df in meta.fields if df.permlevel not in levels]


def documents(value, name):
	"""Every dict in a response body that is the record `name`."""
	if isinstance(value, list):
		for item in value:
			yield from documents(item, name)
	elif isinstance(value, dict):
		if value.get("name") == name and value.get("doctype"):
			yield value
		for item in value.values():
			yield from documents(item, name)


def modified_names(modified):
	return {name for _doctype, name in modified}


def listed_names(response, names):
	if response.status_code != 200:
		return set()
	body = response.json()
	text = json.dumps(body.get("data", body.get("message")))
	return {name for name in names if f'"{name}"' in text}


def test_no_route_lets_a_user_reach_a_record_they_may_not_read(world, server_url, site):
	matrix = Matrix(world)
	functions = whitelisted_functions()
	reports = {
		report: set(
			frappe.get_all("Has Role", filters={"parent": report, "parenttype": "Report"}, pluck="role")
		)
		for report in frappe.get_all(
			"Report", filters={"module": APP_MODULE, "report_type": "Script Report"}, pluck="name"
		)
	}
	assert functions and reports and len(app_doctypes()) >= 15
	plans = {key: plan_user(key, world, functions, reports) for key in MATRIX_USERS}
	modified = {
		(doctype, name): frappe.db.get_value(doctype, name, "modified")
		for doctype in app_doctypes()
		for _o, _k, name in records_of(world, doctype)
	}
	before = table_counts()
	# Reads in parallel; writes one user at a time, as two users changing one record at once would
	# meet frappe's own lock (a "being modified" error) rather than the rule under test.
	reads = {key: [cell for cell in cells if not cell.writes] for key, cells in plans.items()}
	writes = {key: [cell for cell in cells if cell.writes] for key, cells in plans.items()}
	with ThreadPoolExecutor(max_workers=4) as pool:
		answers = {key: pool.submit(run_cells, key, server_url, site, cells) for key, cells in reads.items()}
		answers = {key: future.result() for key, future in answers.items()}
	for key, cells in writes.items():
		answers[key] += run_cells(key, server_url, site, cells)
	plans = {key: reads[key] + writes[key] for key in plans}
	frappe.db.rollback()
	for key, cells in plans.items():
		judge(matrix, key, cells, answers[key])
	after = table_counts()
	created = {
		doctype: after[doctype] - before[doctype] for doctype in before if after[doctype] != before[doctype]
	}
	changed = [
		name
		for (doctype, name), value in modified.items()
		if frappe.db.get_value(doctype, name, "modified") != value
	]
	for follow in frappe.get_all(
		"Document Follow",
		filters={"ref_docname": ("in", list(modified_names(modified)))},
		fields=["user", "ref_doctype", "ref_docname"],
	):
		key = next(k for k in MATRIX_USERS if k != "guest" and user(k) == follow.user)
		owner, record_key = next(
			(o, k)
			for dt in [follow.ref_doctype]
			for o, k, n in records_of(world, dt)
			if n == follow.ref_docname
		)
		matrix.expect(
			key,
			"follows only what they may read",
			follow.ref_doctype,
			expected_read(key, follow.ref_doctype, owner, record_key),
			f"follows {follow.ref_docname}",
		)
	routes = sorted({route for route, _outcome in matrix.counts})
	print(
		f"\nPermission matrix: {len(MATRIX_USERS)} users x {len(routes)} routes x {len(app_doctypes())} doctypes, {len(functions)} whitelisted functions, {len(reports)} reports"
	)
	print(f"{'route':48} {'allowed':>8} {'refused':>8}")
	for route in routes:
		print(f"{route:48} {matrix.counts[(route, 'allowed')]:>8} {matrix.counts[(route, 'refused')]:>8}")
	print(f"{'cells':48} {sum(matrix.counts.values()):>8}   failures: {len(matrix.failures)}")
	assert not matrix.failures, "\n".join(matrix.failures[:120])
	assert not created, f"refused requests left records behind: {created}"
	assert not changed, f"refused requests changed {changed}"


def test_an_answer_to_a_save_shows_no_more_than_a_read(world, api):
	"""frappe answers a save with the whole document; the citizen's own plan, sent back to them for
	revision, is answered without the caseworker's classification, as a read of it is."""
	from tests.integration.factories import assessment, remove_programme, submitted_plan

	programme = make_programme()
	plan = submitted_plan(programme, user=user("citizen"))
	approval = assessment(
		plan,
		scores=(rules.approval.YES, rules.approval.DOUBTFUL, rules.approval.YES),
		decision_reason="Add a quote.",
	)
	apply_workflow(approval, "Return to Citizen")
	frappe.set_user("Administrator")
	frappe.db.commit()
	try:
		assert frappe.db.get_value("Budget Plan", plan.name, "classification") == rules.approval.YELLOW
		citizen = api("citizen")
		frappe.cache.delete_keys("rl:")
		answers = {
			"GET": citizen.get(f"/api/resource/Budget Plan/{plan.name}"),
			"PUT": citizen.put(
				f"/api/resource/Budget Plan/{plan.name}", json={"motivation": "I want to drive a forklift"}
			),
			"web form": citizen.post(
				"/api/method/frappe.website.doctype.web_form.web_form.accept",
				data={
					"web_form": "my-budget-plan",
					"data": json.dumps({"name": plan.name, "motivation": "A forklift"}),
				},
			),
		}
		for route, response in answers.items():
			assert response.status_code == 200, f"{route}: {response.text[:300]}"
			shown = list(documents(response.json(), plan.name))
			assert shown, route
			assert all(
				doc.get("classification") is None and doc.get("approval") is None for doc in shown
			), route
		frappe.db.rollback()
		# The saves kept them; the caseworker, who may read them, is shown them.
		assert frappe.db.get_value("Budget Plan", plan.name, "motivation") == "A forklift"
		assert frappe.db.get_value("Budget Plan", plan.name, "classification") == rules.approval.YELLOW
		response = api("caseworker_a").put(f"/api/resource/Budget Plan/{plan.name}", json={})
		assert response.json()["data"]["classification"] == rules.approval.YELLOW
	finally:
		frappe.db.rollback()
		frappe.db.delete("ToDo", {"reference_name": approval.name})
		remove_programme(programme.name)
		frappe.db.commit()
