"""What the record of who opened a citizen's record costs a form load.

Two gunicorns serve the same site in the same run: one as shipped (each open of a participant's
record by a staff user recorded in the Access Log, written after the response), one with the record
switched off (benchmarks/unrecorded_app.py). A caseworker opens the same Budget Plan in the desk
(`frappe.desk.form.load.getdoc` over HTTP) on each in turn, N times each after a warm-up; the
median and p95 of each and their ratio are printed. Goal: ratio <= 1.05.

Also timed in-process: the write itself (one entry inserted and committed), the work that runs
after the response has gone out.

Run from the bench's sites folder, against a site with allow_tests (it makes committed data and
removes it at the end, the entries it caused included):

  ../env/bin/python ../apps/borgerbudget/benchmarks/access_log.py SITE [N]
"""

import os
import statistics
import sys
import time

import frappe

HERE = os.path.dirname(os.path.abspath(__file__))
WARM_UP = 30


def main(site, n=300):
	sys.path.insert(0, os.path.join(HERE, ".."))
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	from tests.integration import factories

	factories.ensure_test_users()
	frappe.set_user("Administrator")
	programme = factories.make_programme(programme_name="_Bench Access Log " + frappe.generate_hash(length=6))
	plan = factories.submitted_plan(programme)
	frappe.set_user("Administrator")
	frappe.db.commit()
	servers = {}
	try:
		servers["recorded"] = factories.start_server(".", site)
		# Two alike without the record: their ratio is what two servers differ by anyway.
		for key in ("unrecorded", "control"):
			servers[key] = factories.start_server(
				".", site, app="unrecorded_app:application", pythonpath=HERE
			)
		caseworker = factories.user("caseworker_a")
		sessions = {key: factories.Api(url, site, caseworker) for key, (_process, url) in servers.items()}
		params = {"doctype": "Budget Plan", "name": plan.name}
		timings = {key: [] for key in sessions}
		for i in range(WARM_UP + n):
			# Taking turns in a changing order, so that anything else on the machine weighs on all alike.
			keys = list(sessions)
			for key in keys[i % 3 :] + keys[: i % 3]:
				started = time.perf_counter()
				response = sessions[key].get("/api/method/frappe.desk.form.load.getdoc", params=params)
				elapsed = time.perf_counter() - started
				assert response.status_code == 200, response.text
				if i >= WARM_UP:
					timings[key].append(elapsed)
		time.sleep(1)
		frappe.db.rollback()
		recorded = frappe.db.count("Access Log", {"user": caseworker, "reference_document": plan.name})
		write = time_the_write(plan, caseworker)
		report(n, timings, recorded, write)
	finally:
		for process, _url in servers.values():
			process.terminate()
			process.wait(10)
		frappe.db.rollback()
		frappe.db.delete("Access Log", {"participant": plan.participant})
		factories.remove_programme(programme.name)
		frappe.db.commit()
		frappe.destroy()


def time_the_write(plan, user, samples=200):
	"""One entry inserted and committed, as after a form load's response (the participant looked up)."""
	from borgerbudget import access_log

	frappe.set_user(user)
	timings = []
	for _ in range(samples):
		started = time.perf_counter()
		access_log._write([access_log_entry(plan, user)])
		frappe.db.commit()
		timings.append(time.perf_counter() - started)
	frappe.set_user("Administrator")
	return timings


def access_log_entry(plan, user):
	return {
		"user": user,
		"timestamp": frappe.utils.now(),
		"export_from": "Budget Plan",
		"reference_document": plan.name,
		"participant": None,
		"method": "Desk",
	}


def p95(values):
	return statistics.quantiles(values, n=20)[-1]


def report(n, timings, recorded, write):
	ms = 1000
	on, off, control = timings["recorded"], timings["unrecorded"], timings["control"]
	print(f"Form load of a Budget Plan (getdoc over HTTP), {n} each, taking turns")
	print("| | recorded | not recorded | ratio | control (not recorded either) | its ratio |")
	print("| --- | --- | --- | --- | --- | --- |")
	for label, measure in (("median", statistics.median), ("p95", p95), ("mean", statistics.mean)):
		print(
			f"| {label} | {measure(on) * ms:.1f} ms | {measure(off) * ms:.1f} ms | **{measure(on) / measure(off):.3f}** "
			f"| {measure(control) * ms:.1f} ms | {measure(control) / measure(off):.3f} |"
		)
	print(f"entries written by the recorded server: {recorded} (expected {n + WARM_UP})")
	print(
		f"the write after the response (insert + commit, in-process): median {statistics.median(write) * ms:.2f} ms, "
		f"p95 {p95(write) * ms:.2f} ms"
	)


if __name__ == "__main__":
	main(sys.argv[1], *[int(value) for value in sys.argv[2:]])
