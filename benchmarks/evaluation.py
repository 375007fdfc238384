"""Evaluation benchmark (P2): the evaluation reports on 10,000 participants and 100,000 budget lines.

Each report is timed through frappe's own report runner, as the desk calls it, against a plain SQL
aggregate over the same table(s) measured in the same run: a GROUP BY with no filters, joins or
permissions. The goal is about a second per report.

Run from the bench's sites folder, against a site with allow_tests:

  ../env/bin/python ../apps/borgerbudget/benchmarks/evaluation.py SITE [participants] [lines]

The generated rows are written straight into the tables (they are data for the reports, not a
test of the forms) in one transaction that is rolled back at the end.

With --replica, on a site that scripts/replica sends to a read replica, the reports run there as
the desk runs them (frappe.read_only()), at 10,000 and at 100,000 participants (100,000 and
1,000,000 lines), to show the growth. A replica only sees committed rows, so these are committed,
and deleted again at the end: use a scratch site.

  ../env/bin/python ../apps/borgerbudget/benchmarks/evaluation.py SITE --replica

To work on one size without generating it each time: --sizes 100000 generates only that size,
--keep leaves the generated rows (and names their programme), --reuse PROGRAMME measures such a
programme again (repeatable, with or without --sizes), and --delete only deletes the generated rows.
"""

import random
import statistics
import sys
import time

import frappe
from bench_site import run_on_site  # a script's own folder is on sys.path

SAMPLES = 7
REPORTS = (
	"Participants by Stage",
	"Budget Spend by Category",
	"Programme Outcomes",
	"Termination Reasons",
	"Theory of Change Results",
	"Quality of Life Changes",
	"Research Export",
)
# The plain aggregate each report is compared with: the same main table, grouped, nothing else.
BASELINES = {
	"Participants by Stage": "select status, count(*) from `tabParticipant` where programme = %(programme)s group by status",
	"Budget Spend by Category": "select category, count(*), sum(amount), sum(invoiced_amount), sum(paid_amount) from `tabBudget Line` group by category",
	"Programme Outcomes": "select status, count(*), avg(total_amount), avg(total_invoiced) from `tabBudget Plan` where programme = %(programme)s group by status",
	"Termination Reasons": "select reason, count(*) from `tabCourse Termination` where programme = %(programme)s group by reason",
	"Theory of Change Results": "select category, theory_of_change_result, count(*), sum(invoiced_amount) from `tabBudget Line` group by category, theory_of_change_result",
	"Quality of Life Changes": "select quality_of_life, count(*) from `tabFollow-up` where programme = %(programme)s group by quality_of_life",
	"Research Export": "select name, programme, status, birth_date, enrolment_date from `tabParticipant` where programme = %(programme)s",
}


REPLICA_SIZES = (10_000, 100_000)  # participants, with ten budget lines each
GENERATED = (
	"Participant",
	"Budget Plan",
	"Budget Line",
	"Course Termination",
	"Follow-up",
	"Follow-up Line Result",
	"Cohort Participant",
)


def main(site, participants=10_000, lines=100_000):
	run_on_site(site, run, participants, lines)


def on_replica(call):
	"""`call` on a fresh replica connection, as each web request gets one: frappe.read_only() keeps
	using the primary in a process that has been on the replica once."""
	for name in ("replica_db", "primary_db"):
		if hasattr(frappe.local, name):
			delattr(frappe.local, name)
	return frappe.read_only()(call)()


def run_replica(sizes=None, keep=False, reuse=()):
	"""`sizes`: participant counts to generate (each with ten lines per participant); `reuse`: generated
	programmes kept by an earlier run (--keep) to measure again; `keep`: leave the generated rows."""
	from frappe.desk.query_report import run as run_report

	from tests.integration import factories

	if not frappe.conf.read_from_replica:
		sys.exit("This site reads no replica: run scripts/replica for it first.")
	factories.ensure_test_users()
	frappe.set_user("Administrator")
	port = on_replica(lambda: frappe.db.sql("select @@port")[0][0])
	print(f"reports on the replica at 127.0.0.1:{port}, baselines there too")
	timings = {}
	try:
		programmes = [
			(frappe.db.count("Participant", {"programme": programme}), programme) for programme in reuse
		]
		for participants in sizes if sizes is not None else REPLICA_SIZES:
			frappe.set_user("Administrator")
			programme = factories.make_programme(
				programme_name="_Bench Replica " + frappe.generate_hash(length=6)
			).name
			started = time.perf_counter()
			counts = generate(programme, participants, participants * 10, prefix=f"R{participants // 1000}K")
			frappe.db.commit()
			print(
				f"\n{participants:,} participants: generated and committed in {time.perf_counter() - started:.1f} s: "
				+ ", ".join(f"{n:,} {what}" for what, n in counts.items())
			)
			programmes.append((participants, programme))
		started = time.perf_counter()
		position = frappe.db.sql("select @@gtid_binlog_pos")[0][0]
		assert on_replica(lambda: frappe.db.sql("select master_gtid_wait(%s, 1800)", position)[0][0]) == 0
		print(f"the replica caught up in {time.perf_counter() - started:.1f} s")
		for participants, programme in sorted(programmes):
			print(f"\n{participants:,} participants: programme {programme}")
			frappe.set_user(factories.user("auditor"))
			timings[participants] = measure(
				programme,
				report=lambda name, filters: on_replica(lambda: run_report(name, filters=filters)),
				baseline=lambda sql, filters: on_replica(lambda: frappe.db.sql(sql, filters)),
			)
	finally:
		frappe.set_user("Administrator")
		if keep:
			print(
				"\ngenerated rows kept: measure them again with --reuse PROGRAMME, delete them with --delete"
			)
		else:
			delete_generated()
	if len(timings) < 2:
		return
	(small, small_times), (large, large_times) = sorted(timings.items())[:: len(timings) - 1]
	print(f"\n{f'growth {small // 1000}k -> {large // 1000}k':<28}{'small':>9}{'large':>11}{'growth':>8}")
	for name in (*REPORTS, "all seven"):
		print(
			f"{name:<28}{small_times[name] * 1000:>7.0f}ms{large_times[name] * 1000:>9.0f}ms"
			f"{large_times[name] / small_times[name]:>7.1f}x"
		)


def delete_generated():
	"""The rows --replica generated (their names start R<thousands>K-), committed away."""
	started = time.perf_counter()
	for doctype in GENERATED:
		frappe.db.sql(f"delete from `tab{doctype}` where name like 'R%%K-%%'")
	frappe.db.sql("delete from `tabBudget Programme` where programme_name like '\\_Bench Replica %%'")
	frappe.db.commit()
	print(f"\ngenerated rows deleted in {time.perf_counter() - started:.1f} s")


def run(participant_count, line_count):
	from frappe.desk.query_report import run as run_report

	from tests.integration import factories

	factories.ensure_test_users()
	frappe.set_user("Administrator")
	programme = factories.make_programme(programme_name="_Bench Evaluation " + frappe.generate_hash(length=6))
	started = time.perf_counter()
	counts = generate(programme.name, participant_count, line_count)
	print(
		f"generated in {time.perf_counter() - started:.1f} s: "
		+ ", ".join(f"{n:,} {what}" for what, n in counts.items())
	)

	frappe.set_user(factories.user("auditor"))
	measure(
		programme.name,
		report=lambda name, filters: run_report(name, filters=filters),
		baseline=lambda sql, filters: frappe.db.sql(sql, filters),
	)


def measure(programme, report, baseline):
	"""Each report against its plain aggregate, median of SAMPLES; the times by report."""
	filters = {"programme": programme}
	print(f"\n{'report':<28}{'rows':>7}{'report':>11}{'baseline':>11}{'ratio':>8}")
	times = {}
	total = base_total = 0.0
	for name in REPORTS:
		rows = len(report(name, filters)["result"])  # warm the caches once
		ours = median(lambda: report(name, filters))
		base = median(lambda: baseline(BASELINES[name], filters))
		total, base_total, times[name] = total + ours, base_total + base, ours
		print(f"{name:<28}{rows:>7}{ours * 1000:>9.0f}ms{base * 1000:>9.1f}ms{ours / base:>7.1f}x")
	print(
		f"{'all seven':<28}{'':>7}{total * 1000:>9.0f}ms{base_total * 1000:>9.1f}ms{total / base_total:>7.1f}x"
	)
	times["all seven"] = total
	return times


def median(call):
	times = []
	for _ in range(SAMPLES):
		start = time.perf_counter()
		call()
		times.append(time.perf_counter() - start)
	return statistics.median(times)


def generate(programme, participant_count, line_count, prefix="BENCH"):
	"""Participants through every stage; plans with lines in every category; ended courses; two
	follow-ups with scores and a verdict on each line; a control group; cohorts."""
	from borgerbudget import rules

	rng = random.Random(2026)
	now = frappe.utils.now()
	today = frappe.utils.getdate()
	categories = frappe.get_all("Budget Category", pluck="name") or [""]
	base = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}
	people, plans, plan_lines, terminations, follow_ups, results, cohort_rows = [], [], [], [], [], [], []
	enrolled = []
	for i in range(participant_count):
		name = f"{prefix}-{i:06d}"
		status = rng.choices(rules.intake.INTAKE_STATUSES, weights=(15, 3, 2, 3, 2, 75))[0]
		control = status == rules.intake.SCREENING and rng.random() < 0.6
		person = {
			**base,
			"name": name,
			"full_name": f"Bench Borger {i}",
			"programme": programme,
			"status": status,
			"recruitment_route": rng.choice(("Random draw", "Designated by caseworker")),
			"birth_date": frappe.utils.add_days(today, -rng.randint(25 * 365, 60 * 365)),
			"enrolment_date": frappe.utils.add_days(today, -rng.randint(0, 700)),
			"control_group_draw": "BENCH-DRAW" if control else None,
			"control_outcome": rng.choice(rules.evaluation.JOB_OR_EDUCATION + ("Still on benefits",) * 4)
			if control
			else None,
		}
		people.append(person)
		if status == rules.intake.ENROLLED:
			enrolled.append(person)
	per_plan, extra = divmod(line_count, max(len(enrolled), 1))
	for n, person in enumerate(enrolled):
		plan = f"{prefix}-PLAN-{person['name']}"
		status = rng.choices(
			(rules.plan.APPROVED, rules.plan.SUBMITTED, rules.plan.DRAFT, rules.plan.REJECTED),
			weights=(85, 5, 8, 2),
		)[0]
		amounts = [rng.choice((500, 1000, 2000, 3000)) for _ in range(per_plan + (n < extra))]
		plans.append(
			{
				**base,
				"name": plan,
				"participant": person["name"],
				"programme": programme,
				"status": status,
				"total_amount": sum(amounts),
				"total_invoiced": sum(amounts) // 2,
			}
		)
		person["course_start_date"] = person["enrolment_date"]
		ended = status == rules.plan.APPROVED and rng.random() < 0.4
		if ended:
			ct = f"{prefix}-CT-{n:06d}"
			person["course_termination"] = ct
			terminations.append(
				{
					**base,
					"name": ct,
					"docstatus": 1,
					"participant": person["name"],
					"programme": programme,
					"termination_date": today,
					"reason": rng.choice(("Ordinary employment", "Education", "Other")),
					"outcome": rng.choice(("Job", "Education", "Still on benefits", "Other")),
				}
			)
		if rng.random() < 0.4:
			cohort_rows.append(
				{
					**base,
					"name": f"{prefix}-CP-{n:06d}",
					"parent": "BENCH-COHORT-" + str(n % 50),
					"parenttype": "Cohort",
					"parentfield": "participants",
					"idx": n,
					"participant": person["name"],
				}
			)
		lines_of_plan = []
		for idx, amount in enumerate(amounts, 1):
			line = f"{prefix}-L-{n:06d}-{idx:03d}"
			lines_of_plan.append(line)
			plan_lines.append(
				{
					**base,
					"name": line,
					"parent": plan,
					"parenttype": "Budget Plan",
					"parentfield": "lines",
					"idx": idx,
					"programme": programme,
					"description": f"Line {idx}",
					"category": rng.choice(categories),
					"amount": amount,
					"approved": int(status == rules.plan.APPROVED),
					"invoiced_amount": amount // 2,
					"paid_amount": amount // 4,
					"payment_route": rules.plan.SUPPLIER_INVOICE,
				}
			)
		if status == rules.plan.APPROVED:
			for k, days_ago in enumerate((60, 5)):
				fu = f"{prefix}-FU-{n:06d}-{k}"
				follow_ups.append(
					{
						**base,
						"name": fu,
						"participant": person["name"],
						"programme": programme,
						"follow_up_date": frappe.utils.add_days(today, -days_ago),
						**{score: str(rng.randint(1, 5)) for score in rules.evaluation.WELLBEING_SCORES},
					}
				)
				if k == 1:
					for idx, line in enumerate(plan_lines[-len(lines_of_plan) :], 1):
						# The follow-up writes its verdict back to the line, as Follow-up.on_update does.
						line["theory_of_change_result"] = rng.choice(rules.evaluation.THEORY_RESULTS)
						results.append(
							{
								**base,
								"name": f"{fu}-{idx:03d}",
								"parent": fu,
								"parenttype": "Follow-up",
								"parentfield": "lines",
								"idx": idx,
								"budget_line": line["name"],
								"category": line["category"],
								"theory_of_change_held": line["theory_of_change_result"],
							}
						)
	for doctype, rows in (
		("Participant", people),
		("Budget Plan", plans),
		("Budget Line", plan_lines),
		("Course Termination", terminations),
		("Follow-up", follow_ups),
		("Follow-up Line Result", results),
		("Cohort Participant", cohort_rows),
	):
		fields = sorted({key for row in rows for key in row})
		frappe.db.bulk_insert(
			doctype, fields, [[row.get(f) for f in fields] for row in rows], chunk_size=5000
		)
	return {
		"participants": len(people),
		"plans": len(plans),
		"lines": len(plan_lines),
		"ended courses": len(terminations),
		"follow-ups": len(follow_ups),
		"line verdicts": len(results),
	}


def options(args):
	"""--replica [--sizes 10000,100000] [--reuse PROGRAMME]... [--keep], or --replica --delete."""
	parsed = {"reuse": []}
	while args:
		option = args.pop(0)
		if option == "--sizes":
			parsed["sizes"] = [int(size) for size in args.pop(0).split(",") if size]
		elif option == "--reuse":
			parsed["reuse"].append(args.pop(0))
		elif option in ("--keep", "--delete"):
			parsed[option[2:]] = True
		else:
			sys.exit(f"unknown option {option}")
	if parsed["reuse"] and "sizes" not in parsed:
		parsed["sizes"] = []  # only the kept programmes
	return parsed


if __name__ == "__main__":
	args = sys.argv[1:]
	if "--replica" in args:
		args.remove("--replica")
		site, parsed = args[0], options(args[1:])
		if parsed.pop("delete", False):
			run_on_site(site, delete_generated)
		else:
			run_on_site(site, run_replica, parsed.get("sizes"), parsed.get("keep", False), parsed["reuse"])
	else:
		main(args[0], *(int(a) for a in args[1:3]))
