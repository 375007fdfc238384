"""Faults that lose nothing: MariaDB is restarted while 20 saves are in flight over HTTP.

The shared database server is never touched: the test runs on a private MariaDB holding a copy of
the test site's database (tests/integration/private_servers.py), served by a real gunicorn. Ten
citizens save their plans with child rows (five through REST with three budget lines each, five
through the portal's save_plan_parts with three goals each) and finance submits ten Purchase
Invoices against budget lines (each written back to its line), all at once; once the first has
been answered, the database server is stopped with SIGTERM and started again on the same port and
data directory. Then:

- every request was answered with success, or with the app's clear 503 (no traceback, in the
  user's language), saying whether nothing was saved or that the save may not have gone through;
- the same gunicorn serves again: each failed request, sent once more, succeeds;
- nothing is half-saved: every plan has its parent fields and its children together or neither,
  its total as its lines say; every invoice exists with its ledger and its write-back to the budget
  line, or not at all; a success's effect is there, a failure's is not; consistency.check() passes.
"""

import contextlib
import json
import shutil
import subprocess
import threading
import time

import frappe
import pytest
import requests
from frappe.utils import add_days

from borgerbudget import consistency, lost_database
from tests.integration import factories, load, private_servers
from tests.integration.conftest import SITES_PATH
from tests.integration.factories import Api

CITIZENS = 10
INVOICE_PLANS = 5  # two supplier lines each: ten invoices, two on each plan (they queue for its lock)
M = "/api/method/"


@pytest.fixture(scope="module")
def world(site):
	"""The copy, its data (made on the copy only: nothing is written to the shared database) and a
	gunicorn on it with a thread for each request."""
	if not (private_servers.MARIADBD and shutil.which("mariadb-install-db")):
		pytest.fail("The MariaDB server's programs (mariadbd, mariadb-install-db) are not installed")
	began = time.monotonic()
	with private_servers.site_copy(frappe.conf) as copy:
		copied = time.monotonic()
		with private_servers.frappe_on(copy):
			data = build()
		built = time.monotonic()
		process, url = factories.start_server(SITES_PATH, site, workers=4, threads=5, env=copy.env)
		try:
			yield frappe._dict(
				private=copy,
				url=url,
				site=site,
				process=process,
				timings={
					"copy of the database": copy.seconds,
					"private server up, copied": copied - began,
					"test data on the copy": built - copied,
					"gunicorn up": time.monotonic() - built,
				},
				**data,
			)
		finally:
			process.terminate()
			try:
				process.wait(40)  # gunicorn lets requests in hand finish first (30 s at most)
			except subprocess.TimeoutExpired:
				process.kill()
				process.wait()


def build():
	frappe.set_user("Administrator")
	factories.make_supplier(load.SUPPLIER)
	programme = factories.make_programme(
		maximum_per_participant=50000, reimbursement_limit=1000, yearly_capacity=1000
	)
	caseworker = factories.user("caseworker_a")
	citizens = []
	for i in range(CITIZENS):
		email = load.load_user("dbrestart", i, ["Borgerbudget Citizen"])
		frappe.db.set_value("User", email, "language", "da")  # the answer is checked in Danish
		plan = factories.plan_of(load.enrolled(programme, caseworker, email))
		citizens.append(
			frappe._dict(user=email, plan=plan.name, need_date=str(add_days(plan.course_start_date, 10)))
		)
	invoices = [
		frappe._dict(plan=plan.name, line=line)
		for plan in (load.approved(programme, caseworker) for _ in range(INVOICE_PLANS))
		for line in load.supplier_lines(plan.name)
	]
	frappe.db.commit()
	return {"programme": programme.name, "citizens": citizens, "invoices": invoices}


def citizen_save(api, me, k, token):
	"""The plan with three new budget lines through REST, or three goals through the portal."""
	if me.via == "rest":
		lines = [
			{
				"description": f"{token} line {n}",
				"category": "Kursus / uddannelse",
				"amount": 1000 + n,
				"need_date": me.need_date,
				"payment_route": "Supplier invoice",
				"theory_of_change": "Warehouses in town ask for a forklift certificate.",
			}
			for n in range(3)
		]
		return api.put(f"/api/resource/Budget Plan/{me.plan}", json={"motivation": token, "lines": lines})
	goals = [{"goal": f"{token} goal {n}", "how_to_measure": "A contract"} for n in range(3)]
	return api.post(
		M + "borgerbudget.portal.save_plan_parts",
		data={"plan": me.plan, "parts": json.dumps({"motivation": token, "goals": goals})},
	)


def invoice_save(api, me, k, token):
	return api.post(
		M + "borgerbudget.accounting.create_purchase_invoice",
		data={
			"budget_plan": me.plan,
			"budget_line": me.line,
			"amount": 100 + k,
			"bill_no": token,
			"submit": 1,
		},
	)


def requests_of(world):
	"""(kind, what, save, session): ten citizens on their own plans, ten invoices as finance."""
	for k, me in enumerate(world.citizens):
		me.via = "rest" if k % 2 == 0 else "portal"
	made = [("plan", me, citizen_save, Api(world.url, world.site, me.user)) for me in world.citizens]
	made += [
		("invoice", me, invoice_save, Api(world.url, world.site, factories.user("finance")))
		for me in world.invoices
	]
	for *_call, api in made:
		# A connection of its own for each request: gunicorn closes an idle kept-alive one after
		# two seconds, and a save sent on it as it closes never reaches the server.
		api.session.close()
		api.session.headers["Connection"] = "close"
	return made


def fire(calls, round_name):
	"""Every call at once: (threads, results), each result (token, answer or exception, seconds)
	filled in as its answer comes."""
	results = [None] * len(calls)
	start = threading.Barrier(len(calls) + 1)

	def one(k, kind, me, save, api):
		token = f"dbr-{round_name}-{kind}-{k}-{frappe.generate_hash(length=6)}"
		start.wait()
		began = time.monotonic()
		try:
			answer = save(api, me, k, token)
		except requests.RequestException as error:
			answer = error
		results[k] = (token, answer, time.monotonic() - began)

	threads = [threading.Thread(target=one, args=(k, *call)) for k, call in enumerate(calls)]
	for thread in threads:
		thread.start()
	start.wait()
	return threads, results


def describe(answer) -> str:
	if not isinstance(answer, requests.Response):
		return repr(answer)[:300]
	try:
		body = answer.json()
	except ValueError:
		return f"{answer.status_code} {answer.text[:120]!r}"
	return f"{answer.status_code} {body.get('exc_type', '')} {str(body.get('_server_messages', ''))[:200]}"


def outcome(answer, language):
	"""'saved', 'nothing saved' or 'maybe saved', or an AssertionError for any other answer."""
	assert isinstance(answer, requests.Response), f"no HTTP answer: {answer!r}"
	if answer.status_code == 200:
		return "saved"
	text = answer.text
	assert answer.status_code == 503, f"{answer.status_code}: {text[:2000]}"
	assert answer.headers["Content-Type"].startswith("application/json"), text[:500]
	assert "Traceback" not in text and "pymysql" not in text, text[:2000]
	body = answer.json()
	assert "exc" not in body and "exception" not in body, text[:2000]
	assert body["exc_type"] == "DatabaseUnavailable", text[:500]
	assert answer.headers.get("Retry-After") == lost_database.RETRY_AFTER
	message = json.loads(json.loads(body["_server_messages"])[0])["message"]
	for key, kind in (
		(lost_database.NOTHING_SAVED, "nothing saved"),
		(lost_database.MAYBE_SAVED, "maybe saved"),
	):
		if message == translation(key, language):
			return kind
	raise AssertionError(f"an unclear message: {message!r}")


def translation(message, language):
	if language == "en":
		return message
	from frappe.translate import get_translations_from_csv

	return get_translations_from_csv(language, "borgerbudget")[message]


def test_a_database_restart_during_20_saves_loses_nothing_and_the_server_goes_on(world):
	timings = dict(world.timings)
	calls = requests_of(world)
	assert len(calls) == 20

	threads, results = fire(calls, "first")
	# Restart once the first save is answered: the others are then in flight.
	deadline = time.monotonic() + 120
	while not any(results) and time.monotonic() < deadline:
		time.sleep(0.01)
	in_flight = sum(result is None for result in results)
	began = time.monotonic()
	timings["database away (SIGTERM, start)"] = world.private.db.restart()
	for thread in threads:
		thread.join(180)
	timings["first round, all answered"] = time.monotonic() - began

	for (kind, *_rest), (_token, answer, seconds) in zip(calls, results):
		print(f"{kind:8} {seconds:5.1f} s  " + describe(answer))
	outcomes = [
		outcome(answer, "da" if kind == "plan" else "en")
		for (kind, *_rest), (_token, answer, _s) in zip(calls, results)
	]
	summary = {kind: outcomes.count(kind) for kind in ("saved", "nothing saved", "maybe saved")}
	print(f"\nin flight at the restart: {in_flight} of 20; answers: {summary}")
	assert in_flight >= 5, "the restart came too late to meet requests in flight"
	assert summary["nothing saved"] + summary["maybe saved"] >= 1, "the restart met no request"

	began = time.monotonic()
	maybe = []
	with private_servers.frappe_on(world.private):
		for k, (kind, me, _save, _api) in enumerate(calls):
			saved = (plan_saved if kind == "plan" else invoice_saved)(me, results[k][0])
			if outcomes[k] == "saved":
				assert saved, f"{kind} {k}: answered saved, but its effect is not there"
			elif outcomes[k] == "nothing saved":
				assert not saved, f"{kind} {k}: answered nothing saved, but its effect is there"
			else:
				maybe.append(saved)  # whole or not at all (checked above), either may be
		check_whole(world)
	print(f"maybe saved: {maybe.count(True)} saved, {maybe.count(False)} not")
	timings["state checked"] = time.monotonic() - began

	# The same gunicorn (never restarted) serves again: each failed save, sent once more, succeeds.
	assert world.process.poll() is None
	began = time.monotonic()
	# One after another, as people try again (at once, ten citizens' saves of child rows meet
	# deadlocks, which the retries absorb or answer with "the system was busy").
	again = {}
	for k, result in enumerate(outcomes):
		if result != "saved":
			kind, me, save, api = calls[k]
			again[k] = f"dbr-again-{kind}-{k}-{frappe.generate_hash(length=6)}"
			answer = save(api, me, k, again[k])
			assert answer.status_code == 200, (k, describe(answer))
	timings["failed saves sent again"] = time.monotonic() - began
	with private_servers.frappe_on(world.private):
		for k, token in again.items():
			kind, me, _save, _api = calls[k]
			assert (plan_saved if kind == "plan" else invoice_saved)(me, token), f"{kind} {k} sent again"
		check_whole(world)
	print("timings (s): " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in timings.items()))


def check_whole(world):
	"""Every plan's total is its lines', no invoice is left unsubmitted, and the site's consistency
	check finds nothing (but for files: the copy shares the site's files folder)."""
	frappe.db.rollback()
	plans = frappe.get_all("Budget Plan", filters={"programme": world.programme}, pluck="name")
	drafts = frappe.get_all("Purchase Invoice", filters={"budget_plan": ("in", plans), "docstatus": 0})
	assert not drafts, f"invoices saved without their submission: {drafts}"
	for plan in plans:
		total = frappe.db.get_value("Budget Plan", plan, "total_amount")
		lines = frappe.db.sql("select coalesce(sum(amount), 0) from `tabBudget Line` where parent = %s", plan)
		assert abs(total - lines[0][0]) < 0.005, f"{plan}: total {total}, its lines {lines[0][0]}"
	problems = consistency.check()
	frappe.db.rollback()  # check() holds the plans' locks
	assert not problems["lines"] and not problems["ledger"] and not problems["cpr"], problems
	print(f"consistency: {problems}")


def lock_waits(world) -> int:
	"""The site's statements waiting for a row lock now."""
	return world.private.db.sql(
		"""select count(*) from information_schema.processlist
		where user = %s and command = 'Query' and info like '%%FOR UPDATE%%'""",
		(frappe.conf.db_user or frappe.conf.db_name,),
	)[0][0]


def plan_saved(me, token) -> bool:
	"""Whether the save with `token` is in the plan: the parent's field and all three children, or
	neither (anything between is a half-saved plan, and fails here)."""
	frappe.db.rollback()
	parent = frappe.db.get_value("Budget Plan", me.plan, "motivation") == token
	child, field = ("Budget Line", "description") if me.via == "rest" else ("Budget Plan Goal", "goal")
	children = frappe.db.count(child, {"parent": me.plan, field: ("like", f"{token} %")})
	assert children == (
		3 if parent else 0
	), f"plan {me.plan}: motivation saved {parent}, {children} of 3 rows"
	return parent


def invoice_saved(me, token) -> bool:
	"""Whether the invoice with `token` exists: submitted, with its ledger rows and its write-back to
	the budget line (which holds what its submitted invoices add up to), or not at all."""
	frappe.db.rollback()
	found = frappe.get_all(
		"Purchase Invoice", filters={"bill_no": token}, fields=["name", "docstatus", "grand_total"]
	)
	if not found:
		return False
	assert len(found) == 1 and found[0].docstatus == 1, found
	name = found[0].name
	assert frappe.db.count("GL Entry", {"voucher_no": name, "is_cancelled": 0}) >= 2, name
	assert frappe.db.count("Payment Ledger Entry", {"voucher_no": name, "delinked": 0}) == 1, name
	invoiced = frappe.db.get_value("Budget Line", me.line, "invoiced_amount")
	documents = frappe.db.sql(
		"""select coalesce(sum(i.amount), 0) from `tabPurchase Invoice Item` i
		join `tabPurchase Invoice` p on p.name = i.parent
		where p.docstatus = 1 and i.budget_line = %s""",
		me.line,
	)[0][0]
	assert abs(invoiced - documents) < 0.005, f"line {me.line}: invoiced {invoiced}, its invoices {documents}"
	return True


def test_while_the_database_is_away_every_request_gets_the_clear_answer_and_work_goes_on(world):
	"""The server stopped: reads, writes, a login and a page are refused clearly; a save waiting for
	a lock when the server stops is refused and leaves nothing; once it is back, saves go through."""
	me = frappe._dict(world.citizens[0], via="rest")
	citizen, finance = (
		Api(world.url, world.site, me.user),
		Api(world.url, world.site, factories.user("finance")),
	)
	for api in (citizen, finance):
		api.session.close()
		api.session.headers["Connection"] = "close"
	world.private.db.stop()
	try:
		answers = {
			"REST read": (finance.get("/api/resource/Purchase Invoice"), "en"),
			"REST write": (
				citizen.put(f"/api/resource/Budget Plan/{me.plan}", json={"motivation": "x"}),
				"da",
			),
			"portal": (citizen_save(citizen, frappe._dict(me, via="portal"), 1, "dbr-away"), "da"),
			"invoice": (invoice_save(finance, world.invoices[0], 0, "dbr-away"), "en"),
			"login": (
				Api(world.url, world.site).post(
					M + "login", data={"usr": me.user, "pwd": factories.TEST_PASSWORD}
				),
				"en",
			),
		}
		page = citizen.session.get(f"{world.url}/my-plan", headers={"Accept": "text/html"})
	finally:
		world.private.db.start()
	for name, (answer, language) in answers.items():
		assert outcome(answer, language) == "nothing saved", name
	assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html"), page.text[:500]
	assert '<html lang="da">' in page.text and translation(lost_database.TITLE, "da") in page.text
	assert "Traceback" not in page.text and page.headers["Retry-After"] == lost_database.RETRY_AFTER

	# A save waiting for the plan's lock when the server stops.
	holder = world.private.db.root(frappe.conf.db_name)
	answer = {}
	waiting = threading.Thread(target=lambda: answer.update(r=citizen_save(citizen, me, 0, "dbr-waited")))
	try:
		holder.begin()
		holder.cursor().execute("select name from `tabBudget Plan` where name = %s for update", me.plan)
		waiting.start()
		deadline = time.monotonic() + 30
		while not lock_waits(world) and not answer and time.monotonic() < deadline:
			time.sleep(0.05)
		assert lock_waits(world), f"the save did not wait for the lock: {describe(answer.get('r'))}"
		world.private.db.restart()
	finally:
		with contextlib.suppress(Exception):
			holder.close()
		waiting.join(60)
	assert outcome(answer["r"], "da") == "nothing saved"

	# And work goes on, on the same gunicorn.
	assert citizen_save(citizen, me, 0, "dbr-back").status_code == 200
	with private_servers.frappe_on(world.private):
		assert not plan_saved(me, "dbr-waited") and plan_saved(me, "dbr-back")
		assert not frappe.get_all("Purchase Invoice", filters={"bill_no": "dbr-away"})
