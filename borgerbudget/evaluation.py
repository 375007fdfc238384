"""The programme's evaluation (seed 004, "Evaluering"): the figures behind the Script Reports, the
workspace's number cards and the pseudonymised research export.

Each figure is one SQL aggregate over the participants the filters select, so a report costs about
as much as a plain GROUP BY on the same tables, however many participants the municipality has."""

import frappe
from frappe import _
from frappe.utils import cint, flt

from borgerbudget import cpr_vault, permissions, rules

IN_COHORT = "exists (select 1 from `tabCohort Participant` cp where cp.participant = p.name and cp.parenttype = 'Cohort')"
FIRST_COHORT = "(select min(cp.parent) from `tabCohort Participant` cp where cp.participant = p.name and cp.parenttype = 'Cohort')"
GROUPS = {
	"Programme": "p.programme",
	"Cohort": f"coalesce({FIRST_COHORT}, '')",
	"Course Variant": f"if({IN_COHORT}, '{rules.evaluation.COLLECTIVE}', '{rules.evaluation.INDIVIDUAL}')",
	"Recruitment Route": "coalesce(p.recruitment_route, '')",
}


def sql_list(values):
	return "(" + ", ".join(frappe.db.escape(value) for value in values) + ")"


# The stage of participant `p` with plan `bp`: the intake status until enrolment, then the plan's.
STAGE = f"""case
	when p.status != '{rules.intake.ENROLLED}' and p.control_group_draw is not null then '{rules.evaluation.CONTROL_GROUP}'
	when p.status != '{rules.intake.ENROLLED}' then p.status
	when p.course_termination is not null then '{rules.evaluation.COURSE_ENDED}'
	when bp.status = '{rules.plan.APPROVED}' then '{rules.evaluation.IN_COURSE}'
	when bp.status = '{rules.plan.SUBMITTED}' then '{rules.evaluation.PLAN_BEING_ASSESSED}'
	when bp.status = '{rules.plan.REJECTED}' then '{rules.evaluation.PLAN_REJECTED}'
	else '{rules.evaluation.WRITING_PLAN}' end"""


WHOLE_PROGRAMME = "p.programme = %(programme)s"


def scope(filters):
	"""A SQL condition on participant `p` for the report filters and the user's own permissions."""
	conditions, filters = scope_conditions(filters)
	return " and ".join(["1 = 1", *conditions]), filters


def scope_conditions(filters):
	"""scope()'s conditions, as a list: [WHOLE_PROGRAMME] alone is a whole programme."""
	filters = frappe._dict(filters or {})
	conditions = []
	if filters.programme:
		conditions.append(WHOLE_PROGRAMME)
	if filters.cohort:
		conditions.append(
			"exists (select 1 from `tabCohort Participant` cp where cp.participant = p.name and cp.parent = %(cohort)s)"
		)
	if filters.course_variant:
		if filters.course_variant not in (rules.evaluation.COLLECTIVE, rules.evaluation.INDIVIDUAL):
			frappe.throw(_("Unknown course variant {0}.").format(filters.course_variant))
		conditions.append(
			("" if filters.course_variant == rules.evaluation.COLLECTIVE else "not ") + IN_COHORT
		)
	if filters.recruitment_route:
		conditions.append("p.recruitment_route = %(recruitment_route)s")
	# Researchers see no participant, only pseudonymised figures of the whole programme; everyone
	# else sees the figures of the participants they may see.
	if not permissions.is_researcher():
		visible = permissions.visible_participant_condition("p.name")
		if visible:
			conditions.append(visible)
	return conditions, filters


def stage_counts(filters=None):
	"""{stage: participants}, every stage present."""
	condition, values = scope(filters)
	counts = dict(
		frappe.db.sql(
			f"""select {STAGE} as stage, count(*) from `tabParticipant` p
			left join `tabBudget Plan` bp on bp.participant = p.name
			where {condition} group by stage""",
			values,
		)
	)
	return {stage: cint(counts.get(stage)) for stage in rules.evaluation.STAGES}


def line_scope(filters):
	"""A SQL condition on budget line `bl` (of a plan) for the report filters and the user's own
	permissions. A whole programme the user sees entire is read by the lines' own programme, from
	their programme index in the order the reports group (0.3 s for a million lines); anything
	narrower through the plans of the participants in scope, from the lines' evaluation index, instead
	of joining each line to its plan and participant (each plan has one participant, so the sums are
	those of that join)."""
	conditions, values = scope_conditions(filters)
	if conditions == [WHOLE_PROGRAMME]:
		return "bl.programme = %(programme)s and bl.parenttype = 'Budget Plan'", values
	plans = f"""select bp.name from `tabBudget Plan` bp join `tabParticipant` p on p.name = bp.participant
		where {" and ".join(["1 = 1", *conditions])}"""
	return f"bl.parenttype = 'Budget Plan' and bl.parent in ({plans})", values


def spend_by_category(filters=None):
	"""The approved lines of approved plans per category: approved, invoiced and paid."""
	condition, values = line_scope(filters)
	return frappe.db.sql(
		f"""select coalesce(bl.category, '') as category, count(*) as line_count,
			sum(bl.amount) as approved, sum(bl.invoiced_amount) as invoiced, sum(bl.paid_amount) as paid
		from `tabBudget Line` bl
		where bl.approved = 1 and {condition}
		group by bl.category order by approved desc""",
		values,
		as_dict=True,
	)


def outcomes(filters=None, group_by=None):
	"""Per group of the participants whose plan was approved: spend against the maximum, the share in
	job or education at the end against the control group and the national reference rate, and the
	estimated yearly public saving."""
	condition, values = scope(filters)
	group = GROUPS.get(group_by) or "''"
	rows = frappe.db.sql(
		f"""select {group} as grp, count(*) as participants,
			avg(bp.total_amount) as average_budget, avg(bp.total_invoiced) as average_invoiced,
			avg(prog.maximum_per_participant) as maximum,
			sum(ct.name is not null) as ended,
			sum(ct.outcome in {sql_list(rules.evaluation.JOB_OR_EDUCATION)}) as job_or_education,
			sum(ct.outcome in {sql_list(rules.evaluation.SELF_SUPPORTING)}) as self_supporting,
			sum(if(ct.outcome in {sql_list(rules.evaluation.SELF_SUPPORTING)}, prog.yearly_saving_per_person, 0)) as yearly_saving,
			avg(prog.reference_rate) as reference_rate
		from `tabParticipant` p
		join `tabBudget Plan` bp on bp.participant = p.name and bp.status = '{rules.plan.APPROVED}'
		join `tabBudget Programme` prog on prog.name = p.programme
		left join `tabCourse Termination` ct on ct.name = p.course_termination and ct.docstatus = 1
		where {condition}
		group by grp order by grp""",
		values,
		as_dict=True,
	)
	control = control_group(filters, by_programme=group_by == "Programme")
	for row in rows:
		row.share = rules.evaluation.share(flt(row.job_or_education), flt(row.ended))
		comparison = control.get(row.grp if group_by == "Programme" else None) or {
			"size": 0,
			"job_or_education": 0,
		}
		row.control_size = comparison["size"]
		row.control_share = rules.evaluation.share(comparison["job_or_education"], comparison["size"])
		row.versus_control = rules.evaluation.points(row.share, row.control_share)
		row.reference_rate = flt(row.reference_rate, 1)
		row.versus_reference = rules.evaluation.points(row.share, row.reference_rate)
		row.budget_share = rules.evaluation.share(flt(row.average_budget), flt(row.maximum))
	return rows


def control_group(filters=None, by_programme=False):
	"""The drawn control group's outcomes: {programme or None: {size, job_or_education}}. Only the
	programme filter applies: the control group is never in a cohort or a course."""
	filters = frappe._dict(filters or {})
	condition, values = scope({"programme": filters.programme})
	rows = frappe.db.sql(
		f"""select {"p.programme" if by_programme else "null"} as programme, count(*) as size,
			sum(p.control_outcome in {sql_list(rules.evaluation.JOB_OR_EDUCATION)}) as job_or_education
		from `tabParticipant` p
		where p.control_group_draw is not null and p.status != '{rules.intake.ENROLLED}'
			and coalesce(p.control_outcome, '') != '' and {condition}
		group by programme""",
		values,
		as_dict=True,
	)
	return {
		row.programme: {"size": cint(row.size), "job_or_education": cint(row.job_or_education)}
		for row in rows
	}


def termination_reasons(filters=None):
	"""Ended courses per reason, with the outcome of each."""
	condition, values = scope(filters)
	outcomes = ", ".join(
		f"sum(ct.outcome = {frappe.db.escape(outcome)}) as `{frappe.scrub(outcome)}`"
		for outcome in rules.evaluation.OUTCOMES
	)
	return frappe.db.sql(
		f"""select ct.reason, count(*) as ended, {outcomes}
		from `tabCourse Termination` ct join `tabParticipant` p on p.name = ct.participant
		where ct.docstatus = 1 and {condition}
		group by ct.reason order by ended desc""",
		values,
		as_dict=True,
	)


def theory_of_change(filters=None):
	"""Per category, the latest follow-up verdict on each line's theory of change (kept on the line by
	the follow-up), and the money invoiced on the lines with each verdict: spend linked to outcomes."""
	condition, values = line_scope(filters)
	rows = frappe.db.sql(
		f"""select coalesce(bl.category, '') as category, bl.theory_of_change_result as held,
			count(*) as line_count, sum(bl.invoiced_amount) as invoiced
		from `tabBudget Line` bl
		where coalesce(bl.theory_of_change_result, '') != '' and {condition}
		group by bl.category, bl.theory_of_change_result""",
		values,
		as_dict=True,
	)
	categories = {}
	for row in rows:
		category = categories.setdefault(
			row.category, frappe._dict(category=row.category, lines=0, invoiced=0.0, achieved_invoiced=0.0)
		)
		category[frappe.scrub(row.held)] = cint(row.line_count)
		category.lines += cint(row.line_count)
		category.invoiced += flt(row.invoiced)
		if row.held == "Achieved":
			category.achieved_invoiced = flt(row.invoiced)
	for category in categories.values():
		# "Too early" is no verdict yet: the share is of the lines that have one.
		judged = category.lines - cint(category.get("too_early"))
		category.achieved_share = rules.evaluation.share(cint(category.get("achieved")), judged)
	return sorted(categories.values(), key=lambda row: -row.lines)


def wellbeing_changes(filters=None, per_participant=False):
	"""The change in each self-reported score (1–5) from a participant's first to their latest
	follow-up, for participants scored at least twice (programmes with quality-of-life scores).
	One pass over the follow-ups: per participant, the first and latest of each score."""
	condition, values = scope(filters)
	columns = []
	for score in rules.evaluation.WELLBEING_SCORES:
		scored = f"if(coalesce(f.{score}, '') != '', f.{score}, null)"
		columns += [
			f"{earliest(scored)} as first_{score}",
			f"{latest(scored)} as last_{score}",
			f"count({scored}) as times_{score}",
		]
	# Grouped by p.name, not f.participant (the same value): the participants come in that order from
	# their index, so MariaDB groups as it reads instead of through a temporary table.
	per_person = f"""select p.name as participant, {", ".join(columns)}
		from `tabFollow-up` f join `tabParticipant` p on p.name = f.participant
		where {condition} group by p.name"""
	if per_participant:
		return frappe.db.sql(per_person, values, as_dict=True)
	totals = []
	for score in rules.evaluation.WELLBEING_SCORES:
		first, last, twice = f"first_{score}", f"last_{score}", f"times_{score} >= 2"
		totals += [
			f"sum({twice}) as {score}_participants",
			f"avg(if({twice}, {first}, null)) as {score}_first_average",
			f"avg(if({twice}, {last}, null)) as {score}_last_average",
			f"avg(if({twice}, {last} - {first}, null)) as {score}_change_average",
			f"sum({twice} and {last} > {first}) as {score}_improved",
			f"sum({twice} and {last} = {first}) as {score}_unchanged",
			f"sum({twice} and {last} < {first}) as {score}_worse",
		]
	[row] = frappe.db.sql(f"select {', '.join(totals)} from ({per_person}) scores", values, as_dict=True)
	return [
		frappe._dict(
			score=score,
			**{
				key: row[f"{score}_{key}"]
				for key in (
					"participants",
					"first_average",
					"last_average",
					"change_average",
					"improved",
					"unchanged",
					"worse",
				)
			},
		)
		for score in rules.evaluation.WELLBEING_SCORES
	]


# A follow-up's position in time: its date and creation, fixed-width, so the first and latest value of
# a column per group come from one GROUP BY (min/max of the position + value) instead of a window.
POSITION = "concat(f.follow_up_date, f.creation)"
POSITION_WIDTH = 10 + 26


def earliest(value):
	return f"substring(min(concat({POSITION}, {value})), {POSITION_WIDTH + 1})"


def latest(value):
	return f"substring(max(concat({POSITION}, {value})), {POSITION_WIDTH + 1})"


def research_pseudonym(participant: str) -> str:
	"""The research export's pseudonym of one participant (a different one on every site)."""
	return pseudonymiser()(participant)


def pseudonymiser():
	"""participant -> a stable pseudonym per site: the municipality, which holds the key, can link
	it back; a researcher cannot."""
	digest = cpr_vault.digester(b"borgerbudget:research:v1")
	return lambda participant: digest(participant)[:16]


def research_rows(filters=None):
	"""One row per participant with a course or in the control group: no CPR, no names, no dates of
	birth and no free text, only what the evaluation needs."""
	condition, values = scope(filters)
	rows = frappe.db.sql(
		f"""select p.name, p.programme, {GROUPS["Cohort"]} as cohort, {GROUPS["Course Variant"]} as course_variant,
			p.recruitment_route, p.control_group_draw is not null and p.status != '{rules.intake.ENROLLED}' as control_group,
			{STAGE} as stage, timestampdiff(year, p.birth_date, coalesce(p.enrolment_date, curdate())) as age,
			year(p.enrolment_date) as enrolment_year,
			datediff(coalesce(p.course_ended_on, curdate()), p.course_start_date) as course_days,
			bp.total_amount as approved_budget, bp.total_invoiced as invoiced, bp.total_paid as paid,
			(select count(*) from `tabBudget Line` bl where bl.parent = bp.name and bl.parenttype = 'Budget Plan' and bl.approved = 1) as line_count,
			ct.reason as termination_reason, coalesce(ct.outcome, p.control_outcome) as outcome
		from `tabParticipant` p
		left join `tabBudget Plan` bp on bp.participant = p.name
		left join `tabCourse Termination` ct on ct.name = p.course_termination and ct.docstatus = 1
		where (bp.status = '{rules.plan.APPROVED}' or (p.control_group_draw is not null and p.status != '{rules.intake.ENROLLED}'))
			and {condition}
		order by p.name""",
		values,
		as_dict=True,
	)
	changes = {}
	for row in wellbeing_changes(filters, per_participant=True):
		changes[row.participant] = {
			f"{score}_change": cint(row[f"last_{score}"]) - cint(row[f"first_{score}"])
			for score in rules.evaluation.WELLBEING_SCORES
			if cint(row[f"times_{score}"]) >= 2
		}
	pseudonym = pseudonymiser()
	no_change = dict.fromkeys(f"{score}_change" for score in rules.evaluation.WELLBEING_SCORES)
	for row in rows:
		row.update(no_change)
		row.update(changes.get(row.name, {}))
		row.age_band = rules.evaluation.age_band(row.pop("age"))
		row.pseudonym = pseudonym(row.pop("name"))
		row.approved_budget, row.invoiced, row.paid = (
			flt(row.approved_budget),
			flt(row.invoiced),
			flt(row.paid),
		)
	return rows


# Number cards on the Evaluation workspace ("Custom" cards call these with the card's filters).
def check_access():
	if not frappe.get_cached_doc("Report", "Programme Outcomes").is_permitted():
		frappe.throw(_("You are not allowed to see the programme's evaluation."), frappe.PermissionError)


def totals(filters):
	rows = outcomes(frappe.parse_json(filters) if filters else None)
	return rows[0] if rows else frappe._dict()


@frappe.whitelist()
@frappe.read_only()
def card_participants_in_course(filters: str | dict | list | None = None) -> dict:
	check_access()
	return {
		"value": stage_counts(frappe.parse_json(filters) if filters else None)[rules.evaluation.IN_COURSE],
		"fieldtype": "Int",
	}


@frappe.whitelist()
@frappe.read_only()
def card_average_budget(filters: str | dict | list | None = None) -> dict:
	check_access()
	return {"value": flt(totals(filters).average_budget), "fieldtype": "Currency"}


@frappe.whitelist()
@frappe.read_only()
def card_job_or_education_share(filters: str | dict | list | None = None) -> dict:
	check_access()
	return {"value": flt(totals(filters).share), "fieldtype": "Percent"}


@frappe.whitelist()
@frappe.read_only()
def card_yearly_saving(filters: str | dict | list | None = None) -> dict:
	check_access()
	return {"value": flt(totals(filters).yearly_saving), "fieldtype": "Currency"}
