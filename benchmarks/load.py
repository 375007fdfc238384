"""P3: many people at work at once, against gunicorn on 127.0.0.1 (4 workers x 2 threads, as the
README recommends for a 2-core machine).

20 caseworkers (participant list, open a plan, save a plan, save an assessment, approve, add a
follow-up, request an advance), 3 finance users (create and submit invoices, pay them, pay
advances) and 50 citizens (open and save their plan, upload a receipt), each on participants of
their own, all at once for SECONDS (default 90), each waiting 3-9 s between steps as a person
does. Before that, each kind of client alone for a few
rounds gives the single-user p95 of each request type, measured in the same run.

Run from the bench's sites folder, against a site with allow_tests (it makes committed data and
removes it at the end):

  ../env/bin/python ../apps/borgerbudget/benchmarks/load.py SITE [seconds] [caseworkers finance citizens]

Goal: 0 HTTP 5xx, 0 deadlocks reaching a user, each request type's p95 <= 2 x its single-user p95.
"""

import os
import sys
import time

import frappe

# What scripts/start runs by default (WEB_WORKERS, WEB_THREADS); the environment may say otherwise.
WORKERS = os.environ.get("WEB_WORKERS", "4")
THREADS = os.environ.get("WEB_THREADS", "2")
# Seconds a person takes between two steps: each client waits this long (at random) after a request.
THINK = (3.0, 9.0)


def main(site, seconds=90, caseworkers=20, finance=3, citizens=50):
	sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	from tests.integration import factories, load

	factories.ensure_test_users()
	process, url = factories.start_server(".", site, WORKERS, THREADS)
	world = None
	try:
		started = time.monotonic()
		world = load.build(caseworkers, finance, citizens, submitted_each=4)
		print(
			f"Built {caseworkers} caseworkers, {finance} finance users, {citizens} citizens in {time.monotonic() - started:.0f} s"
		)
		retries_before = frappe.db.count("Error Log", {"method": "Deadlock retried"})
		alone = load.single_user_baseline(url, site, world, rounds=20)
		loaded = load.run(url, site, world, seconds, think=THINK)
		frappe.db.rollback()
		retries = frappe.db.count("Error Log", {"method": "Deadlock retried"}) - retries_before
		text, _rows = load.table(loaded, alone)
		print(
			f"\nP3: {caseworkers} caseworkers, {finance} finance, {citizens} citizens for {seconds} s; gunicorn {WORKERS} x {THREADS}"
		)
		print(text)
		print(
			f"server errors: {sum(loaded.server_errors.values())}, deadlocks reaching users: {sum(loaded.deadlocks.values())}, deadlocks retried: {retries}, clients stopped: {len(loaded.crashed)}"
		)
		for op, example in loaded.examples.items():
			print(f"first refusal of {op}: {example[:200]}")
	finally:
		process.terminate()
		process.wait(10)
		if world:
			load.remove(world)
		frappe.destroy()


if __name__ == "__main__":
	numbers = [int(value) for value in sys.argv[2:]]
	main(sys.argv[1], *numbers)
