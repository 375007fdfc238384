"""MitID login over HTTP against the real server, with a small OpenID Connect provider of our own on
127.0.0.1 standing in for the broker: a valid login (and the citizen's user made then, reused the
next time), every refusal, an unknown person, the login log without the CPR number, citizens'
password login switched off, and a cohort of 100 first logins in one hour."""

from urllib.parse import parse_qs, urlsplit

import frappe
import pytest
import requests

from borgerbudget import rules
from borgerbudget.mitid import login as mitid_login
from borgerbudget.mitid.test_provider import Provider
from tests.integration.factories import (
	TEST_PASSWORD,
	make_enrolled,
	make_participant,
	make_programme,
	plan_of,
	random_cpr,
	remove_programme,
)
from tests.integration.factories import user as user_of

START = "/api/method/borgerbudget.mitid.login.start"


@pytest.fixture(scope="module")
def mitid(server_url, site):
	"""The provider, the site's MitID Settings pointed at it, and a registered citizen (committed)."""
	provider = Provider("bb-test-client", "bb-test-secret").start()
	frappe.set_user("Administrator")
	started = frappe.utils.now_datetime()
	settings = frappe.get_single("MitID Settings")
	settings.update(
		{
			"enabled": 1,
			"disable_citizen_password_login": 0,
			"issuer_url": provider.issuer,
			"client_id": "bb-test-client",
			"client_secret": "bb-test-secret",
			"scopes": "openid",
			"required_assurance": "Substantial",
		}
	)
	settings.save()
	programme = make_programme()
	number = random_cpr()
	participant = make_participant(programme, cpr_number=number)
	cpr = number.replace("-", "")
	frappe.db.commit()
	world = frappe._dict(provider=provider, programme=programme, participant=participant.name, cpr=cpr)
	world.server, world.site = server_url, site
	yield world
	provider.stop()
	frappe.set_user("Administrator")
	users = frappe.get_all(
		"User", filters={"name": ("like", f"%@{mitid_login.PLACEHOLDER_DOMAIN}")}, pluck="name"
	)
	frappe.db.delete("MitID Login", {"creation": (">=", started)})
	remove_programme(programme.name)
	for name in users:
		frappe.delete_doc("User", name, force=True, ignore_permissions=True)
	frappe.db.set_single_value("MitID Settings", {"enabled": 0, "disable_citizen_password_login": 0})
	frappe.db.commit()


def browser(world):
	session = requests.Session()
	session.headers["X-Frappe-Site-Name"] = world.site
	return session


def log_in(world, login, session=None):
	"""A browser's MitID login, with `login` preset on the provider: the page it ends on."""
	session = session or browser(world)
	world.provider.next_login = login
	answer = session.get(world.server + START, timeout=60)
	return session, answer


def logged_user(session, world):
	"""Who the browser is logged in as ("Guest": frappe refuses the question to a guest)."""
	answer = session.get(world.server + "/api/method/frappe.auth.get_logged_user", timeout=30)
	return answer.json().get("message") if answer.ok else "Guest"


def latest_log():
	frappe.db.rollback()  # see what the server committed
	return frappe.get_all("MitID Login", fields=["*"], order_by="logged_in_at desc, creation desc", limit=1)[
		0
	]


def test_the_login_page_offers_mitid(mitid):
	page = browser(mitid).get(mitid.server + "/login", timeout=30)
	assert page.ok and START in page.text and "MitID" in page.text


def test_a_citizen_logs_in_with_mitid_and_gets_the_same_user_the_next_time(mitid):
	session = browser(mitid)
	mitid.provider.next_login = {"cpr": mitid.cpr, "name": "Ida Jensen", "loa": "Substantial"}
	# Back to a page of the site, not to another site.
	evil = session.get(mitid.server + START, params={"redirect_to": "/\\evil.example"}, timeout=60)
	assert urlsplit(evil.url).netloc == urlsplit(mitid.server).netloc
	answer = evil
	assert answer.ok and urlsplit(answer.url).path == mitid_login.HOME  # the citizen's plan
	user = logged_user(session, mitid)
	assert user.endswith("@" + mitid_login.PLACEHOLDER_DOMAIN)
	entry = latest_log()
	assert (entry.result, entry.participant, entry.user, entry.assurance) == (
		rules.mitid.LOGGED_IN,
		mitid.participant,
		user,
		rules.mitid.SUBSTANTIAL,
	)
	assert frappe.db.get_value("Participant", mitid.participant, "user") == user
	assert frappe.db.get_value("User", user, ["first_name", "user_type"]) == ("Ida", "Website User")
	# The CPR number is in no log: not in the login log, not in the error log.
	logged = frappe.as_json(frappe.get_all("MitID Login", fields=["*"])) + frappe.as_json(
		frappe.get_all("Error Log", fields=["error"], order_by="creation desc", limit=20)
	)
	assert mitid.cpr not in logged and mitid.cpr[:6] + "-" + mitid.cpr[6:] not in logged
	# No e-mail came with MitID: the citizen gives one for notifications.
	saved = session.post(
		mitid.server + "/api/method/borgerbudget.portal.set_my_email",
		data={"email": "ida@example.com"},
		timeout=30,
	)
	assert saved.ok, saved.text
	frappe.db.rollback()
	assert frappe.db.get_value("Participant", mitid.participant, "email") == "ida@example.com"
	bad = session.post(
		mitid.server + "/api/method/borgerbudget.portal.set_my_email",
		data={"email": "not an address"},
		timeout=30,
	)
	assert (
		bad.status_code == 417
		and frappe.db.get_value("Participant", mitid.participant, "email") == "ida@example.com"
	)
	page = session.get(mitid.server + "/my-email", timeout=30).text
	assert "ida@example.com" in page
	# The next login is the same user, in a new browser.
	users = frappe.db.count("User")
	again, answer = log_in(mitid, {"cpr": mitid.cpr, "loa": "High"})
	assert logged_user(again, mitid) == user and frappe.db.count("User") == users
	assert latest_log().assurance == rules.mitid.HIGH


@pytest.mark.parametrize(
	"spoilt, reason",
	[
		({"nonce": "not-the-one"}, "nonce"),
		({"expires_in": -3600}, "expired"),
		({"aud": "another-client"}, "audience"),
		({"unpublished_key": True}, "signature"),
		({"loa": "Low"}, "assurance"),
	],
)
def test_a_spoilt_login_is_refused_and_logged(mitid, spoilt, reason):
	session, answer = log_in(mitid, {"cpr": mitid.cpr, **spoilt})
	assert urlsplit(answer.url).path == "/mitid" and parse_qs(urlsplit(answer.url).query)["status"] == [
		"refused"
	]
	assert "did not succeed" in answer.text or "lykkedes ikke" in answer.text
	assert logged_user(session, mitid) == "Guest"
	entry = latest_log()
	assert (entry.result, entry.reason, entry.user) == (rules.mitid.REFUSED, reason, None)


def test_a_callback_for_no_login_at_all_is_refused(mitid):
	session = browser(mitid)
	answer = session.get(
		mitid.server + "/api/method/borgerbudget.mitid.login.callback",
		params={"code": "made-up", "state": "made-up"},
		timeout=30,
	)
	assert urlsplit(answer.url).path == "/mitid" and logged_user(session, mitid) == "Guest"
	assert (latest_log().result, latest_log().reason) == (rules.mitid.REFUSED, "state")


def test_a_login_begun_in_another_browser_is_refused(mitid):
	"""The broker's answer replayed in a browser that did not begin the login (login CSRF)."""
	mitid.provider.next_login = {"cpr": mitid.cpr}
	begun = browser(mitid).get(mitid.server + START, allow_redirects=False, timeout=30)
	back = requests.get(begun.headers["Location"], allow_redirects=False, timeout=30)
	other = browser(mitid)
	answer = other.get(back.headers["Location"], timeout=30)
	assert urlsplit(answer.url).path == "/mitid" and logged_user(other, mitid) == "Guest"
	assert (latest_log().result, latest_log().reason) == (rules.mitid.REFUSED, "state")


def test_mitid_never_logs_in_a_staff_or_disabled_user_named_on_a_participant(mitid):
	"""A participant record naming a caseworker's (or a disabled) account must not hand it over."""
	for key in ("finance", "caseworker_a"):
		number = random_cpr()
		make_participant(mitid.programme, cpr_number=number, user=user_of(key))
		frappe.db.commit()
		session, answer = log_in(mitid, {"cpr": number.replace("-", "")})
		assert parse_qs(urlsplit(answer.url).query)["status"] == ["refused"], key
		assert logged_user(session, mitid) == "Guest"
		assert (latest_log().result, latest_log().reason) == (rules.mitid.REFUSED, "user")


def test_a_person_the_jobcenter_has_not_registered_gets_a_polite_page_and_no_user(mitid):
	users = frappe.db.count("User")
	session, answer = log_in(mitid, {"cpr": "0101801234"})
	assert parse_qs(urlsplit(answer.url).query)["status"] == ["not-registered"]
	assert logged_user(session, mitid) == "Guest"
	entry = latest_log()
	assert (entry.result, entry.participant, entry.user) == (rules.mitid.NOT_REGISTERED, None, None)
	assert frappe.db.count("User") == users


def test_a_representative_logs_in_with_mitid_as_themselves_and_chooses_whose_plan(mitid):
	"""Registered by CPR number with no login: the first MitID login makes theirs, for every citizen
	they represent; they choose whom to work for; revoked, MitID lets them in no more."""
	R = rules.representation
	jens, sara = (make_enrolled(mitid.programme, full_name=name) for name in ("Jens Repræ", "Sara Repræ"))
	number = random_cpr(1970)
	rows = [
		frappe.get_doc(
			{
				"doctype": "Representative",
				"participant": citizen.name,
				"representative_name": "Hanne Hjælper",
				"cpr_number": number,
				"scope": scope,
				"legal_basis": R.POWER_OF_ATTORNEY,
				"basis_reference": "FM-2026-0101",
			}
		).insert()
		for citizen, scope in ((jens, R.ACT), (sara, R.READ))
	]
	frappe.db.commit()
	users = frappe.db.count("User")
	session, answer = log_in(mitid, {"cpr": number.replace("-", ""), "name": "Hanne Hjælper"})
	assert urlsplit(answer.url).path == mitid_login.ACT_FOR  # two citizens: choose first
	user = logged_user(session, mitid)
	frappe.db.rollback()  # see what the server committed
	assert user.endswith("@" + mitid_login.PLACEHOLDER_DOMAIN) and frappe.db.count("User") == users + 1
	assert {frappe.db.get_value("Representative", row.name, "representative") for row in rows} == {user}
	entry = latest_log()
	assert (entry.result, entry.user, entry.participant, entry.reason) == (
		rules.mitid.LOGGED_IN,
		user,
		None,
		mitid_login.REPRESENTATIVE,
	)
	assert "Jens Repræ" in answer.text and "Sara Repræ" in answer.text
	# Choosing Sara: the portal's plan goes to hers, and every page says on whose behalf.
	chosen = session.post(
		mitid.server + "/api/method/borgerbudget.representation.act_for",
		data={"participant": sara.name},
		headers={"X-Frappe-CSRF-Token": csrf_token(session, mitid)},
		timeout=30,
	)
	assert chosen.ok, chosen.text
	plan = session.get(mitid.server + "/my-budget-plan", timeout=60)
	assert urlsplit(plan.url).path == "/my-plan" and plan_of(sara).name in plan.text
	assert "Sara Repræ" in plan.text
	# Read for Sara, Act for Jens: the one permission rule, unchanged by how they logged in.
	for citizen, status in ((sara, 403), (jens, 200)):
		name = plan_of(citizen).name
		put = session.put(
			f"{mitid.server}/api/resource/Budget Plan/{name}",
			json={"dream": "Et kørekort"},
			headers={"X-Frappe-CSRF-Token": csrf_token(session, mitid)},
			timeout=30,
		)
		assert put.status_code == status, (citizen.full_name, put.text[:300])
	# The next login is the same user; once revoked, MitID lets them in no more.
	again, _answer = log_in(mitid, {"cpr": number.replace("-", "")})
	assert logged_user(again, mitid) == user
	for row in rows:
		frappe.get_doc("Representative", row.name).revoke()
	frappe.db.commit()
	gone, answer = log_in(mitid, {"cpr": number.replace("-", "")})
	assert parse_qs(urlsplit(answer.url).query)["status"] == ["not-registered"]
	assert logged_user(gone, mitid) == "Guest"


def csrf_token(session, world):
	"""The logged-in browser's CSRF token, as a portal page's script sends it."""
	page = session.get(world.server + "/my-email", timeout=30).text
	return page.split('frappe.csrf_token = "', 1)[1].split('"', 1)[0]


def test_citizens_password_login_can_be_switched_off(mitid):
	user = frappe.db.get_value("Participant", mitid.participant, "user")
	if not user:  # the login test above makes it; alone, this test makes it itself
		log_in(mitid, {"cpr": mitid.cpr})
		frappe.db.rollback()
		user = frappe.db.get_value("Participant", mitid.participant, "user")
	from frappe.utils.password import update_password

	update_password(user, TEST_PASSWORD)
	frappe.db.set_single_value("MitID Settings", "disable_citizen_password_login", 1)
	frappe.db.commit()
	frappe.clear_document_cache("MitID Settings", "MitID Settings")
	try:
		refused = browser(mitid).post(
			mitid.server + "/api/method/login", data={"usr": user, "pwd": TEST_PASSWORD}, timeout=30
		)
		assert refused.status_code == 401 and "MitID" in refused.text
		staff = browser(mitid).post(
			mitid.server + "/api/method/login",
			data={"usr": user_of("finance"), "pwd": TEST_PASSWORD},
			timeout=30,
		)
		assert staff.ok
		session, _answer = log_in(mitid, {"cpr": mitid.cpr})
		assert logged_user(session, mitid) == user  # MitID still lets the citizen in
	finally:
		frappe.db.set_single_value("MitID Settings", "disable_citizen_password_login", 0)
		frappe.db.commit()


def test_a_cohort_of_100_first_logins_in_one_hour_all_get_in(mitid):
	"""frappe throttles new users (60 an hour by default); the site's limit is sized for cohorts."""
	programme = make_programme(yearly_capacity=120)
	participants = [make_participant(programme) for _ in range(100)]
	made = {
		mitid_login.citizen_user([participant.name], participant.full_name) for participant in participants
	}
	assert len(made) == 100
	assert frappe.db.get_creation_count("User", 60) > 60
	assert frappe.conf.throttle_user_limit >= 100
