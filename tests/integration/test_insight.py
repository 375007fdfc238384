"""Insight (GDPR art. 15, "Mine data"): one builder for the JSON and the PDF, the citizen's export
without the internal records and the caseworker's with them marked, no other citizen's data, no
CPR number in clear, the request and its delivery logged, and the routes over HTTP."""

import io
import json

import frappe
import pytest
from frappe.utils import add_days, getdate, now_datetime, today
from pypdf import PdfReader

from borgerbudget import accounting, insight, rules
from borgerbudget.borgerbudget.doctype.budget_plan_amendment.budget_plan_amendment import make_amendment
from tests.integration.factories import (
	TEAM,
	Api,
	approved_plan,
	make_enrolled,
	make_programme,
	make_supplier,
	plan_of,
	random_cpr,
	remove_programme,
	user,
)

SUPPLIER = "_Test Insight Køreskole"


def access_log_names_participant():
	return frappe.get_meta("Access Log").has_field("participant")


def line_named(plan, description):
	return next(
		line for line in frappe.get_doc("Budget Plan", plan.name).lines if line.description == description
	)


def note(plan, text, visible):
	return frappe.get_doc(
		{"doctype": "Budget Plan Note", "budget_plan": plan.name, "note": text, "visible_to_citizen": visible}
	).insert()


def attach(doctype, name, file_name):
	return frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"content": f"{file_name} {frappe.generate_hash(length=6)}",
			"is_private": 1,
			"attached_to_doctype": doctype,
			"attached_to_name": name,
		}
	).insert()


def website_user(prefix):
	email = f"{prefix}-{frappe.generate_hash(length=8)}@example.com"
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": prefix,
			"user_type": "Website User",
			"send_welcome_email": 0,
		}
	).insert(ignore_permissions=True)
	return email


@pytest.fixture
def history():
	"""Citizen A with a full history, and citizen B who shares A's supplier (paid by the same
	Payment Entry), cohort and programme."""
	frappe.set_user("Administrator")
	token = frappe.generate_hash(length=8)
	programme = make_programme(maximum_per_participant=50000)
	make_supplier(SUPPLIER)
	cpr = random_cpr()
	plan = approved_plan(
		programme,
		lines=[
			{"description": "Kørekort", "amount": 4000, "supplier": SUPPLIER},
			{
				"description": "Buskort",
				"amount": 800,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			},
		],
		cpr_number=cpr,
		full_name=f"Anna Indsigt {token}",
	)
	other = approved_plan(
		programme,
		lines=[{"description": f"Kørekort til Bo {token}", "amount": 3000, "supplier": SUPPLIER}],
		full_name=f"Bo Andenborger {token}",
	)
	a, b = plan.participant, other.participant
	# frappe keeps no versions in tests unless asked: the caseworker's comment to the citizen, as
	# the desk saves it, and a change of the plan's (internal) colour as the approval left it.
	frappe.set_user(user("caseworker_a"))
	doc = frappe.get_doc("Budget Plan", plan.name)
	doc.comment_for_citizen = f"Godt gået {token}"
	doc.save(ignore_version=False)
	frappe.set_user("Administrator")
	frappe.get_doc(
		{
			"doctype": "Version",
			"ref_doctype": "Budget Plan",
			"docname": plan.name,
			"data": json.dumps(
				{
					"changed": [
						["classification", None, "Green"],
						["status", "Submitted for Assessment", "Approved"],
					]
				}
			),
		}
	).insert(ignore_permissions=True)

	# Payouts: both citizens' invoices from the shared supplier, paid together by one entry.
	frappe.set_user(user("finance"))
	invoices = []
	for each, description in ((plan, "Kørekort"), (other, f"Kørekort til Bo {token}")):
		doc = accounting.make_purchase_invoice(each.name, line_named(each, description).name)
		doc.insert()
		doc.submit()
		invoices.append(doc.name)
	paid = accounting.pay_due_invoices(programme.name)
	assert len({row["payment_entry"] for row in paid["paid"]}) == 1 and not paid["failed"]
	# An advance for the bus card, a receipt, its settlement and the rest claimed back.
	frappe.set_user(user("caseworker_a"))
	advance = frappe.get_doc(
		{
			"doctype": "Budget Advance",
			"budget_plan": plan.name,
			"budget_line": line_named(plan, "Buskort").name,
			"amount": 800,
		}
	).insert()
	frappe.set_user(user("finance"))
	payment = accounting.make_advance_payment(advance.name)
	payment.insert()
	payment.submit()
	frappe.set_user(user("caseworker_a"))
	advance.reload()
	advance.append(
		"receipts",
		{
			"receipt_date": today(),
			"description": "Månedskort",
			"amount": 500,
			"attachment": "/private/files/bus.pdf",
		},
	)
	advance.save()
	frappe.set_user(user("finance"))
	settlement = accounting.make_settlement_invoice(advance.name)
	settlement.insert()
	settlement.submit()
	frappe.set_user(user("caseworker_a"))
	claim = frappe.get_doc(
		{
			"doctype": "Repayment Claim",
			"budget_plan": plan.name,
			"budget_advance": advance.name,
			"reason": "Unspent money",
			"amount": 300,
			"dialogue_date": today(),
			"dialogue_note": f"Aftalt med Anna {token}",
		}
	).insert()

	# Notes, a comment, a follow-up, a change, files.
	frappe.set_user(user("caseworker_a"))
	visible = note(plan, f"SYNLIG {token}, CPR oplyst: {cpr}", 1)
	internal = note(plan, f"INTERN {token}", 0)
	note(other, f"BOS NOTE {token}", 1)
	frappe.get_doc("Budget Plan", plan.name).add_comment("Comment", f"KOMMENTAR {token}")
	follow_up = frappe.get_doc(
		{
			"doctype": "Follow-up",
			"participant": a,
			"follow_up_date": today(),
			"citizen_report": f"RAPPORT {token}",
			"notes": f"SAGSBEHANDLERNOTAT {token}",
		}
	).insert()
	amendment = make_amendment(plan.name)
	amendment.reason = f"ÆNDRING {token}"
	amendment.insert()
	frappe.set_user("Administrator")
	quote = attach("Budget Plan", plan.name, f"tilbud-{token}.txt")
	attach("Budget Plan Note", internal.name, f"intern-{token}.txt")
	attach("Budget Plan", other.name, f"bos-tilbud-{token}.txt")

	# Representation, logins, CPR reveals, a shared cohort.
	helper = website_user("hjaelper")
	representative = frappe.get_doc(
		{
			"doctype": "Representative",
			"participant": a,
			"representative": helper,
			"scope": rules.representation.READ,
			"legal_basis": rules.representation.POWER_OF_ATTORNEY,
			"basis_reference": f"FM-{token}",
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Representative Action",
			"acted_on": now_datetime(),
			"representative": helper,
			"participant": a,
			"action": "Saved",
			"reference_doctype": "Budget Plan",
			"reference_name": plan.name,
		}
	).insert(ignore_permissions=True)
	for participant in (a, b):
		frappe.get_doc(
			{
				"doctype": "MitID Login",
				"participant": participant,
				"result": "Logged in",
				"assurance": "substantial",
				"reason": f"login {participant}",
				"logged_in_at": now_datetime(),
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "CPR Access Log",
				"participant": participant,
				"user": user("cpr_caseworker"),
				"reason": f"OPSLAG {participant}",
				"accessed_on": now_datetime(),
			}
		).insert(ignore_permissions=True)
	cohort = frappe.get_doc(
		{
			"doctype": "Cohort",
			"cohort_name": f"_Test Insight Cohort {token}",
			"programme": programme.name,
			"kick_off_date": add_days(today(), 1),
			"kick_off_place": "Jobcentret",
			"participants": [{"participant": a}, {"participant": b}],
		}
	).insert()
	access_logs = {}
	if access_log_names_participant():
		for participant in (a, b):
			log = frappe.get_doc(
				{
					"doctype": "Access Log",
					"user": user("caseworker_a"),
					"export_from": "Participant",
					"reference_document": participant,
					"method": "getdoc",
					"participant": participant,
				}
			).insert(ignore_permissions=True)
			access_logs[participant] = log.name
	return frappe._dict(
		token=token,
		cpr=cpr,
		programme=programme,
		plan=plan,
		other=other,
		a=a,
		b=b,
		invoices=invoices,
		advance=advance,
		settlement=settlement.name,
		claim=claim.name,
		visible=visible.name,
		internal=internal.name,
		follow_up=follow_up.name,
		amendment=amendment.name,
		quote=quote.file_name,
		representative=representative.name,
		helper=helper,
		cohort=cohort.name,
		access_logs=access_logs,
	)


def dump(data):
	return json.dumps(data, ensure_ascii=False)


def pdf_text(content):
	# pypdf gives the spaces between words as tabs or line breaks.
	return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_citizens_export_holds_every_section(history):
	data = insight.collect(history.a, for_citizen=True)
	json.loads(insight.as_json(data))  # valid JSON
	person = data["participant"]
	assert person["name"] == history.a and person["full_name"].startswith("Anna Indsigt")
	assert person["cpr_masked"] == history.cpr[:6] + "-XXXX" and "cpr_number" not in person
	assert person["status"] == rules.intake.ENROLLED and person["screening_date"] == today()
	assert [cohort["name"] for cohort in data["cohorts"]] == [history.cohort]

	(plan,) = data["plans"]
	assert plan["name"] == history.plan.name and plan["status"] == rules.plan.APPROVED
	assert {line["description"] for line in plan["lines"]} == {"Kørekort", "Buskort"}
	assert "classification" not in plan and "internal" not in plan
	changes = [change for version in plan["versions"] for change in version["changes"]]
	assert {"field": "comment_for_citizen", "old": None, "new": f"Godt gået {history.token}"} in changes
	assert {"field": "status", "old": "Submitted for Assessment", "new": "Approved"} in changes
	assert not {change["field"] for change in changes} & insight.HIDDEN_IN_VERSIONS
	assert all(version["changed_on"] and version["changed_by"] for version in plan["versions"])

	(approval,) = data["approvals"]
	assert approval["decision"] == rules.plan.APPROVED
	assert approval["difference_note"] == "difference: Yes" and "internal" not in approval
	assert "classification" not in approval and "final_classification" not in approval

	assert [n["name"] for n in data["notes"]] == [history.visible]
	(follow_up,) = data["follow_ups"]
	assert follow_up["citizen_report"] == f"RAPPORT {history.token}" and "notes" not in follow_up
	(amendment,) = data["amendments"]
	assert amendment["reason"] == f"ÆNDRING {history.token}" and amendment["lines"]

	# Payouts: the supplier's name, this citizen's invoice and their part of the shared payment.
	invoices = {row["name"]: row for row in data["invoices"]}
	assert set(invoices) == {history.invoices[0], history.settlement}
	assert invoices[history.invoices[0]]["supplier_name"] == SUPPLIER
	payments = {row["invoice"]: row for row in data["payments"]}
	assert (payments[history.invoices[0]]["amount"], payments[history.invoices[0]]["supplier_name"]) == (
		4000,
		SUPPLIER,
	)
	# The advance, allocated to the settlement of the receipts, pays the citizen's own invoice.
	assert set(payments) <= {history.invoices[0], history.settlement}
	(advance,) = data["advances"]
	assert advance["paid_amount"] == 800 and advance["payment_entry"]
	(receipt,) = advance["receipts"]
	assert (receipt["description"], receipt["amount"], receipt["attachment"]) == (
		"Månedskort",
		500,
		"bus.pdf",
	)
	assert receipt["purchase_invoice"] == history.settlement
	(claim,) = data["repayment_claims"]
	assert (claim["name"], claim["amount"], claim["reason"]) == (history.claim, 300, "Unspent money")

	(representative,) = data["representatives"]
	assert representative["representative"] == history.helper and "cpr_hash" not in representative
	assert representative["scope"] == rules.representation.READ
	(action,) = data["representative_actions"]
	assert (action["representative"], action["reference_name"]) == (history.helper, history.plan.name)
	assert [login["reason"] for login in data["mitid_logins"]] == [f"login {history.a}"]
	(reveal,) = data["cpr_reveals"]
	assert reveal["user"] == user("cpr_caseworker") and reveal["accessed_on"]
	assert "reason" not in reveal and "internal" not in reveal  # why: the caseworkers' record

	files = {file["file_name"] for file in data["files"]}
	assert history.quote in files and f"intern-{history.token}.txt" not in files
	assert data["comments"] == []

	if access_log_names_participant():
		assert [row["name"] for row in data["access_log"]] == [history.access_logs[history.a]]
	else:
		# No part of the app names the participant on frappe's Access Log yet: the section is empty.
		assert data["access_log"] == []


def test_dates_are_iso_and_the_json_is_valid(history):
	data = json.loads(insight.as_json(insight.collect(history.a)))
	assert getdate(data["participant"]["screening_date"]) == getdate(today())
	assert "T" in data["generated_on"] and now_datetime().isoformat()[:10] == data["generated_on"][:10]
	assert data["plans"][0]["versions"][0]["changed_on"][10] == "T"


def test_no_other_citizens_data_ever(history):
	for for_citizen in (True, False):
		text = dump(insight.collect(history.a, for_citizen=for_citizen))
		for foreign in (
			history.b,
			history.other.name,
			history.invoices[1],
			f"Bo Andenborger {history.token}",
			f"Kørekort til Bo {history.token}",
			f"BOS NOTE {history.token}",
			f"bos-tilbud-{history.token}",
			f"login {history.b}",
			f"OPSLAG {history.b}",
			*([history.access_logs[history.b]] if history.access_logs else []),
		):
			assert foreign not in text, (for_citizen, foreign)
		# The payment paid both citizens: only A's part of it is shown.
		assert "7000" not in text


def test_internal_records_are_in_the_caseworkers_export_only_and_marked(history):
	citizen = insight.collect(history.a, for_citizen=True)
	caseworker = insight.collect(history.a, for_citizen=False)
	for text in (
		f"INTERN {history.token}",
		f"KOMMENTAR {history.token}",
		f"SAGSBEHANDLERNOTAT {history.token}",
	):
		assert text not in dump(citizen) and text in dump(caseworker)
	notes = {n["name"]: n for n in caseworker["notes"]}
	assert notes[history.internal]["internal"] is True and "internal" not in notes[history.visible]
	(comment,) = caseworker["comments"]
	assert comment["internal"] is True and comment["text"] == f"KOMMENTAR {history.token}"
	assert caseworker["follow_ups"][0]["internal"]["notes"] == f"SAGSBEHANDLERNOTAT {history.token}"
	assert caseworker["approvals"][0]["internal"]["final_classification"] == rules.approval.GREEN
	assert caseworker["plans"][0]["internal"]["classification"] == rules.approval.GREEN
	changes = [change for version in caseworker["plans"][0]["versions"] for change in version["changes"]]
	assert {"field": "classification", "old": None, "new": "Green"} in changes
	assert caseworker["cpr_reveals"][0]["internal"]["reason"] == f"OPSLAG {history.a}"
	assert {f["file_name"]: f.get("internal") for f in caseworker["files"]}[f"intern-{history.token}.txt"]
	html = insight.as_html(caseworker)
	assert f"INTERN {history.token}" in html and 'class="internal"' in html
	assert f"INTERN {history.token}" not in insight.as_html(citizen)


def test_no_cpr_number_in_clear_in_json_or_pdf(history):
	clear = (history.cpr, history.cpr.replace("-", ""))
	masked = history.cpr[:6] + "-XXXX"
	for for_citizen in (True, False):
		data = insight.collect(history.a, for_citizen=for_citizen)
		text = insight.as_json(data).decode()
		assert not any(number in text for number in clear)
		# Also where a caseworker typed it into a note.
		assert f"CPR oplyst: {masked}" in text
		pdf = pdf_text(insight.as_pdf(data))
		assert not any(number in pdf.replace(" ", "") for number in clear)
		assert masked in pdf and f"Anna Indsigt {history.token}" in pdf


def test_the_pdf_has_plain_headings_and_the_plan(history):
	frappe.local.lang = "da"
	text = pdf_text(insight.as_pdf(insight.collect(history.a)))
	for heading in ("Mine data", "Planer", "Udbetalinger til leverandører", "Hvem har set CPR-nummeret"):
		assert heading in text, heading
	assert "Kørekort" in text and SUPPLIER in text and history.quote in text


def test_a_request_by_letter_has_the_legal_deadline_and_is_delivered_by_the_export(history):
	frappe.set_user(user("caseworker_a"))
	requested_on = add_days(now_datetime(), -3)
	request = frappe.get_doc(
		{
			"doctype": "Insight Request",
			"participant": history.a,
			"channel": "Letter",
			"requested_on": requested_on,
		}
	).insert()
	assert request.status == insight.OPEN and request.requested_by == user("caseworker_a")
	assert getdate(request.deadline) == getdate(add_days(requested_on, 30))
	assert insight.open_requests(history.a) == [request.name]
	participant = frappe.get_doc("Participant", history.a)
	participant.run_method("onload")
	assert participant.get_onload().open_insight_requests == [request.name]

	frappe.local.form_dict = frappe._dict()
	try:
		insight.caseworker_export(history.a, "json", internal=True, insight_request=request.name)
		exported = json.loads(frappe.response.filecontent)
	finally:
		frappe.local.response = frappe._dict()
	assert f"INTERN {history.token}" in dump(exported)
	request.reload()
	assert (request.status, request.delivered_by, request.formats) == (
		insight.DELIVERED,
		user("caseworker_a"),
		"JSON",
	)
	assert request.delivered_on and insight.open_requests(history.a) == []
	# The export is logged in frappe's Access Log.
	assert frappe.db.exists(
		"Access Log",
		{
			"user": user("caseworker_a"),
			"reference_document": history.a,
			"export_from": "Participant",
			"file_type": "JSON",
		},
	)
	# The portal's channel is the portal's own.
	with pytest.raises(frappe.ValidationError, match="portal"):
		frappe.get_doc({"doctype": "Insight Request", "participant": history.a, "channel": "Portal"}).insert()


def test_only_a_caseworker_who_sees_the_participant_exports(history):
	for key in ("caseworker_b", "citizen", "finance_approver"):
		frappe.set_user(user(key))
		with pytest.raises(frappe.PermissionError):
			insight.caseworker_export(history.a, "json")
	frappe.set_user(user("caseworker_a"))
	with pytest.raises(frappe.ValidationError, match="PDF or JSON"):
		insight.caseworker_export(history.a, "xml")
	frappe.local.response = frappe._dict()


# ---- over HTTP, against the real server --------------------------------------------------------


@pytest.fixture(scope="module")
def portal(site):
	"""Committed: citizen A (the test user "citizen") with notes for them and internal ones, A's
	representative with the scope Read and a revoked one, and citizen B (citizen_2)."""
	frappe.set_user("Administrator")
	programme = make_programme()
	cpr = random_cpr()
	a = make_enrolled(
		programme,
		user=user("citizen"),
		assigned_caseworker=user("caseworker_a"),
		caseworker_team=TEAM,
		cpr_number=cpr,
	)
	b = make_enrolled(programme, user=user("citizen_2"), assigned_caseworker=user("caseworker_b"))
	plan = plan_of(a)
	frappe.set_user(user("caseworker_a"))
	note(plan, "Til dig: husk kvitteringerne", 1)
	note(plan, "INTERNT: tvivl om motivationen", 0)
	frappe.set_user("Administrator")
	for key, revoked in (("representative_read", None), ("representative_act", now_datetime())):
		representative = frappe.get_doc(
			{
				"doctype": "Representative",
				"participant": a.name,
				"representative": user(key),
				"scope": rules.representation.READ,
				"legal_basis": rules.representation.POWER_OF_ATTORNEY,
				"basis_reference": "FM-indsigt",
			}
		).insert(ignore_permissions=True)
		if revoked:
			frappe.db.set_value("Representative", representative.name, "revoked_on", revoked)
	frappe.db.commit()
	yield frappe._dict(programme=programme.name, a=a.name, b=b.name, cpr=cpr, name=a.full_name)
	frappe.db.rollback()
	frappe.set_user("Administrator")
	participants = [a.name, b.name]
	frappe.db.delete("Insight Request", {"participant": ("in", participants)})
	frappe.db.delete("Access Log", {"reference_document": ("in", participants)})
	frappe.db.delete("Budget Plan Note", {"budget_plan": plan.name})
	frappe.db.delete("Version", {"docname": ("in", [plan.name, *participants])})
	remove_programme(programme.name)
	frappe.db.commit()


DOWNLOAD = "/api/method/borgerbudget.insight.download"
EXPORT = "/api/method/borgerbudget.insight.caseworker_export"


def requests_of(participant):
	frappe.db.rollback()  # see what the server committed
	return frappe.get_all(
		"Insight Request",
		filters={"participant": participant},
		fields=[
			"channel",
			"requested_by",
			"requested_on",
			"deadline",
			"delivered_on",
			"delivered_by",
			"status",
			"formats",
		],
		order_by="creation",
	)


def test_the_citizen_downloads_their_own_data_and_only_theirs(portal, api, server_url, site):
	citizen = api("citizen")
	answer = citizen.post(DOWNLOAD, data={"participant": portal.a, "file_format": "json"})
	assert answer.status_code == 200, answer.text[:500]
	assert "attachment" in answer.headers["Content-Disposition"]
	data = answer.json()
	assert data["participant"]["name"] == portal.a and data["for_citizen"] is True
	assert "husk kvitteringerne" in answer.text and "INTERNT" not in answer.text
	assert portal.cpr not in answer.text and portal.cpr.replace("-", "") not in answer.text

	pdf = citizen.post(DOWNLOAD, data={"participant": portal.a, "file_format": "pdf"})
	assert pdf.status_code == 200 and pdf.headers["Content-Type"].startswith("application/pdf")
	text = pdf_text(pdf.content)
	assert portal.name in text and "INTERNT" not in text and portal.cpr not in text.replace(" ", "")

	# Each download is a request, delivered at once, with the legal deadline.
	logged = requests_of(portal.a)
	assert [(r.channel, r.status, r.formats, r.requested_by) for r in logged] == [
		("Portal", insight.DELIVERED, "JSON", user("citizen")),
		("Portal", insight.DELIVERED, "PDF", user("citizen")),
	]
	for row in logged:
		assert row.delivered_on == row.requested_on and row.delivered_by == user("citizen")
		assert getdate(row.deadline) == getdate(add_days(row.requested_on, 30))

	# Someone else's record, a format that is not offered, and a guest: refused, nothing logged.
	assert citizen.post(DOWNLOAD, data={"participant": portal.b, "file_format": "json"}).status_code == 403
	assert (
		api("citizen_2").post(DOWNLOAD, data={"participant": portal.a, "file_format": "pdf"}).status_code
		== 403
	)
	assert citizen.post(DOWNLOAD, data={"participant": portal.a, "file_format": "xml"}).status_code == 417
	guest = Api(server_url, site)
	assert guest.post(DOWNLOAD, data={"participant": portal.a, "file_format": "json"}).status_code == 403
	assert requests_of(portal.b) == [] and len(requests_of(portal.a)) == 2

	# The portal page offers the citizen's own record, not B's.
	page = citizen.get("/my-data")
	assert page.ok and portal.a in page.text and portal.b not in page.text


def test_a_read_representative_gets_it_and_a_revoked_one_does_not(portal, api):
	answer = api("representative_read").post(DOWNLOAD, data={"participant": portal.a, "file_format": "json"})
	assert answer.status_code == 200, answer.text[:500]
	assert answer.json()["participant"]["name"] == portal.a and "INTERNT" not in answer.text
	assert api("representative_read").get("/my-data").text.count(portal.a) >= 1
	assert (
		api("representative_act")
		.post(DOWNLOAD, data={"participant": portal.a, "file_format": "json"})
		.status_code
		== 403
	)
	(request,) = (r for r in requests_of(portal.a) if r.requested_by == user("representative_read"))
	assert request.status == insight.DELIVERED
	# What the representative did on the citizen's behalf, for the citizen and the caseworker to read.
	assert frappe.db.exists(
		"Representative Action",
		{
			"participant": portal.a,
			"representative": user("representative_read"),
			"reference_doctype": "Insight Request",
		},
	)


def test_the_caseworker_exports_with_the_internal_notes_and_it_is_logged(portal, api):
	answer = api("caseworker_a").post(
		EXPORT, data={"participant": portal.a, "file_format": "json", "internal": 1}
	)
	assert answer.status_code == 200, answer.text[:500]
	data = answer.json()
	assert data["for_citizen"] is False
	(internal,) = (n for n in data["notes"] if n.get("internal"))
	assert internal["note"] == "INTERNT: tvivl om motivationen"
	assert portal.cpr not in answer.text
	frappe.db.rollback()
	assert frappe.db.exists("Access Log", {"user": user("caseworker_a"), "reference_document": portal.a})
	# Not the citizen's route for staff, and not another team's caseworker.
	assert (
		api("caseworker_a").post(DOWNLOAD, data={"participant": portal.a, "file_format": "json"}).status_code
		== 403
	)
	assert (
		api("caseworker_b").post(EXPORT, data={"participant": portal.a, "file_format": "json"}).status_code
		== 403
	)
	assert (
		api("citizen").post(EXPORT, data={"participant": portal.a, "file_format": "json"}).status_code == 403
	)
