"""Realistic demo data: two programmes, a caseworker team, users for every role, a cohort of
participants at every intake stage, a draw, and a pilot round that has ended for the evaluation.
Idempotent: records that exist are kept.

    bench --site S execute borgerbudget.setup.demo.make_demo
"""

import re

import frappe
from frappe.utils import add_days, add_years, getdate, today

from borgerbudget import rules
from borgerbudget.setup.site import DEFAULT_COMPANY

DEMO_PASSWORD = "Borgerbudget-demo-2026"

USERS = (
	("lise.jobkonsulent@demo.borgerbudget.dk", "Lise", "Holm", ["Caseworker", "Borgerbudget CPR Access"]),
	("anders.jobkonsulent@demo.borgerbudget.dk", "Anders", "Kjær", ["Caseworker"]),
	("mette.teamleder@demo.borgerbudget.dk", "Mette", "Vestergaard", ["Caseworker Team Lead", "Caseworker"]),
	("ole.oekonomi@demo.borgerbudget.dk", "Ole", "Brandt", ["Borgerbudget Finance", "Accounts User"]),
	("karen.revisor@demo.borgerbudget.dk", "Karen", "Lund", ["Borgerbudget Auditor"]),
	("admin@demo.borgerbudget.dk", "Sofie", "Madsen", ["Borgerbudget Admin", "Borgerbudget CPR Access"]),
	("jonas.jobkonsulent@demo.borgerbudget.dk", "Jonas", "Bech", ["Caseworker"]),
	("emma.forsker@demo.borgerbudget.dk", "Emma", "Krogh", ["Borgerbudget Researcher"]),
	(
		"bo.godkender@demo.borgerbudget.dk",
		"Bo",
		"Winther",
		["Borgerbudget Finance", "Borgerbudget Finance Approver", "Accounts User"],
	),
)

# The jobcenter's EAN location number (GLN, a valid check digit), to which suppliers send their
# e-invoices; every programme of the municipality has it.
JOBCENTER_GLN = "5798009999993"
# The suppliers' CVR numbers (valid modulus-11 numbers made up for the demo), by which their
# e-invoices find them.
SUPPLIER_CVR = {
	"Trafikskolen Nord": "31000009",
	"AOF Nord": "31000017",
	"Uddannelsescenter Nord": "31000025",
	"AMU Nord": "31000041",
}

PROGRAMMES = (
	{
		"programme_name": "Langtidsledige tager teten 2026",
		"ean_location_number": JOBCENTER_GLN,
		"method": "Langtidsledige tager teten",
		"target_group": "Borgere over 30 år på kontanthjælp, ledige i mere end 12 måneder, jobparate og til rådighed for arbejdsmarkedet.",
		"yearly_capacity": 25,
		"allowance_limit": 500,  # frie midler: paid to the NemKonto without receipts
	},
	{
		"programme_name": "Mit liv – min styring 2026",
		"method": "Mit liv – min styring",
		"ean_location_number": JOBCENTER_GLN,
		"target_group": "Udsatte voksne med misbrug eller psykisk sygdom. Målet kan være et bedre liv, ikke nødvendigvis selvforsørgelse.",
		"yearly_capacity": 25,
		"criteria": [
			{"criterion": rules.intake.MIN_AGE, "number": 18},
			{"criterion": rules.intake.BENEFIT_TYPE, "benefit_type": "Kontanthjælp"},
			{"criterion": rules.intake.BENEFIT_TYPE, "benefit_type": "Ressourceforløbsydelse"},
		],
	},
)

# Portal logins for enrolled citizens: (email, first name, last name, participant).
CITIZENS = (
	("jens.borger@demo.borgerbudget.dk", "Jens", "Nielsen", "Jens Nielsen"),
	("camilla.borger@demo.borgerbudget.dk", "Camilla", "Rasmussen", "Camilla Rasmussen"),
)

# (name, CPR, programme index, caseworker index, months unemployed, benefit, job-ready, available, target status)
PARTICIPANTS = (
	("Jens Nielsen", "120378-1235", 0, 0, 26, "Kontanthjælp", 1, 1, rules.intake.ENROLLED),
	("Camilla Rasmussen", "030985-2468", 0, 0, 18, "Kontanthjælp", 1, 1, rules.intake.ENROLLED),
	("Mohammed Hassan", "150771-3571", 0, 1, 40, "Kontanthjælp", 1, 1, rules.intake.ACCEPTED),
	("Pia Sørensen", "280690-0682", 0, 1, 14, "Kontanthjælp", 1, 1, rules.intake.OFFERED),
	("Thomas Jensen", "071182-1793", 0, 0, 30, "Kontanthjælp", 1, 1, rules.intake.SCREENING),
	("Maria Andersen", "220299-2804", 0, 1, 15, "Kontanthjælp", 1, 1, rules.intake.NOT_ELIGIBLE),
	("Henrik Poulsen", "010465-3915", 0, 0, 8, "Kontanthjælp", 1, 1, rules.intake.SCREENING),
	("Birgitte Larsen", "190575-0026", 0, 1, 24, "Sygedagpenge", 0, 1, rules.intake.NOT_ELIGIBLE),
	("Ali Yilmaz", "050887-1137", 0, 0, 20, "Kontanthjælp", 1, 1, rules.intake.DECLINED),
	("Susanne Mikkelsen", "111168-2248", 1, 1, 60, "Kontanthjælp", 0, 0, rules.intake.ENROLLED),
	("Kasper Christensen", "300494-3359", 1, 0, 36, "Ressourceforløbsydelse", 0, 0, rules.intake.OFFERED),
	("Hanne Pedersen", "170760-0460", 1, 1, 72, "Kontanthjælp", 0, 0, rules.intake.SCREENING),
	("Lone Frederiksen", "140279-1571", 0, 0, 22, "Kontanthjælp", 1, 1, rules.intake.ENROLLED),
	("Peter Holm", "090883-2682", 0, 0, 19, "Kontanthjælp", 1, 1, rules.intake.ENROLLED),
	("Rikke Dahl", "250576-3793", 0, 0, 31, "Kontanthjælp", 1, 1, rules.intake.ENROLLED),
)

# Plans waiting for a decision, one in each colour: (participant, scores, colleagues asked, what it is for).
ASSESSED_PLANS = (
	(
		"Lone Frederiksen",
		(rules.approval.YES, rules.approval.YES, rules.approval.YES),
		(),
		"Kørekort til lastbil (C)",
	),
	("Peter Holm", (rules.approval.DOUBTFUL, rules.approval.YES, rules.approval.YES), (1,), "Svejsekursus"),
	(
		"Rikke Dahl",
		(rules.approval.NO, rules.approval.DOUBTFUL, rules.approval.YES),
		(),
		"Egen virksomhed som frisør",
	),
)

# Citizens screened as suitable for the programme's next places, which are then drawn by lot;
# those not drawn are kept as the control group. (name, CPR, caseworker index, months unemployed)
DRAW_POOL = (
	("Louise Berg", "040586-2680", 0, 16),
	("Nikolaj Friis", "191080-3791", 1, 28),
	("Charlotte Møller", "270391-0802", 0, 13),
	("Søren Lauridsen", "060677-1913", 1, 45),
	("Malene Vinther", "130984-2024", 0, 21),
	("Kim Bertelsen", "220972-3135", 1, 33),
)

# A pilot round that started 300 days ago and has ended, so the evaluation has outcomes to show.
# (name, CPR, what the money was for, amount, supplier, did the theory of change hold,
#  in the collective course, reason for the end, outcome, days from course start to the end)
PILOT_PROGRAMME = {
	"programme_name": "Langtidsledige tager teten – pilot 2026",
	"ean_location_number": JOBCENTER_GLN,
	"method": "Langtidsledige tager teten",
	"target_group": PROGRAMMES[0]["target_group"],
	"yearly_capacity": 8,
}
PILOT_DAYS_AGO = 300
PILOT = (
	(
		"Morten Kristensen",
		"120481-1235",
		"Kørekort til lastbil (C)",
		24500,
		"Trafikskolen Nord",
		"Achieved",
		1,
		"Ordinary employment",
		"Job",
		150,
	),
	(
		"Sanne Olsen",
		"030388-2246",
		"Truckcertifikat og lagerkursus",
		9800,
		"AMU Nord",
		"Achieved",
		1,
		"Ordinary employment",
		"Job",
		120,
	),
	(
		"Jesper Mortensen",
		"250979-3357",
		"Svejsecertifikat",
		16000,
		"AMU Nord",
		"Partly",
		1,
		"Education",
		"Education",
		170,
	),
	(
		"Tina Hansen",
		"080692-0468",
		"Frisørudstyr og opstart af egen salon",
		21000,
		"Frisørgrossisten ApS",
		"Achieved",
		0,
		"Self-employment",
		"Self-employed",
		180,
	),
	(
		"Bo Thomsen",
		"171172-1579",
		"Kursus i kundeservice",
		6500,
		"AOF Nord",
		"Not",
		0,
		"6 months without employment or substantial change",
		"Still on benefits",
		182,
	),
)

# The steps that lead from Screening to each target status.
PATHS = {
	rules.intake.SCREENING: (),
	rules.intake.NOT_ELIGIBLE: ("mark_not_eligible",),
	rules.intake.OFFERED: ("offer",),
	rules.intake.DECLINED: ("offer", "decline"),
	rules.intake.ACCEPTED: ("offer", "accept"),
	rules.intake.ENROLLED: ("offer", "accept", "enroll"),
}


def make_demo(company=DEFAULT_COMPANY):
	# Stored texts such as the eligibility result are written in the site's language.
	frappe.local.lang = frappe.db.get_default("lang") or "da"
	users = [make_user(*user) for user in USERS]
	team = make_team(users)
	programmes = [make_programme(company, data) for data in PROGRAMMES]
	for row in PARTICIPANTS:
		make_participant(row, programmes, users, team)
	for email, first_name, last_name, participant_name in CITIZENS:
		make_citizen(email, first_name, last_name, participant_name)
	make_draft_plan("Jens Nielsen")
	add_randers_notes("Jens Nielsen")
	for row in ASSESSED_PLANS:
		make_assessed_plan(*row, users)
	make_payouts("Camilla Rasmussen", users)
	make_cohort(programmes[0], users)
	make_follow_up("Camilla Rasmussen", users)
	make_amendments("Camilla Rasmussen", users)
	make_change_request("Camilla Rasmussen", CITIZENS[1][0])
	make_wellbeing_course("Susanne Mikkelsen", users)
	make_draw(programmes[0], users, team)
	make_pilot_round(company, users, team)
	make_einvoices("Camilla Rasmussen")
	make_payout_batch(company)
	make_mitid_settings()
	make_representative("Jens Nielsen", users)
	make_mitid_mentor(users)
	make_access_entries("Camilla Rasmussen", users)
	make_insight_requests(users)
	make_erasure_proposal("Ali Yilmaz")
	frappe.db.commit()
	print(
		f"Demo data ready: {len(programmes) + 1} programmes, {len(PARTICIPANTS) + len(DRAW_POOL) + len(PILOT)} participants"
	)


def make_user(email, first_name, last_name, roles, user_type="System User"):
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"last_name": last_name,
				"user_type": user_type,
				"send_welcome_email": 0,
				"language": "da",
				"new_password": DEMO_PASSWORD,
			}
		)
		user.insert()
		user.add_roles(*roles)
	return email


def make_citizen(email, first_name, last_name, participant_name):
	make_user(email, first_name, last_name, ["Borgerbudget Citizen"], user_type="Website User")
	participant = frappe.get_doc("Participant", {"full_name": participant_name})
	if participant.user != email:
		participant.user = email
		participant.save()


def make_draft_plan(participant_name):
	"""A plan half written, as a citizen leaves it after a first evening's work."""
	participant = frappe.get_doc("Participant", {"full_name": participant_name})
	participant.create_budget_plan()
	plan = frappe.get_doc("Budget Plan", {"participant": participant.name})
	if plan.lines:
		return
	start = getdate(plan.course_start_date)
	plan.motivation = (
		"Jeg vil gerne arbejde som chauffør. Jeg mangler kørekort til lastbil, og jeg har brug for "
		"tænder, der gør, at jeg tør smile til en jobsamtale."
	)
	plan.append("goals", {"goal": "Job som chauffør", "how_to_measure": "Ansat inden for et år"})
	plan.append("goals", {"goal": "Mere selvtillid", "how_to_measure": "Jeg tør gå til jobsamtale"})
	plan.append(
		"lines",
		{
			"description": "Kørekort kategori C",
			"category": "Kørekort",
			"amount": 24500,
			"need_date": add_days(start, 30),
			"supplier_text": "Trafikskolen Nord",
			"goal": "Job som chauffør",
			"theory_of_change": "Med kørekort til lastbil kan jeg søge de mange chaufførjob i området.",
			"price_research": "Tre køreskoler: 24.500, 26.000 og 27.900 kr.",
		},
	)
	plan.append(
		"lines",
		{
			"description": "Tandbehandling",
			"category": "Tandbehandling",
			"amount": 12000,
			"need_date": add_days(start, 60),
			"supplier_text": "Tandlægerne i Centrum",
			"goal": "Mere selvtillid",
		},
	)
	plan.strategy_continue = "Gå ture hver dag."
	plan.save()


def add_randers_notes(participant_name):
	"""What Jens's timeline (/my-timeline) shows besides the months: a line parked for later, and
	what goes well and what is hard. Added once, to a plan still in draft."""
	participant = frappe.db.get_value("Participant", {"full_name": participant_name})
	plan = frappe.get_doc("Budget Plan", {"participant": participant})
	if plan.status != rules.plan.DRAFT or any(row.parked for row in plan.lines):
		return
	plan.append(
		"lines",
		{
			"description": "Brugt cykel",
			"category": "Cykel / knallert",
			"amount": 1500,
			"need_date": add_days(getdate(plan.course_start_date), 45),
			"supplier_text": "Genbrugscyklen",
			"goal": "Job som chauffør",
			"parked": 1,
			"park_note": "Når kørekortet er i gang",
		},
	)
	plan.successes = plan.successes or "Jeg har ringet til tre køreskoler."
	plan.frustrations = plan.frustrations or "Det er svært at sove om natten."
	plan.save()


def make_assessed_plan(
	participant_name, scores, colleagues, purpose, users, approved_days_ago=None, amount=18500, supplier=None
):
	"""A submitted plan whose assessment waits in the colour the scores give, as the caseworker left
	it; or with `approved_days_ago`, a green plan approved that long ago."""
	from frappe.model.workflow import apply_workflow

	from borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval import make_approval

	participant = frappe.get_doc("Participant", {"full_name": participant_name})
	plan = frappe.get_doc("Budget Plan", {"participant": participant.name})
	if plan.status != rules.plan.DRAFT:
		return
	start = getdate(participant.course_start_date)
	goal = f"Job gennem {purpose.lower()}"
	plan.motivation = f"{purpose} giver mig adgang til de job, jeg søger, og som der mangler folk til."
	plan.append("goals", {"goal": goal, "how_to_measure": "Ansat inden for et år"})
	plan.append(
		"lines",
		{
			"description": purpose,
			"category": "Kursus / uddannelse",
			"amount": amount,
			"need_date": add_days(start, 30),
			"payment_route": rules.plan.SUPPLIER_INVOICE,
			"supplier": supplier and make_supplier(supplier),
			"supplier_text": None if supplier else "Uddannelsescenter Nord",
			"goal": goal,
			"theory_of_change": "Arbejdsgiverne kræver beviset, før de ansætter.",
			"price_research": "Tre tilbud indhentet; dette er det billigste.",
		},
	)
	plan.strategy_continue = "Søge job hver uge."
	plan.strategy_stop = "At udskyde ting."
	plan.strategy_start = "At ringe direkte til virksomheder."
	plan.save()
	plan.submit_for_assessment()

	frappe.set_user(participant.assigned_caseworker)
	approval = make_approval(plan.name)
	notes = (
		"Planen kan gøre en væsentlig forskel.",
		"Borgeren er motiveret.",
		"Budgetposten passer til målet.",
	)
	for criterion, score, note in zip(rules.approval.CRITERIA, scores, notes):
		approval.set(f"{criterion}_score", score)
		approval.set(
			f"{criterion}_note", note if score == rules.approval.YES else "Jeg er i tvivl; se sagen."
		)
	approval.classification = rules.approval.suggest_classification(
		dict(zip(rules.approval.CRITERIA, scores)), rules.approval.DEFAULT_CLASSIFICATION_RULES
	)
	approval.first_follow_up_date = add_days(today(), 14)
	if approved_days_ago is not None:
		approval.course_start_date = add_days(today(), -approved_days_ago)
		approval.first_follow_up_date = add_days(approval.course_start_date, 14)
	for index in colleagues:
		approval.append("colleagues", {"user": users[index]})
	approval.insert()
	action = {rules.approval.YELLOW: "Ask Colleagues", rules.approval.RED: "Refer to Team"}.get(
		approval.classification
	)
	if approved_days_ago is not None:
		action = "Approve Plan"
	if action:
		apply_workflow(approval, action)
	frappe.set_user("Administrator")


# An approved plan in payout: one invoice paid, one waiting for the payment run, and a bus
# card advanced to the citizen whose receipts are overdue. (line, amount, route, supplier)
PAYOUT_LINES = (
	("Kørekort kategori B", 18000, rules.plan.SUPPLIER_INVOICE, "Trafikskolen Nord"),
	("Kursus i Excel for lagerfolk", 3500, rules.plan.SUPPLIER_INVOICE, "AOF Nord"),
	("Buskort i tre måneder", 1200, rules.plan.REIMBURSEMENT, None),
	("Frie midler", 500, rules.plan.ALLOWANCE, None),
)


def make_payouts(participant_name, users):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from frappe.model.workflow import apply_workflow

	from borgerbudget import accounting
	from borgerbudget.borgerbudget.doctype.budget_advance.budget_advance import send_receipt_reminders
	from borgerbudget.borgerbudget.doctype.budget_plan_approval.budget_plan_approval import make_approval

	participant = frappe.get_doc("Participant", {"full_name": participant_name})
	participant.create_budget_plan()
	plan = frappe.get_doc("Budget Plan", {"participant": participant.name})
	if plan.status != rules.plan.DRAFT:
		return
	for supplier in {row[3] for row in PAYOUT_LINES if row[3]}:
		make_supplier(supplier)
	start = getdate(plan.course_start_date)
	goal = "Job på et lager med kørsel"
	plan.motivation = (
		"Med kørekort og Excel kan jeg søge job som lagerchauffør. Buskortet får mig til kurserne."
	)
	plan.append("goals", {"goal": goal, "how_to_measure": "Ansat inden for et år"})
	for description, amount, route, supplier in PAYOUT_LINES:
		plan.append(
			"lines",
			{
				"description": description,
				"category": {
					rules.plan.REIMBURSEMENT: "Transport",
					rules.plan.ALLOWANCE: "Andre udgifter",
				}.get(route, "Kursus / uddannelse"),
				"amount": amount,
				"need_date": add_days(start, 20),
				"payment_route": route,
				"supplier": supplier,
				"goal": goal,
				"theory_of_change": "Lagerjob i området kræver kørekort og lidt regneark.",
			},
		)
	plan.strategy_continue = "Træne to gange om ugen."
	plan.strategy_stop = "At sidde alene derhjemme."
	plan.strategy_start = "At tage med en ven til jobmesser."
	plan.save()
	plan.submit_for_assessment()

	frappe.set_user(participant.assigned_caseworker)
	approval = make_approval(plan.name)
	for criterion in rules.approval.CRITERIA:
		approval.set(f"{criterion}_score", rules.approval.YES)
		approval.set(f"{criterion}_note", "Klar sammenhæng mellem mål og midler.")
	approval.classification = rules.approval.GREEN
	approval.first_follow_up_date = add_days(today(), 14)
	approval.insert()
	apply_workflow(approval, "Approve Plan")
	advance = frappe.get_doc(
		{
			"doctype": "Budget Advance",
			"budget_plan": plan.name,
			"budget_line": plan.lines[2].name,
			"amount": 1200,
		}
	).insert()

	frappe.set_user(users[3])  # finance
	plan.reload()
	invoices = []
	for line in plan.lines[:2]:
		invoice = accounting.make_purchase_invoice(plan.name, line.name)
		invoice.bill_no = f"F-{line.idx:04d}"
		invoice.insert()
		invoice.submit()
		invoices.append(invoice)
	payment = get_payment_entry("Purchase Invoice", invoices[0].name)
	payment.reference_no, payment.reference_date = "Bankoverførsel", today()
	payment.insert()
	payment.submit()
	# The receipt-free allowance, booked as Camilla's own invoice: the payout batch pays it.
	accounting.create_purchase_invoice(plan.name, plan.lines[3].name, submit=True)
	advance_payment = accounting.make_advance_payment(advance.name)
	advance_payment.posting_date = advance_payment.reference_date = add_days(today(), -20)
	advance_payment.insert()
	advance_payment.submit()
	frappe.set_user("Administrator")
	send_receipt_reminders()


def make_cohort(programme, users):
	"""The collective course of the first programme: kick-off held, workshops to come."""
	name = "Hold 1 – efterår 2026"
	if frappe.db.exists("Cohort", name):
		return
	enrolled = frappe.get_all(
		"Participant",
		filters={"programme": programme, "status": rules.intake.ENROLLED},
		pluck="name",
		order_by="name",
	)
	frappe.get_doc(
		{
			"doctype": "Cohort",
			"cohort_name": name,
			"programme": programme,
			"kick_off_date": add_days(today(), -3),
			"kick_off_place": "Jobcentret, store mødesal",
			"workshop_1_date": add_days(today(), 11),
			"workshop_1_place": "Iværksætterhuset",
			"workshop_2_date": add_days(today(), 25),
			"workshop_2_place": "Iværksætterhuset",
			"facilitators": [{"user": users[0]}],
			"speakers": [
				{
					"speaker_name": "Tidligere deltager (lagerchauffør)",
					"kind": "Former participant",
					"session": "Kick-off",
				},
				{"speaker_name": "Logistikvirksomhed i området", "kind": "Employer", "session": "Workshop 1"},
			],
			"participants": [
				{"participant": participant, "attended_kick_off": 1} for participant in enrolled
			],
		}
	).insert()


def make_follow_up(participant_name, users):
	"""The first follow-up on the plan in payout."""
	participant = frappe.db.get_value("Participant", {"full_name": participant_name})
	if frappe.db.exists("Follow-up", {"participant": participant}):
		return
	frappe.set_user(users[0])
	follow_up = frappe.get_doc(
		{
			"doctype": "Follow-up",
			"participant": participant,
			"form": "Meeting",
			"citizen_report": "Køretimerne er i gang; teoriprøven er bestået.",
			"notes": "Motiveret. Buskortets kvitteringer mangler; aftalt at hun uploader dem i denne uge.",
		}
	).insert()
	for row in follow_up.goals:
		row.progress = "Some progress"
	for row in follow_up.lines:
		row.theory_of_change_held = "Too early"
	follow_up.save()
	frappe.set_user("Administrator")


def make_access_entries(participant_name, users):
	"""Who opened her case, for the auditor's report Record Access: her caseworker in the desk,
	the team lead, and finance through the payouts report and the REST API."""
	from borgerbudget import access_log

	participant = frappe.db.get_value("Participant", {"full_name": participant_name})
	if not participant or frappe.db.exists("Access Log", {"participant": participant}):
		return
	plan = frappe.db.get_value("Budget Plan", {"participant": participant})
	follow_up = frappe.db.get_value("Follow-up", {"participant": participant})
	opens = [
		(users[0], access_log.DESK, "Participant", participant),
		(users[0], access_log.DESK, "Budget Plan", plan),
		(users[0], access_log.DESK, "Follow-up", follow_up),
		(users[2], access_log.DESK, "Participant", participant),
		(users[3], access_log.REST, "Budget Plan", plan),
	]
	for user, route, doctype, name in opens:
		if name:
			frappe.set_user(user)
			access_log.record(route, doctype, name, participant)
	frappe.set_user(users[3])
	access_log.record_report("Budget Payouts", {}, [participant])
	frappe.set_user("Administrator")


def make_amendments(participant_name, users):
	"""Two changes to the plan in payout: safety shoes, approved by rule, and a forklift
	certificate, larger than the programme's threshold, waiting for assessment."""
	from borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment import make_amendment

	plan = frappe.db.get_value(
		"Budget Plan", {"participant_name": participant_name, "status": rules.plan.APPROVED}
	)
	if not plan or frappe.db.exists("Budget Plan Amendment", {"budget_plan": plan}):
		return
	frappe.set_user(users[0])
	changes = (
		(
			"Sikkerhedssko",
			"Andre udgifter",
			900,
			"Lageret kræver sikkerhedssko fra første dag; de var glemt i planen.",
		),
		(
			"Truckcertifikat (AMU)",
			"Kursus / uddannelse",
			7500,
			"Lagerjobbene i området kræver truckcertifikat.",
		),
	)
	for description, category, amount, reason in changes:
		amendment = make_amendment(plan)
		amendment.reason = reason
		amendment.append(
			"lines",
			{
				"description": description,
				"category": category,
				"amount": amount,
				"need_date": add_days(today(), 10),
				"supplier_text": "AMU Nord",
				"goal": "Job på et lager med kørsel",
				"theory_of_change": "Uden det kan jeg ikke starte i et lagerjob.",
			},
		)
		amendment.insert()
		amendment.submit()
	frappe.set_user("Administrator")


def make_change_request(participant_name, email):
	"""The citizen's own request on /my-change, as she asks on the page: the Excel course costs more
	than planned. It waits as a draft for the caseworker to go through with her."""
	from borgerbudget.portal import ask_for_change

	plan = frappe.db.get_value(
		"Budget Plan", {"participant_name": participant_name, "status": rules.plan.APPROVED}
	)
	if not plan or frappe.db.exists("Budget Plan Amendment", {"budget_plan": plan, "owner": email}):
		return
	line = frappe.db.get_value(
		"Budget Line",
		{"parent": plan, "parenttype": "Budget Plan", "description": "Kursus i Excel for lagerfolk"},
	)
	if not line:
		return
	frappe.set_user(email)
	try:
		ask_for_change(
			plan,
			{
				"action": "amount",
				"line": line,
				"amount": 4200,
				"reason": "AOF har sat prisen op. Kurset koster nu 4.200 kr.",
			},
		)
	finally:
		frappe.set_user("Administrator")


def make_wellbeing_course(participant_name, users):
	"""A "Mit liv – min styring" course two months in: two follow-ups with the citizen's own scores."""
	if frappe.db.exists("Follow-up", {"participant_name": participant_name}):
		return
	participant = frappe.get_doc("Participant", {"full_name": participant_name})
	participant.create_budget_plan()
	plan = frappe.get_doc("Budget Plan", {"participant": participant.name})
	plan.dream = "Et hjem, jeg har lyst til at invitere folk ind i."
	plan.next_step = "Faste rutiner om morgenen."
	plan.save()
	make_assessed_plan(
		participant_name,
		(rules.approval.YES,) * 3,
		(),
		"Bedre bolig og faste rutiner",
		users,
		approved_days_ago=60,
	)
	frappe.set_user(participant.assigned_caseworker)
	for days_ago, scores, verdict in (
		(45, ("2", "2", "1", "2"), "Too early"),
		(5, ("3", "4", "2", "4"), "Partly"),
	):
		follow_up = frappe.get_doc(
			{
				"doctype": "Follow-up",
				"participant": participant.name,
				"follow_up_date": add_days(today(), -days_ago),
				"form": "Home visit",
				"citizen_report": "Jeg står op til faste tider og har fået ryddet op i lejligheden.",
				**dict(zip(rules.evaluation.WELLBEING_SCORES, scores)),
			}
		).insert()
		for row in follow_up.lines:
			row.theory_of_change_held = verdict
		follow_up.save()
	frappe.set_user("Administrator")


def make_draw(programme, users, team):
	"""This autumn's draw: three places among six suitable citizens; the other three are the control group."""
	if frappe.db.exists("Draw", {"programme": programme, "docstatus": 1}):
		return
	for name, cpr, caseworker_index, months in DRAW_POOL:
		row = (name, cpr, 0, caseworker_index, months, "Kontanthjælp", 1, 1, rules.intake.SCREENING)
		make_participant(row, [programme], users, team, assessment="Suitable")
	frappe.set_user(users[5])  # the programme's admin
	draw = frappe.get_doc(
		{"doctype": "Draw", "programme": programme, "places": 3, "seed": "Lodtrækning november 2026"}
	)
	draw.insert()
	draw.submit()
	frappe.set_user("Administrator")


def make_pilot_round(company, users, team):
	"""The pilot round, 300 days on: five citizens designated by their caseworkers, three of them in the
	collective course, with approved plans, paid invoices, follow-ups and a recorded end. The flows run
	today; the dates of the citizens' way in are then set back to when the round began."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	from borgerbudget import accounting

	made = frappe.db.exists("Budget Programme", PILOT_PROGRAMME["programme_name"])
	programme = make_programme(company, PILOT_PROGRAMME)
	if made:
		return
	start = getdate(add_days(today(), -PILOT_DAYS_AGO))
	participants = []
	for index, (name, cpr, purpose, amount, supplier, *_rest) in enumerate(PILOT):
		make_participant(
			(name, cpr, 0, index % 2, 14 + 5 * index, "Kontanthjælp", 1, 1, rules.intake.ENROLLED),
			[programme],
			users,
			team,
		)
		participant = frappe.db.get_value("Participant", {"full_name": name})
		frappe.db.set_value(
			"Participant",
			participant,
			{
				"screening_date": add_days(start, -60),
				"offer_date": add_days(start, -45),
				"decision_date": add_days(start, -40),
				"declaration_signed_on": add_days(start, -40),
				"enrolment_date": add_days(start, -35),
				"plan_deadline": add_days(start, -7),
				"course_start_date": start,
				"course_end_date": rules.course.add_months(start, 6),
			},
		)
		make_assessed_plan(
			name, (rules.approval.YES,) * 3, (), purpose, users, PILOT_DAYS_AGO, amount, supplier
		)
		participants.append(participant)

	frappe.get_doc(
		{
			"doctype": "Cohort",
			"cohort_name": "Pilothold – forår 2026",
			"programme": programme,
			"kick_off_date": add_days(start, -28),
			"kick_off_place": "Jobcentret, store mødesal",
			"workshop_1_date": add_days(start, -21),
			"workshop_1_place": "Iværksætterhuset",
			"workshop_2_date": add_days(start, -14),
			"workshop_2_place": "Iværksætterhuset",
			"facilitators": [{"user": users[0]}],
			"participants": [
				{
					"participant": participant,
					"attended_kick_off": 1,
					"attended_workshop_1": 1,
					"attended_workshop_2": 1,
				}
				for participant, row in zip(participants, PILOT)
				if row[6]
			],
		}
	).insert()

	for participant, (
		_name,
		_cpr,
		_purpose,
		_amount,
		_supplier,
		verdict,
		_cohort,
		reason,
		outcome,
		days,
	) in zip(participants, PILOT):
		plan = frappe.get_doc("Budget Plan", {"participant": participant})
		frappe.set_user(users[3])  # finance: the supplier's invoice, paid ten days later
		for line in plan.lines:
			invoice = accounting.make_purchase_invoice(plan.name, line.name)
			invoice.set_posting_time = 1
			invoice.posting_date = invoice.bill_date = line.need_date
			invoice.bill_no = f"P-{plan.name[-5:]}-{line.idx}"
			invoice.insert()
			invoice.submit()
			payment = get_payment_entry("Purchase Invoice", invoice.name)
			payment.posting_date = payment.reference_date = add_days(line.need_date, 10)
			payment.reference_no = "Bankoverførsel"
			payment.insert()
			payment.submit()

		frappe.set_user(frappe.db.get_value("Participant", participant, "assigned_caseworker"))
		for days_in, held, progress in ((45, "Too early", "Some progress"), (days - 10, verdict, None)):
			follow_up = frappe.get_doc(
				{
					"doctype": "Follow-up",
					"participant": participant,
					"follow_up_date": add_days(start, days_in),
					"form": "Meeting",
					"citizen_report": "Forløbet går som planlagt."
					if held != "Not"
					else "Kurset hjalp ikke, som jeg havde håbet.",
				}
			).insert()
			for row in follow_up.goals:
				row.progress = progress or ("Achieved" if held == "Achieved" else "Some progress")
			for row in follow_up.lines:
				row.theory_of_change_held = held
			follow_up.save()
		frappe.get_doc(
			{
				"doctype": "Course Termination",
				"participant": participant,
				"termination_date": add_days(start, days),
				"reason": reason,
				"outcome": outcome,
			}
		).insert().submit()
		frappe.set_user("Administrator")


def make_supplier(name):
	from borgerbudget import accounting

	if not frappe.db.exists("Supplier", name):
		group = frappe.db.get_value(
			"Supplier Group", {"is_group": 0, "name": ("!=", accounting.CITIZEN_GROUP)}
		)
		frappe.get_doc({"doctype": "Supplier", "supplier_name": name, "supplier_group": group}).insert()
	if SUPPLIER_CVR.get(name) and not frappe.db.get_value("Supplier", name, "cvr_number"):
		frappe.db.set_value("Supplier", name, "cvr_number", SUPPLIER_CVR[name])
	add_supplier_contact(name)
	return name


def add_supplier_contact(supplier):
	"""An invoicing address, so a requisition can be sent ("Send Requisition" on an approved plan)."""
	from borgerbudget.borgerbudget.doctype.budget_plan.budget_plan import supplier_email

	if supplier_email(supplier):
		return
	name = supplier.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
	slug = re.sub(r"[^a-z0-9]+", "-", name).strip("-")
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Fakturering",
			"company_name": supplier,
			"is_primary_contact": 1,
			"email_ids": [{"email_id": f"faktura@{slug}.example", "is_primary": 1}],
			"links": [{"link_doctype": "Supplier", "link_name": supplier}],
		}
	).insert()


def make_team(users):
	name = "Jobcenter Team Nord"
	if not frappe.db.exists("Caseworker Team", name):
		frappe.get_doc(
			{
				"doctype": "Caseworker Team",
				"team_name": name,
				"team_lead": users[2],
			}
		).insert()
	team = frappe.get_doc("Caseworker Team", name)
	members = [users[0], users[1], users[6]]
	if [row.user for row in team.members] != members:
		team.set("members", [{"user": user} for user in members])
		team.save()
	return name


def make_programme(company, data):
	if not frappe.db.exists("Budget Programme", data["programme_name"]):
		frappe.get_doc({"doctype": "Budget Programme", "company": company, **data}).insert()
	elif not frappe.db.get_value("Budget Programme", data["programme_name"], "ean_location_number"):
		# A demo made before programmes had one.
		frappe.db.set_value(
			"Budget Programme", data["programme_name"], "ean_location_number", data["ean_location_number"]
		)
	return data["programme_name"]


def make_participant(row, programmes, users, team, assessment=None):
	name, cpr, programme_index, caseworker_index, months, benefit, job_ready, available, target = row
	if frappe.db.exists("Participant", {"full_name": name}):
		return
	first = name.split()[0].lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
	doc = frappe.get_doc(
		{
			"doctype": "Participant",
			"full_name": name,
			"cpr_number": cpr,
			"programme": programmes[programme_index],
			"email": f"{first}@borger.example",
			"phone": "+45 20 00 00 00",
			"assigned_caseworker": users[caseworker_index],
			"caseworker_team": team,
			"referral_source": "Citizen request" if caseworker_index else "Caseworker referral",
			"screening_date": add_days(today(), -20),
			"months_unemployed": months,
			"benefit_type": benefit,
			"job_ready": job_ready,
			"available_to_labour_market": available,
			"screening_assessment": assessment
			or ("Suitable" if target not in (rules.intake.NOT_ELIGIBLE, rules.intake.SCREENING) else ""),
		}
	).insert()
	for step in PATHS[target]:
		if step == "accept":
			doc.consent_given = 1
			doc.declaration_signed_on = getdate(today())
			doc.declaration_file = attach_declaration(doc)
		if step == "decline":
			doc.decline_reason = "Ønsker et almindeligt tilbud i stedet."
		getattr(doc, step)()


def attach_declaration(doc):
	content = (
		"Tro- og loveerklæring\n\nJeg erklærer på tro og love, at jeg vil bruge mit personlige budget "
		f"som aftalt i min plan.\n\nNavn: {doc.full_name}\nDato: {today()}\n"
	)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"tro-og-loveerklaering-{doc.name}.txt",
			"attached_to_doctype": "Participant",
			"attached_to_name": doc.name,
			"attached_to_field": "declaration_file",
			"is_private": 1,
			"content": content,
		}
	).insert()
	return file.file_url


def make_einvoices(participant_name):
	"""Finance's e-invoice inbox: three OIOUBL invoices as suppliers would send them for Camilla's
	plan: one with the line's payment reference (a draft Purchase Invoice waits for finance), one
	without a reference, and one from a supplier the municipality does not know yet."""
	from borgerbudget.einvoice import intake, samples

	if frappe.db.exists("E-Invoice", {"invoice_number": ("like", "DEMO-%")}):
		return
	for supplier, cvr in SUPPLIER_CVR.items():
		if frappe.db.exists("Supplier", supplier) and not frappe.db.get_value(
			"Supplier", supplier, "cvr_number"
		):
			frappe.db.set_value("Supplier", supplier, "cvr_number", cvr)
	plan = frappe.get_doc("Budget Plan", {"participant_name": participant_name})
	line = next(
		(
			row
			for row in plan.lines
			if row.payment_reference
			and row.remaining_amount > 0
			and (row.supplier or row.supplier_text) in SUPPLIER_CVR
		),
		None,
	)
	if not line:
		return
	supplier = make_supplier(line.supplier or line.supplier_text)
	if not line.supplier:
		# An e-invoice is matched to a line that names its supplier.
		frappe.db.set_value("Budget Line", line.name, "supplier", supplier)
	net = max(int(line.remaining_amount * 0.4 / 1.25), 100)
	common = {"buyer_gln": JOBCENTER_GLN, "buyer_name": "Jobcenter Nord", "amount": f"{net}.00"}
	documents = (
		{
			"number": "DEMO-1001",
			"order_reference": line.payment_reference,
			"supplier_cvr": SUPPLIER_CVR[supplier],
			"supplier_name": supplier,
		},
		{
			"number": "DEMO-1002",
			"order_reference": None,
			"buyer_contact": None,
			"supplier_cvr": SUPPLIER_CVR[supplier],
			"supplier_name": supplier,
		},
		{
			"number": "DEMO-1003",
			"order_reference": line.payment_reference,
			"supplier_cvr": "31000033",
			"supplier_name": "Ny Kursusudbyder ApS",
		},
	)
	for values in documents:
		intake.take_in(
			samples.make("Invoice", "oioubl", **common, **values), f"{values['number']}.xml", intake.UPLOAD
		)


# The suppliers' bank accounts (made up), and the jobcentre's own.
SUPPLIER_BANK = {
	"Trafikskolen Nord": {"branch_code": "9570", "bank_account_no": "12345678"},
	"AOF Nord": {"iban": "DK5000400440116243"},
	"AMU Nord": {"branch_code": "5301", "bank_account_no": "1234567"},
}


def make_payout_batch(company):
	"""A draft payout batch of what is due, built by Ole (finance), for Bo to approve (four eyes)."""
	from borgerbudget.borgerbudget.doctype.payout_batch.payout_batch import make_payout_batch as build

	if frappe.db.exists("Payout Batch", {"company": company}):
		return
	if not frappe.db.exists("Bank", "Demo Bank"):
		frappe.get_doc({"doctype": "Bank", "bank_name": "Demo Bank"}).insert()
	gl = frappe.db.get_value("Account", {"company": company, "account_type": "Bank", "is_group": 0})
	account = frappe.db.get_value("Bank Account", {"company": company, "is_company_account": 1})
	if not account:
		account = (
			frappe.get_doc(
				{
					"doctype": "Bank Account",
					"account_name": "Jobcentrets driftskonto",
					"bank": "Demo Bank",
					"is_company_account": 1,
					"company": company,
					"account": gl,
					"branch_code": "1551",
					"bank_account_no": "3456789012",
				}
			)
			.insert()
			.name
		)
	for supplier, values in SUPPLIER_BANK.items():
		if frappe.db.exists("Supplier", supplier) and not frappe.db.exists(
			"Bank Account", {"party_type": "Supplier", "party": supplier}
		):
			frappe.get_doc(
				{
					"doctype": "Bank Account",
					"account_name": f"{supplier} konto",
					"bank": "Demo Bank",
					"party_type": "Supplier",
					"party": supplier,
					"is_default": 1,
					**values,
				}
			).insert()
	frappe.set_user("ole.oekonomi@demo.borgerbudget.dk")
	build(company, account, today())
	frappe.set_user("Administrator")


# The local stand-in for a MitID broker: scripts/mitid-test-provider starts it (README, "MitID").
DEMO_MITID = {
	"issuer_url": "http://127.0.0.1:8091",
	"client_id": "borgerbudget-demo",
	"client_secret": "demo-secret",
}


def make_mitid_settings():
	"""MitID login pointed at the local test provider; a site set up before keeps its own."""
	settings = frappe.get_single("MitID Settings")
	if settings.issuer_url:
		return
	settings.update({"enabled": 1, "scopes": "openid", **DEMO_MITID})
	settings.save()


# Jens's sister helps him with his plan, under a digital power of attorney.
REPRESENTATIVE = ("hanne.hjaelper@demo.borgerbudget.dk", "Hanne", "Nielsen")


def make_representative(participant_name, users):
	"""One representative with the scope "Act" for a demo citizen."""
	email, first_name, last_name = REPRESENTATIVE
	make_user(email, first_name, last_name, [], user_type="Website User")
	participant = frappe.db.get_value("Participant", {"full_name": participant_name})
	if frappe.db.exists("Representative", {"participant": participant, "representative": email}):
		return
	frappe.set_user(users[0])  # the caseworker registers it
	frappe.get_doc(
		{
			"doctype": "Representative",
			"participant": participant,
			"representative": email,
			"scope": rules.representation.ACT,
			"receives_notices": 1,
			"legal_basis": rules.representation.POWER_OF_ATTORNEY,
			"basis_reference": "FM-2026-004217",
		}
	).insert()
	frappe.set_user("Administrator")


# A mentor who logs in with MitID (registered by CPR number, no login of their own yet) and acts
# for two citizens under digital powers of attorney: Act for Jens, Read for Camilla. Their first
# MitID login makes their user.
MENTOR = ("Kim Mentor", "220568-1113", (("Jens Nielsen", "Act"), ("Camilla Rasmussen", "Read")))


def make_mitid_mentor(users):
	name, cpr_number, citizens = MENTOR
	frappe.set_user(users[0])
	for citizen, scope in citizens:
		participant = frappe.db.get_value("Participant", {"full_name": citizen})
		if frappe.db.exists("Representative", {"participant": participant, "representative_name": name}):
			continue
		frappe.get_doc(
			{
				"doctype": "Representative",
				"participant": participant,
				"representative_name": name,
				"cpr_number": cpr_number,
				"scope": scope,
				"legal_basis": rules.representation.POWER_OF_ATTORNEY,
				"basis_reference": "FM-2026-005310",
			}
		).insert()
	frappe.set_user("Administrator")


def make_insight_requests(users):
	"""Insight (GDPR art. 15): Camilla downloaded "Mine data" in the portal two weeks ago (delivered
	at once); Jens asked by letter, and his caseworker has yet to answer."""
	from frappe.utils import add_to_date, now_datetime

	camilla = frappe.db.get_value(
		"Participant", {"full_name": "Camilla Rasmussen"}, ["name", "user"], as_dict=True
	)
	if camilla and not frappe.db.exists(
		"Insight Request", {"participant": camilla.name, "channel": "Portal"}
	):
		asked = add_to_date(now_datetime(), days=-14)
		frappe.get_doc(
			{
				"doctype": "Insight Request",
				"participant": camilla.name,
				"channel": "Portal",
				"requested_on": asked,
				"requested_by": camilla.user,
				"delivered_on": asked,
				"delivered_by": camilla.user,
				"formats": "PDF",
			}
		).insert(ignore_permissions=True)
	jens = frappe.db.get_value("Participant", {"full_name": "Jens Nielsen"})
	if jens and not frappe.db.exists("Insight Request", {"participant": jens, "channel": "Letter"}):
		frappe.set_user(users[0])  # the caseworker registers the letter
		frappe.get_doc(
			{
				"doctype": "Insight Request",
				"participant": jens,
				"channel": "Letter",
				"requested_on": add_to_date(now_datetime(), days=-3),
				"note": "Brev fra Jens: vil se alt, kommunen har om ham i Borgerbudget.",
			}
		).insert()
		frappe.set_user("Administrator")


def make_erasure_proposal(participant_name):
	"""Retention: Ali declined the offer six years ago, so the daily job proposes erasing his
	personal data for the administrator to decide (run here as the job would)."""
	from borgerbudget.borgerbudget.doctype.data_erasure.data_erasure import propose_erasures

	participant = frappe.db.get_value("Participant", {"full_name": participant_name})
	if not participant or frappe.db.exists("Data Erasure", {"participant": participant}):
		return
	frappe.db.set_value("Participant", participant, "decision_date", add_years(today(), -6))
	propose_erasures()
