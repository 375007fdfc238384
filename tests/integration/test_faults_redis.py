"""Faults that lose nothing: Redis is stopped. The test runs its own cache and queue Redis servers
(the bench's are shared), a real gunicorn and an RQ worker that use them, stops each server in turn
and looks at what users get: a clear, translated 503 and never a traceback; reads that frappe can
serve from the database go on; nothing is half-saved. Then it starts the server again on the same
port, and the same gunicorn and worker, never restarted, go on: changes are saved and a job queued
after the outage runs (borgerbudget/faults.py)."""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import frappe
import pytest
import redis

from borgerbudget import faults
from tests.integration.conftest import SITE, SITES_PATH
from tests.integration.factories import (
	TEST_PASSWORD,
	Api,
	free_port,
	make_enrolled,
	make_programme,
	plan_of,
	remove_programme,
	start_server,
	user,
)
from tests.integration.private_servers import PrivateRedis
from tests.integration.test_payout import invoice, invoice_plan

PAGE = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
AJAX = {"X-Requested-With": "XMLHttpRequest"}
ACCEPT = "/api/method/frappe.website.doctype.web_form.web_form.accept"
PAYMENT_RUN = "/api/method/borgerbudget.accounting.start_payment_run"
SAVE_PARTS = "/api/method/borgerbudget.portal.save_plan_parts"
NOT_SAVED = "Part of the system is down right now, and nothing was saved. Please try again in a few minutes."
DOWN = "Part of the system is down right now. Please try again in a few minutes."


@pytest.fixture(scope="module")
def world(site):
	"""The servers and processes, and the records the requests touch (committed); all stopped and
	removed afterwards, also when the set-up or a test fails."""
	if not shutil.which("redis-server"):
		pytest.fail("redis-server is not installed (scripts/setup installs it)")
	directory = tempfile.mkdtemp(prefix="bb-redis-fault-")
	cache, queue = PrivateRedis(directory, "cache"), PrivateRedis(directory, "queue")
	env = {"FRAPPE_REDIS_CACHE": cache.url, "FRAPPE_REDIS_QUEUE": queue.url}
	server = worker = programme = None
	try:
		cache.start()
		queue.start()
		server, url = start_server(
			SITES_PATH, SITE, workers=1, env=env, output=open(os.path.join(directory, "gunicorn.log"), "a")
		)
		worker = subprocess.Popen(
			[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", "long"],
			cwd=SITES_PATH,
			env={**os.environ, **env},
			stdout=open(os.path.join(directory, "worker.log"), "a"),
			stderr=subprocess.STDOUT,
			start_new_session=True,
		)
		programme = make_programme(yearly_capacity=10)
		draft = plan_of(
			make_enrolled(programme, assigned_caseworker=user("caseworker_a"), user=user("citizen"))
		)
		due = invoice(invoice_plan(programme, 1234), amount=100)
		frappe.set_user("Administrator")
		note = frappe.get_doc(
			{"doctype": "Budget Plan Note", "budget_plan": draft.name, "note": "Bring the quote on Monday"}
		).insert()
		frappe.db.commit()
		yield frappe._dict(
			cache=cache,
			queue=queue,
			url=url,
			server=server,
			worker=worker,
			programme=programme.name,
			plan=draft.name,
			invoice=due.name,
			note=note.name,
		)
	finally:
		if worker and worker.poll() is None:
			os.killpg(worker.pid, signal.SIGKILL)
		if server:
			server.terminate()
			server.wait(10)
		cache.stop()
		queue.stop()
		shutil.rmtree(directory, ignore_errors=True)
		frappe.db.rollback()
		frappe.set_user("Administrator")
		if programme:
			plans = frappe.get_all("Budget Plan", filters={"programme": programme.name}, pluck="name")
			frappe.db.delete("Budget Plan Note", {"budget_plan": ("in", plans or [""])})
			frappe.db.delete("Comment", {"reference_name": programme.name})  # the payment run's
			remove_programme(programme.name)
		frappe.db.commit()


def desk_session(world, key):
	"""A logged-in desk user with the CSRF token the desk page gives its scripts."""
	session = Api(world.url, SITE, user(key))
	token = re.search(r'frappe.csrf_token = "([0-9a-f]+)"', session.get("/app", headers=PAGE).text)
	session.session.headers["X-Frappe-CSRF-Token"] = token.group(1)
	return session


def refused_clearly(response, message, page=False):
	"""HTTP 503 with the message and a retry time; no traceback, no exception, as JSON or as a page."""
	assert response.status_code == 503, (response.status_code, response.text[:3000])
	assert response.headers["Retry-After"] == "30"
	assert not {"Traceback", "ConnectionError", "127.0.0.1"} & set(re.findall(r"[\w.]+", response.text))
	if page:
		assert response.headers["Content-Type"].startswith("text/html")
		assert message in html.unescape(response.text)
		return
	body = response.json()
	assert not {"exc", "exception", "_exc_source"} & set(body), body
	assert [json.loads(m)["message"] for m in json.loads(body["_server_messages"])] == [message]


def stored(world):
	frappe.db.rollback()
	return frappe._dict(
		plan=frappe.db.get_value("Budget Plan", world.plan, ["motivation", "strategy_stop"], as_dict=True),
		outstanding=frappe.db.get_value("Purchase Invoice", world.invoice, "outstanding_amount"),
		note=frappe.db.exists("Budget Plan Note", world.note),
	)


def logged():
	"""What the operator reads: which request got the 503, and which Redis server was down."""
	with open(frappe.get_site_path("logs", "borgerbudget.faults.log")) as log:
		return log.read()


def web_form_save(citizen, world, **values):
	doc = citizen.get(f"/api/resource/Budget Plan/{world.plan}").json()["data"]
	return citizen.post(ACCEPT, data={"web_form": "my-budget-plan", "data": json.dumps({**doc, **values})})


def test_with_redis_stopped_requests_fail_clearly_and_work_goes_on_when_it_is_back(world):
	started = time.monotonic()
	caseworker, admin = desk_session(world, "caseworker_a"), desk_session(world, "admin")
	citizen, finance = Api(world.url, SITE, user("citizen")), Api(world.url, SITE, user("finance"))
	plan_url = f"/api/resource/Budget Plan/{world.plan}"
	before = stored(world)

	# The cache stops. Reads that frappe serves from the database go on; the desk cannot boot, and no
	# change is made: each gets the clear 503, and nothing is saved.
	world.cache.stop()
	assert caseworker.get(plan_url).json()["data"]["name"] == world.plan
	assert citizen.get("/my-plan", headers=PAGE).status_code == 200
	refused_clearly(caseworker.get("/app", headers=PAGE), DOWN, page=True)
	refused_clearly(caseworker.put(plan_url, json={"motivation": "During the outage"}), NOT_SAVED)
	refused_clearly(
		citizen.post(SAVE_PARTS, json={"plan": world.plan, "parts": {"strategy_stop": "x"}}), NOT_SAVED
	)
	refused_clearly(web_form_save(citizen, world, strategy_stop="y"), NOT_SAVED)
	refused_clearly(finance.post(PAYMENT_RUN, data={"programme": world.programme}), NOT_SAVED)
	refused_clearly(
		Api(world.url, SITE).get("/api/method/borgerbudget.mitid.login.start", headers=PAGE), DOWN, page=True
	)
	guest = Api(world.url, SITE).post(
		"/api/method/login", data={"usr": user("citizen"), "pwd": TEST_PASSWORD, "_lang": "da"}
	)
	refused_clearly(
		guest, "En del af systemet er nede lige nu, og intet blev gemt. Prøv igen om et par minutter."
	)
	assert stored(world) == before
	assert f"PUT {plan_url} answered 503: Redis cache not answering" in logged()

	# Back on the same port, empty: the same gunicorn serves everything again.
	world.cache.start()
	assert caseworker.get("/app", headers=PAGE).status_code == 200
	assert caseworker.put(plan_url, json={"motivation": "After the outage"}).status_code == 200
	response = citizen.post(
		SAVE_PARTS, json={"plan": world.plan, "parts": {"strategy_stop": "Sleeping late"}}
	)
	assert response.status_code == 200, response.text
	assert web_form_save(citizen, world, strategy_start="Two applications a week").status_code == 200
	assert stored(world).plan == {"motivation": "After the outage", "strategy_stop": "Sleeping late"}

	# The queue stops (the worker is idle). Saves need no queue and go on; what would queue a job is
	# refused before anything is kept: the payment run, and a deletion (frappe queues its clean-up).
	world.queue.stop()
	assert caseworker.put(plan_url, json={"motivation": "Queue down"}).status_code == 200
	refused_clearly(finance.post(PAYMENT_RUN, data={"programme": world.programme}), NOT_SAVED)
	refused_clearly(admin.request("DELETE", f"/api/resource/Budget Plan Note/{world.note}"), NOT_SAVED)
	after = stored(world)
	assert (after.outstanding, after.note) == (100, world.note)
	assert f"POST {PAYMENT_RUN} answered 503: Redis queue not answering" in logged()

	# Back on the same port: the same worker, reconnected by itself, runs the run queued now.
	world.queue.start()
	assert finance.post(PAYMENT_RUN, data={"programme": world.programme}).json()["message"] == 1
	assert admin.request("DELETE", f"/api/resource/Budget Plan Note/{world.note}").status_code in (200, 202)
	deadline = time.monotonic() + 30
	while stored(world).outstanding:
		assert time.monotonic() < deadline, "the worker did not run the payment run within 30 s"
		time.sleep(0.2)
	assert not stored(world).note
	assert world.server.poll() is None and world.worker.poll() is None  # neither was restarted
	assert time.monotonic() - started < 60


def test_a_batch_that_cannot_be_queued_is_not_left_locked(monkeypatch):
	"""frappe locks a document for its background job before queueing it; a large payout batch whose
	approval cannot be queued must not stay locked (for three hours) after the refusal."""
	from frappe.utils import background_jobs, file_lock

	batch = frappe.new_doc("Payout Batch")
	batch.name = "_Test Redis Fault " + frappe.generate_hash(length=8)
	# frappe's queue connection pointed at a port nothing listens on: the enqueue really fails.
	monkeypatch.setattr(background_jobs, "_redis_queue_conn", redis.Redis(port=free_port()))
	monkeypatch.setattr(frappe.local, "conf", frappe._dict(frappe.local.conf))
	faults.check_queue_at_enqueue()  # as before every request
	try:
		with pytest.raises(redis.ConnectionError):
			batch.approve_in_background()
		assert not file_lock.lock_exists(batch.get_signature())
	finally:
		file_lock.delete_lock(batch.get_signature())
