"""A municipality at work, as HTTP clients against the real server: caseworkers, finance users and
citizens, each on their own participants, all at once. Used by the short load test in the suite
(test_load.py) and by the full P3 run (benchmarks/load.py).

Every loop is bounded by a deadline and by a number of rounds, and only 127.0.0.1 is targeted.
"""

import collections
import itertools
import json
import random
import statistics
import threading
import time

import frappe
from frappe.utils import add_days, today

from borgerbudget import rules
from tests.integration import factories
from tests.integration.factories import TEST_PASSWORD, Api

M = "/api/method/"
MAX_ROUNDS = 10_000


def load_user(kind, i, roles):
	email = f"bb-load-{kind}-{i}@example.com"
	if not frappe.db.exists("User", email):
		# frappe refuses more than 60 new users an hour (throttle_user_limit); this run makes 73.
		frappe.local.conf.throttle_user_limit = 1000
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": f"Load {kind} {i}",
				"send_welcome_email": 0,
				"user_type": "Website User" if roles == ["Borgerbudget Citizen"] else "System User",
				"new_password": TEST_PASSWORD,
			}
		).insert()
	elif not frappe.db.get_value("User", email, "enabled"):
		from frappe.utils.password import update_password

		frappe.db.set_value("User", email, "enabled", 1)
		update_password(email, TEST_PASSWORD)
	frappe.get_doc("User", email).add_roles(*roles)
	return email


def enrolled(programme, caseworker, citizen=None):
	return factories.make_enrolled(
		programme,
		assigned_caseworker=caseworker,
		user=citizen,
		email=f"borger-{frappe.generate_hash(length=8)}@example.com",
	)


def approved(programme, caseworker, citizen=None, submit_only=False):
	"""A plan of `caseworker`'s participant with two supplier lines and a reimbursement line."""
	participant = enrolled(programme, caseworker, citizen)
	plan = factories.plan_of(participant)
	plan.append("goals", {"goal": "A job"})
	for description, amount, route in (
		("Course", 20000, rules.plan.SUPPLIER_INVOICE),
		("Licence", 15000, rules.plan.SUPPLIER_INVOICE),
		("Bus card", 1000, rules.plan.REIMBURSEMENT),
	):
		extra = {"supplier": SUPPLIER} if route == rules.plan.SUPPLIER_INVOICE else {"category": "Transport"}
		plan.append(
			"lines",
			factories.budget_line(
				plan, description=description, amount=amount, payment_route=route, goal="A job", **extra
			),
		)
	factories.complete(plan).save()
	plan.submit_for_assessment()
	if submit_only:
		return plan
	frappe.set_user(caseworker)
	from frappe.model.workflow import apply_workflow

	from borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval import make_approval

	approval = make_approval(plan.name)
	fill_assessment(approval, add_days(today(), 14))
	approval.insert()
	apply_workflow(approval, "Approve Plan")
	frappe.set_user("Administrator")
	return frappe.get_doc("Budget Plan", plan.name)


def fill_assessment(approval, first_follow_up):
	"""`approval`: a document, or the dict of one an API call returned."""
	for criterion in rules.approval.CRITERIA:
		approval.update({f"{criterion}_score": rules.approval.YES, f"{criterion}_note": "Fine"})
	approval.update({"classification": rules.approval.GREEN, "first_follow_up_date": first_follow_up})
	return approval


SUPPLIER = "_Load Supplier"


def build(caseworkers, finance, citizens, submitted_each=4):
	"""Committed data for the run: each client works on records of its own."""
	frappe.set_user("Administrator")
	factories.make_supplier(SUPPLIER)
	programme = factories.make_programme(
		maximum_per_participant=50000, reimbursement_limit=1000, yearly_capacity=10000
	)
	# Dates are worked out here: the clients' threads have no frappe of their own.
	world = frappe._dict(
		programme=programme.name,
		caseworkers=[],
		finance=[],
		citizens=[],
		today=today(),
		in_two_weeks=add_days(today(), 14),
	)
	finance_users = [load_user("fin", j, ["Borgerbudget Finance", "Accounts User"]) for j in range(finance)]
	for i in range(caseworkers):
		email = load_user("cw", i, ["Caseworker"])
		plan = approved(programme, email)
		world.caseworkers.append(
			frappe._dict(
				user=email,
				plan=plan.name,
				participant=plan.participant,
				draft=factories.plan_of(enrolled(programme, email)).name,
				submitted=[approved(programme, email, submit_only=True).name for _ in range(submitted_each)],
				reimbursement_line=plan.lines[2].name,
				today=world.today,
				in_two_weeks=world.in_two_weeks,
			)
		)
	for j, email in enumerate(finance_users):
		plans = [c for n, c in enumerate(world.caseworkers) if n % max(finance, 1) == j]
		world.finance.append(
			frappe._dict(
				user=email,
				today=world.today,
				lines=[(c.plan, line) for c in plans for line in supplier_lines(c.plan)],
			)
		)
	caseworker_for_citizens = world.caseworkers[0].user if world.caseworkers else "Administrator"
	for k in range(citizens):
		email = load_user("cit", k, ["Borgerbudget Citizen"])
		draft = factories.plan_of(enrolled(programme, caseworker_for_citizens, email))
		world.citizens.append(frappe._dict(user=email, plan=draft.name))
	frappe.db.commit()
	return world


def supplier_lines(plan):
	return frappe.get_all(
		"Budget Line",
		filters={"parent": plan, "payment_route": rules.plan.SUPPLIER_INVOICE},
		pluck="name",
		order_by="idx",
	)


def remove(world):
	frappe.set_user("Administrator")
	frappe.db.rollback()
	participants = frappe.get_all("Participant", {"programme": world.programme}, pluck="name")
	frappe.db.delete("Follow-up", {"participant": ("in", participants)})
	factories.remove_programme(world.programme)
	frappe.db.commit()


class Recorder:
	def __init__(self):
		self.lock = threading.Lock()
		self.samples = collections.defaultdict(list)
		self.errors = collections.Counter()
		self.server_errors = collections.Counter()
		self.deadlocks = collections.Counter()
		self.examples = {}
		self.crashed = []
		self.think = None

	def record(self, op, response, seconds):
		with self.lock:
			self.samples[op].append(seconds)
			if response.status_code >= 400:
				self.errors[op] += 1
				self.examples.setdefault(op, f"{response.status_code} {response.text[:600]}")
			if response.status_code >= 500:
				self.server_errors[op] += 1
			if "QueryDeadlockError" in response.text or "Deadlock found" in response.text:
				self.deadlocks[op] += 1

	def p95(self, op):
		values = sorted(self.samples[op])
		return values[min(len(values) - 1, int(len(values) * 0.95))] if values else 0.0


def timed(recorder, op, call):
	start = time.perf_counter()
	response = call()
	recorder.record(op, response, time.perf_counter() - start)
	if recorder.think:
		# A person reads the page before the next step.
		time.sleep(random.uniform(*recorder.think))
	return response


def save(api, doctype, name, fieldname, value):
	# Writes go through the API's save, as the desk's do: the bare REST routes (/api/resource PUT)
	# are the one way in that frappe gives no hook to retry after a deadlock.
	return api.post(
		M + "frappe.client.set_value",
		data={"doctype": doctype, "name": name, "fieldname": fieldname, "value": value},
	)


def caseworker_loop(base_url, site, me, deadline, recorder, rounds=MAX_ROUNDS):
	api = Api(base_url, site, me.user)
	submitted = list(me.submitted)
	for n in range(rounds):
		if time.monotonic() > deadline:
			return
		timed(
			recorder,
			"caseworker: participant list",
			lambda: api.get(
				"/api/resource/Participant",
				params={"fields": json.dumps(["name", "full_name", "status"]), "limit_page_length": 20},
			),
		)
		timed(
			recorder,
			"caseworker: open plan",
			lambda: api.get(
				M + "frappe.desk.form.load.getdoc", params={"doctype": "Budget Plan", "name": me.plan}
			),
		)
		timed(
			recorder,
			"caseworker: save plan",
			lambda: save(api, "Budget Plan", me.draft, "motivation", f"Round {n}"),
		)
		if submitted:
			plan = submitted.pop()
			response = timed(
				recorder,
				"caseworker: save assessment",
				lambda: api.post(
					M
					+ "borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval.make_approval",
					data={"source_name": plan},
				),
			)
			if response.ok:
				doc = fill_assessment(response.json()["message"], me.in_two_weeks)
				response = timed(
					recorder,
					"caseworker: save assessment",
					lambda: api.post(M + "frappe.client.insert", data={"doc": json.dumps(doc)}),
				)
				if response.ok:
					saved = response.json()["message"]
					timed(
						recorder,
						"caseworker: approve",
						lambda: api.post(
							M + "frappe.model.workflow.apply_workflow",
							data={"doc": json.dumps(saved), "action": "Approve Plan"},
						),
					)
		timed(
			recorder,
			"caseworker: add follow-up",
			lambda: api.post(
				M + "frappe.client.insert",
				data={
					"doc": json.dumps(
						{
							"doctype": "Follow-up",
							"participant": me.participant,
							"follow_up_date": me.today,
							"citizen_report": f"Round {n}",
						}
					)
				},
			),
		)
		advance = {
			"doctype": "Budget Advance",
			"budget_plan": me.plan,
			"budget_line": me.reimbursement_line,
			"amount": 1,
		}
		timed(
			recorder,
			"caseworker: request advance",
			lambda: api.post(M + "frappe.client.insert", data={"doc": json.dumps(advance)}),
		)


def finance_loop(base_url, site, me, deadline, recorder, rounds=MAX_ROUNDS):
	api = Api(base_url, site, me.user)
	lines = itertools.cycle(me.lines)
	for _n in range(min(rounds, MAX_ROUNDS)):
		if time.monotonic() > deadline or not me.lines:
			return
		plan, line = next(lines)
		response = timed(
			recorder,
			"finance: create and submit invoice",
			lambda: api.post(
				M + "borgerbudget.accounting.create_purchase_invoice",
				data={"budget_plan": plan, "budget_line": line, "amount": 5, "submit": 1},
			),
		)
		if response.ok:
			invoice = response.json()["message"]["name"]
			response = timed(
				recorder,
				"finance: pay invoice",
				lambda: api.post(
					M + "erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry",
					data={"dt": "Purchase Invoice", "dn": invoice},
				),
			)
			if response.ok:
				payment = {**response.json()["message"], "reference_no": invoice, "reference_date": me.today}
				response = timed(
					recorder,
					"finance: pay invoice",
					lambda: api.post(M + "frappe.client.insert", data={"doc": json.dumps(payment)}),
				)
				if response.ok:
					saved = response.json()["message"]
					timed(
						recorder,
						"finance: pay invoice",
						lambda: api.post(M + "frappe.client.submit", data={"doc": json.dumps(saved)}),
					)
		advance = oldest_unpaid_advance(api, plan)
		if advance:
			response = timed(
				recorder,
				"finance: pay advance",
				lambda: api.post(
					M + "borgerbudget.accounting.make_advance_payment", data={"budget_advance": advance}
				),
			)
			if response.ok:
				response = timed(
					recorder,
					"finance: pay advance",
					lambda: api.post(
						M + "frappe.client.insert", data={"doc": json.dumps(response.json()["message"])}
					),
				)
				if response.ok:
					saved = response.json()["message"]
					timed(
						recorder,
						"finance: pay advance",
						lambda: api.post(M + "frappe.client.submit", data={"doc": json.dumps(saved)}),
					)


def oldest_unpaid_advance(api, plan):
	response = api.get(
		"/api/resource/Budget Advance",
		params={
			"filters": json.dumps([["budget_plan", "=", plan], ["payment_entry", "is", "not set"]]),
			"limit_page_length": 1,
			"order_by": "creation asc",
		},
	)
	rows = response.json().get("data") if response.ok else None
	return rows[0]["name"] if rows else None


def citizen_loop(base_url, site, me, deadline, recorder, rounds=MAX_ROUNDS):
	api = Api(base_url, site, me.user)
	for n in range(rounds):
		if time.monotonic() > deadline:
			return
		timed(recorder, "citizen: open plan", lambda: api.get(f"/api/resource/Budget Plan/{me.plan}"))
		timed(
			recorder,
			"citizen: save plan",
			lambda: save(api, "Budget Plan", me.plan, "motivation", f"I want to work, round {n}"),
		)
		content = f"receipt {me.user} {n}".encode()
		timed(
			recorder,
			"citizen: upload receipt",
			lambda: api.post(
				M + "upload_file",
				data={"doctype": "Budget Plan", "docname": me.plan, "is_private": 1},
				files={"file": (f"kvittering-{n}.txt", content)},
			),
		)


def run(base_url, site, world, seconds, recorder=None, rounds=MAX_ROUNDS, think=None):
	"""Every client of the world at once, for `seconds` at most; `think`: (least, most) seconds
	each client waits between requests, or None for none."""
	recorder = recorder or Recorder()
	recorder.think = think
	deadline = time.monotonic() + seconds

	def client(loop, me):
		try:
			if think:
				# People do not all press a key at the same second.
				time.sleep(random.uniform(0, think[1]))
			loop(base_url, site, me, deadline, recorder, rounds)
		except Exception as error:  # a client that stops is a finding of its own
			recorder.crashed.append(f"{loop.__name__} {me.user}: {error!r}")

	threads = [threading.Thread(target=client, args=(caseworker_loop, c)) for c in world.caseworkers]
	threads += [threading.Thread(target=client, args=(finance_loop, f)) for f in world.finance]
	threads += [threading.Thread(target=client, args=(citizen_loop, c)) for c in world.citizens]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(seconds + 300)
	return recorder


def single_user_baseline(base_url, site, world, rounds=5):
	"""Each kind of client alone, one after the other: the p95 each request type has without load."""
	recorder = Recorder()
	far = 10**9
	if world.caseworkers:
		# The first caseworker's plans are the first finance user's: the advances it requests here
		# give that finance user, alone next, advances to pay.
		lone = world.caseworkers[0]
		caseworker = frappe._dict(lone, submitted=lone.submitted[:1])
		caseworker_loop(base_url, site, caseworker, time.monotonic() + far, recorder, rounds)
		lone.submitted = lone.submitted[1:]
	if world.finance:
		finance_loop(base_url, site, world.finance[0], time.monotonic() + far, recorder, rounds)
	if world.citizens:
		citizen_loop(base_url, site, world.citizens[0], time.monotonic() + far, recorder, rounds)
	return recorder


def table(loaded, alone=None):
	rows = []
	for op in sorted(loaded.samples):
		values = loaded.samples[op]
		single = alone.p95(op) if alone and alone.samples.get(op) else None
		rows.append(
			(
				op,
				len(values),
				loaded.errors[op],
				loaded.server_errors[op],
				statistics.median(values),
				loaded.p95(op),
				single,
				loaded.p95(op) / single if single else None,
			)
		)
	lines = [
		f"{'request':36} {'count':>6} {'errors':>6} {'5xx':>4} {'median':>7} {'p95':>7} {'p95 1u':>7} {'ratio':>6}"
	]
	for op, count, errors, server, median, p95, single, ratio in rows:
		lines.append(
			f"{op:36} {count:>6} {errors:>6} {server:>4} {median:>7.3f} {p95:>7.3f} {single if single is not None else float('nan'):>7.3f} {ratio if ratio is not None else float('nan'):>6.2f}"
		)
	return "\n".join(lines), rows
