"""Bad input, generated (Hypothesis), over HTTP against the real server: every writable field of
the app's doctypes through REST and the web forms, and the whitelisted methods' arguments.

Negative, huge, NaN, infinite and text amounts; impossible, far-past and far-future dates; bad CPR
numbers; links to records that do not exist or belong to someone else; 1 MB and 10 MB strings;
unicode, control characters and HTML. Expected: never a 5xx; a refusal says why; a refused request
leaves every table as it was; text is stored as given and shown escaped. The example count is
bounded (BB_FUZZ_EXAMPLES, default 25 a target) so the suite stays within minutes.
"""

import json
import os
from collections import Counter

import frappe
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.integration.factories import budget_line, make_enrolled, make_programme, plan_of, user

EXAMPLES = int(os.environ.get("BB_FUZZ_EXAMPLES", "25"))
MEGABYTE = 1024 * 1024
KINDS = {
	"date": ("Date", "Datetime"),
	"number": ("Currency", "Float", "Int"),
	"text": ("Small Text", "Text", "Long Text"),
	"link": ("Link",),
}
HTML = "<script>alert('bb')</script><img src=x onerror=alert(1)>"
SENT = Counter()

amounts = st.one_of(
	st.integers(min_value=-(10**18), max_value=10**18),
	st.floats(allow_nan=True, allow_infinity=True),
	st.sampled_from(["1e400", "-0", "12,50", "abc", "", " ", "NaN", "Infinity", "1" * 400]),
)
dates = st.one_of(
	st.dates().map(str),
	st.sampled_from(
		["2026-02-30", "0000-00-00", "9999-12-31", "0001-01-01", "31-12-2026", "yesterday", "", "2026-13-01"]
	),
)
texts = st.one_of(
	st.text(max_size=200),
	st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50),
	st.sampled_from(
		[HTML, "'; drop table `tabParticipant`; --", "{{ frappe.session.user }}", "🤖" * 100, "\u202e\u0000x"]
	),
	st.sampled_from([1, 10]).map(lambda megabytes: "x" * (megabytes * MEGABYTE)),
)
cprs = st.one_of(
	st.from_regex(r"\A[0-9]{6}-?[0-9]{4}\Z"),
	st.sampled_from(["310299-1234", "000000-0000", "999999-9999", "12037812355", "abcdef-ghij", ""]),
	texts,
)


def value_for(df, others):
	if df.fieldtype in ("Currency", "Float", "Int", "Percent", "Check", "Rating"):
		return amounts
	if df.fieldtype in ("Date", "Datetime"):
		return dates
	if df.fieldtype == "Link":
		return st.one_of(st.sampled_from(others), texts)
	if df.fieldname == "cpr_number":
		return cprs
	return texts


def writable(meta):
	skip = {
		"Section Break",
		"Column Break",
		"Tab Break",
		"HTML",
		"Button",
		"Table",
		"Table MultiSelect",
		"Attach",
		"Attach Image",
		"Read Only",
	}
	return [
		df
		for df in meta.fields
		if not df.read_only and not df.hidden and df.fieldtype not in skip and not df.permlevel
	]


def app_counts():
	frappe.db.rollback()
	doctypes = frappe.get_all("DocType", filters={"module": "Borgerbudget", "issingle": 0}, pluck="name")
	return {doctype: frappe.db.count(doctype) for doctype in [*doctypes, "File", "Comment", "ToDo"]}


@pytest.fixture(scope="module", autouse=True)
def summary():
	yield
	by_status = Counter()
	for (_what, status), count in SENT.items():
		by_status[status] += count
	print(f"\nFuzz: {sum(SENT.values())} requests; by status: {dict(sorted(by_status.items()))}")


@pytest.fixture(scope="module")
def target(site):
	"""A caseworker's participant in screening, and an enrolled citizen's draft plan (committed)."""
	frappe.set_user("Administrator")
	programme = make_programme()
	screening = make_enrolled(programme, assigned_caseworker=user("caseworker_a"))
	frappe.db.set_value("Participant", screening.name, "user", user("citizen"))
	plan = plan_of(screening)
	other = make_enrolled(programme, assigned_caseworker=user("caseworker_b"))
	frappe.db.commit()
	yield frappe._dict(
		programme=programme.name,
		participant=screening.name,
		plan=plan.name,
		others=[other.name, plan_of(other).name, "BB-0000-00000"],
	)
	frappe.set_user("Administrator")
	from tests.integration.factories import remove_programme

	remove_programme(programme.name)
	frappe.db.commit()


def check(send, what):
	"""No 5xx; a refusal carries a message; a refusal changed nothing."""
	before = app_counts()
	response = send()
	SENT[(what, response.status_code)] += 1
	assert response.status_code < 500, f"{what}: HTTP {response.status_code} {response.text[:500]}"
	if response.status_code == 413:
		# The web server's own limit on a request's size (frappe's max_file_size), before any code runs.
		assert "Too Large" in response.text, f"{what}: 413 without a message"
	elif response.status_code != 200:
		body = response.json()
		assert body.get("_server_messages") or body.get("exception"), f"{what}: refused without a message"
	if response.status_code != 200:
		after = app_counts()
		assert after == before, f"{what}: refused but left {set(after.items()) - set(before.items())}"
	return response


def as_json(payload):
	# NaN and infinity as JavaScript writes them; requests refuses to send them.
	return {"data": json.dumps(payload, allow_nan=True), "headers": {"Content-Type": "application/json"}}


def fuzz(strategy, send, examples=EXAMPLES, always=()):
	"""`examples` generated values (the same on every run), after the `always` ones."""

	# No shrinking: each example is a request to the server, and a failure is reported as found.
	@settings(
		max_examples=examples,
		deadline=None,
		derandomize=True,
		database=None,
		phases=[Phase.explicit, Phase.generate],
		suppress_health_check=list(HealthCheck),
	)
	@given(strategy)
	def run(value):
		send(value)

	for value in always:
		run = example(value)(run)
	run()


def test_participant_fields_over_rest_and_the_registration_form(target, api):
	caseworker = api("caseworker_a")
	meta = frappe.get_meta("Participant")
	fields = writable(meta)

	def put(field_value):
		df, value = field_value
		check(
			lambda: caseworker.put(
				f"/api/resource/Participant/{target.participant}", **as_json({df.fieldname: value})
			),
			f"PUT Participant.{df.fieldname}",
		)

	first = {kind: next(df for df in fields if df.fieldtype in kinds) for kind, kinds in KINDS.items()}
	always = [
		(first["date"], "2026-02-30"),
		(first["date"], "0001-01-01"),
		(first["number"], float("nan")),
		(first["number"], float("-inf")),
		(first["number"], "12 kroner"),
		(first["text"], "x" * MEGABYTE),
		(first["text"], "x" * 10 * MEGABYTE),
		(first["link"], target.others[0]),
	]
	strategy = st.sampled_from(fields).flatmap(
		lambda df: st.tuples(st.just(df), value_for(df, target.others))
	)
	fuzz(strategy, put, EXAMPLES * 3, always)

	def register(values):
		frappe.cache.delete_keys("rl:")  # frappe allows ten web form saves a minute per address
		data = {"programme": target.programme, "full_name": "Fuzz Borger", **values}
		response = check(
			lambda: caseworker.post(
				"/api/method/frappe.website.doctype.web_form.web_form.accept",
				data={"web_form": "participant-registration", "data": json.dumps(data, allow_nan=True)},
			),
			"web form participant-registration",
		)
		if response.status_code == 200:
			frappe.db.rollback()
			name = response.json()["message"]["name"]
			frappe.db.delete("Participant CPR", {"name": name})
			frappe.db.delete("Participant", {"name": name})
			frappe.db.commit()

	fuzz(
		st.fixed_dictionaries(
			{"cpr_number": cprs},
			optional={
				"months_unemployed": amounts,
				"screening_date": dates,
				"benefit_type": texts,
				"phone": texts,
			},
		),
		register,
		always=[
			{"cpr_number": "310299-1234"},
			{"cpr_number": "x" * MEGABYTE},
			{"cpr_number": "120378-1235", "screening_date": "2026-02-30"},
		],
	)


def test_plan_fields_and_lines_over_rest_and_the_citizens_form(target, api):
	citizen = api("citizen")
	plan = frappe._dict(course_start_date=frappe.utils.today())
	line = st.fixed_dictionaries(
		{},
		optional={
			"description": texts,
			"amount": amounts,
			"need_date": dates,
			"category": st.one_of(st.just("Transport"), texts),
			"payment_route": st.one_of(st.just("Supplier invoice"), texts),
			"supplier": texts,
			"theory_of_change": texts,
		},
	)

	def save(values):
		motivation, row = values
		payload = {"motivation": motivation, "lines": [{**budget_line(plan), **row}]}
		check(
			lambda: citizen.put(f"/api/resource/Budget Plan/{target.plan}", **as_json(payload)),
			"PUT Budget Plan",
		)
		frappe.cache.delete_keys("rl:")
		data = json.dumps({"name": target.plan, **payload}, allow_nan=True)
		accept = "/api/method/frappe.website.doctype.web_form.web_form.accept"
		check(
			lambda: citizen.post(accept, data={"web_form": "my-budget-plan", "data": data}),
			"web form my-budget-plan",
		)

	always = [
		(HTML, {"amount": float("nan")}),
		("x" * 10 * MEGABYTE, {}),
		("y", {"need_date": "2026-02-30", "amount": -1}),
	]
	fuzz(st.tuples(texts, line), save, EXAMPLES * 2, always)


def test_whitelisted_methods_with_bad_arguments(target, api):
	caseworker = api("caseworker_a")
	plan = "borgerbudget.borgerbudget.doctype.budget_plan.budget_plan"
	calls = {
		"extend_deadline": lambda v: caseworker.post(
			"/api/method/run_doc_method",
			data={
				"dt": "Budget Plan",
				"dn": target.plan,
				"method": "extend_deadline",
				"args": json.dumps({"new_deadline": v[0], "reason": v[1]}),
			},
		),
		"extend_course": lambda v: caseworker.post(
			"/api/method/run_doc_method",
			data={
				"dt": "Participant",
				"dn": target.participant,
				"method": "extend_course",
				"args": json.dumps({"new_end_date": v[0], "reason": v[1]}),
			},
		),
		"add_line": lambda v: caseworker.post(
			f"/api/method/{plan}.add_line",
			data={
				"plan": v[1] if len(v[1]) < 40 else target.plan,
				"line": json.dumps({"description": v[1], "amount": v[2], "need_date": v[0]}, allow_nan=True),
			},
		),
		"make_purchase_invoice": lambda v: caseworker.post(
			"/api/method/borgerbudget.accounting.make_purchase_invoice",
			data={"budget_plan": target.plan, "budget_line": v[1], "amount": v[2]},
		),
	}

	def call(values):
		name, date, text, amount = values
		check(lambda: calls[name]((date, text, amount)), name)

	always = [
		("extend_course", "0000-00-00", "x", 0),
		("add_line", "2026-02-30", "x", float("nan")),
		("make_purchase_invoice", "", "x", "1e400"),
	]
	fuzz(st.tuples(st.sampled_from(sorted(calls)), dates, texts, amounts), call, EXAMPLES * 3, always)


def test_text_is_stored_as_given_and_shown_escaped(target, api):
	"""Plain text, with its <, > and &, is kept exactly; markup is neutralised by frappe's own XSS
	filter on save (its desk shows field values as HTML) and no page renders it live."""
	citizen = api("citizen")
	plain = "Jeg <3 cykler & 2 > 1 – \"citat\" 'æøå' 🚲\tslut"
	response = citizen.put(
		f"/api/resource/Budget Plan/{target.plan}", json={"motivation": plain, "strategy_stop": HTML}
	)
	assert response.status_code == 200, response.text
	frappe.db.rollback()
	stored = frappe.db.get_value("Budget Plan", target.plan, ["motivation", "strategy_stop"], as_dict=True)
	assert stored.motivation == plain
	assert "<script" not in stored.strategy_stop and "onerror" not in stored.strategy_stop
	pages = {
		"portal form": citizen.get(f"/my-budget-plan/{target.plan}/edit"),
		"form data": citizen.get(
			"/api/method/frappe.website.doctype.web_form.web_form.get_form_data",
			params={"doctype": "Budget Plan", "docname": target.plan, "web_form_name": "my-budget-plan"},
		),
		"print format": api("caseworker_a").get(
			"/printview",
			params={"doctype": "Budget Plan", "name": target.plan, "format": "Randers One-Page Plan"},
		),
	}
	for page, response in pages.items():
		assert response.status_code == 200, f"{page}: {response.status_code}"
		assert "<script>alert('bb')</script>" not in response.text, f"{page} renders the script"
		assert "onerror=alert" not in response.text, f"{page} renders the event handler"
	assert "Jeg &lt;3 cykler &amp; 2 &gt; 1" in pages["print format"].text
	frappe.db.set_value("Budget Plan", target.plan, {"motivation": None, "strategy_stop": None})
	frappe.db.commit()


def test_the_citizens_pages_with_bad_input(target, api):
	"""The methods behind /my-plan and /my-change (borgerbudget/portal.py) take whatever a page
	could send."""
	citizen = api("citizen")
	method = "/api/method/borgerbudget.portal."

	def send(values):
		date, text, amount, route = values
		line = {"description": text, "category": "Transport", "amount": amount, "need_date": date}
		line["payment_route"] = route
		check(
			lambda: citizen.post(method + "save_plan_line", **as_json({"plan": target.plan, "line": line})),
			"save_plan_line",
		)
		parts = {"motivation": text, "goals": [{"goal": text, "how_to_measure": amount}]}
		check(
			lambda: citizen.post(
				method + "save_plan_parts", **as_json({"plan": target.plan, "parts": parts})
			),
			"save_plan_parts",
		)
		# /my-change: the values are read before the amendment's controller refuses the draft plan.
		change = {"action": "add", "reason": text, **line}
		check(
			lambda: citizen.post(
				method + "ask_for_change", **as_json({"plan": target.plan, "change": change})
			),
			"ask_for_change",
		)

	always = [
		("2026-02-30", "x", float("nan"), "Supplier invoice"),
		("", "x" * MEGABYTE, "1e400", "x"),
		("0000-00-00", HTML, -1, "Reimbursement to the citizen"),
	]
	routes = st.one_of(st.just("Supplier invoice"), texts)
	fuzz(st.tuples(dates, texts, amounts, routes), send, EXAMPLES, always)
