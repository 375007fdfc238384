"""What representatives cost the permission rule: every participant condition now asks whom the
user represents today (a subquery on Representative, indexed on the representative).

On 10,000 participants (the evaluation benchmark's data) with 1,000 representations in force, each
of the rule's reads is timed with the rule as it is and with the representation clause left out
(the rule before representatives), in the same run:
  - the participant list as a caseworker of one team (the desk's list, 20 rows);
  - the plan list as a citizen who also represents two others;
  - "may this caseworker read this plan" (has_permission) for a plan outside their team, the
    path that reaches the representation lookup.

Run from the bench's sites folder, against a site with allow_tests:

  ../env/bin/python ../apps/borgerbudget/benchmarks/representation.py SITE [participants]

Everything it writes is rolled back.
"""

import statistics
import sys
import time

import frappe
from bench_site import run_on_site  # a script's own folder is on sys.path

ROUNDS = 300
REPRESENTATIONS = 1_000


def main(site, participants=10_000):
	run_on_site(site, run, int(participants))


def run(participant_count):
	from evaluation import generate

	from borgerbudget import permissions, rules
	from tests.integration import factories

	factories.ensure_test_users()
	frappe.set_user("Administrator")
	programme = factories.make_programme(
		programme_name="_Bench Representation " + frappe.generate_hash(length=6)
	)
	generate(programme.name, participant_count, participant_count)
	names = frappe.get_all(
		"Participant", filters={"programme": programme.name}, pluck="name", order_by="name"
	)
	caseworker, citizen = factories.user("caseworker_a"), factories.user("citizen")
	team = frappe.db.get_value("Caseworker Team Member", {"user": caseworker}, "parent")
	# A caseworker's team holds a tenth of the participants; the citizen owns one and represents two.
	frappe.db.sql(
		"update `tabParticipant` set caseworker_team = %s where programme = %s and mod(cast(substr(name, 7) as unsigned), 10) = 0",
		(team, programme.name),
	)
	frappe.db.set_value("Participant", names[1], "user", citizen)
	helpers = [f"bench-helper-{i}@example.com" for i in range(50)]
	now = frappe.utils.now()
	base = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}
	frappe.db.bulk_insert(
		"User",
		["name", "email", "first_name", "user_type", "enabled", *base],
		[(h, h, "Hjælper", "Website User", 1, *base.values()) for h in helpers],
	)
	rows = [
		(
			f"BENCH-REP-{i:05d}",
			names[(i * 7) % len(names)],
			helpers[i % len(helpers)],
			rules.representation.ACT,
		)
		for i in range(REPRESENTATIONS)
	]
	rows += [("BENCH-REP-C1", names[2], citizen, "Read"), ("BENCH-REP-C2", names[3], citizen, "Act")]
	frappe.db.bulk_insert(
		"Representative",
		["name", "participant", "representative", "scope", "legal_basis", "valid_from", "status", *base],
		[
			(
				*row,
				rules.representation.POWER_OF_ATTORNEY,
				frappe.utils.add_days(frappe.utils.today(), -10),
				"Active",
				*base.values(),
			)
			for row in rows
		],
	)
	outside = frappe.db.get_value(
		"Budget Plan",
		{"programme": programme.name, "participant": ("not in", names[::10])},
		["name", "participant"],
		as_dict=True,
	)

	def participant_list():
		frappe.set_user(caseworker)
		return frappe.get_list("Participant", fields=["name", "full_name", "status"], limit=20)

	def citizen_plans():
		frappe.set_user(citizen)
		return frappe.get_list("Budget Plan", fields=["name", "status"], limit=20)

	def may_read_outside_plan():
		frappe.set_user(caseworker)
		return frappe.has_permission("Budget Plan", "read", outside.name)

	cases = (("caseworker: participant list", participant_list), ("citizen: plan list", citizen_plans))
	cases += (("caseworker: may read a plan", may_read_outside_plan),)
	with_clause = {label: timed(call) for label, call in cases}
	seen = {label: call() for label, call in cases}
	# The rule before representatives: the same conditions without the representation clause.
	as_is = permissions.represented_query
	permissions.represented_query = lambda escaped_user, acting=False: "select null from dual where false"
	try:
		without = {label: timed(call) for label, call in cases}
		seen_without = {label: call() for label, call in cases}
	finally:
		permissions.represented_query = as_is
	frappe.set_user("Administrator")
	print(f"\n{participant_count:,} participants, {len(rows):,} representations; {ROUNDS} rounds each, ms")
	print(f"{'read':<30}{'rows':>6}{'with':>9}{'p95':>8}{'without':>9}{'p95':>8}{'ratio':>7}")
	for label, _call in cases:
		got = seen[label]
		count = len(got) if isinstance(got, list) else int(bool(got))
		(med, p95), (base_med, base_p95) = with_clause[label], without[label]
		print(
			f"{label:<30}{count:>6}{med * 1000:>9.2f}{p95 * 1000:>8.2f}{base_med * 1000:>9.2f}"
			f"{base_p95 * 1000:>8.2f}{med / base_med:>7.2f}"
		)
	# What the clause changes is who is reached: the citizen's list holds the two they represent.
	print(
		"citizen's plans with / without the clause:",
		len(seen["citizen: plan list"]),
		"/",
		len(seen_without["citizen: plan list"]),
	)


def timed(call):
	call()  # warm the caches once
	times = []
	for _ in range(ROUNDS):
		start = time.perf_counter()
		call()
		times.append(time.perf_counter() - start)
	return statistics.median(times), statistics.quantiles(times, n=20)[18]


if __name__ == "__main__":
	main(*sys.argv[1:])
