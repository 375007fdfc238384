"""Citizens log in with MitID through the site's OpenID Connect broker (MitID Settings).

frappe's Social Login Key finds its users by e-mail, which MitID brokers do not give, so this is a
callback of the app's own, built the way frappe's OAuth login is (frappe.utils.oauth): `start`
sends the browser to the broker with state, nonce and a PKCE challenge kept server-side for ten
minutes and bound to the browser by a cookie; `callback` exchanges the code, checks the ID token
(borgerbudget/mitid/oidc.py), finds the participant by the keyed hash of the CPR number, and logs
the citizen in, making their website user on the first login. Every attempt is a MitID Login record;
the CPR number is never stored or logged in clear.
"""

import hmac
from urllib.parse import urlencode

import frappe
import requests
from frappe import _
from frappe.utils import get_url, now_datetime

from borgerbudget import faults, rules
from borgerbudget.borgerbudget.doctype.participant_cpr import participant_cpr
from borgerbudget.borgerbudget.doctype.representative import representative
from borgerbudget.mitid import oidc
from borgerbudget.permissions import CITIZEN, as_system

CALLBACK = "/api/method/borgerbudget.mitid.login.callback"
COOKIE = "borgerbudget_mitid"
PENDING_SECONDS = 600
BROKER_CACHE_SECONDS = 3600
HOME = "/my-plan"  # the citizen's plan (www/my-plan)
ACT_FOR = "/act-for"  # where a representative chooses whose plan to work on
REPRESENTATIVE = "Representative"  # the MitID Login's reason for a representative's login
# A citizen's user needs an address frappe accepts, and none that can receive mail (RFC 2606):
# notifications go to the e-mail on the participant, which the citizen can set.
PLACEHOLDER_DOMAIN = "borger.invalid"


def settings():
	s = frappe.get_cached_doc("MitID Settings")
	if not s.enabled:
		frappe.throw(_("Login with MitID is not set up on this site."))
	return s


def broker(s) -> oidc.Broker:
	return oidc.Broker(
		issuer=s.issuer_url,
		client_id=s.client_id,
		client_secret=s.get_password("client_secret"),
		scopes=s.scopes,
		redirect_uri=get_url(CALLBACK),
	)


def get_json(url):
	answer = requests.get(url, timeout=10)
	answer.raise_for_status()
	return answer.json()


def broker_metadata(s) -> dict:
	key = f"borgerbudget:mitid:meta:{s.issuer_url}"
	meta = frappe.cache.get_value(key)
	if not meta:
		meta = oidc.metadata(s.issuer_url, get_json)
		frappe.cache.set_value(key, meta, expires_in_sec=BROKER_CACHE_SECONDS)
	return meta


def broker_keys(meta):
	"""The broker's JWKS, cached; `refresh` fetches them again (the broker rotated its keys)."""
	key = f"borgerbudget:mitid:jwks:{meta['jwks_uri']}"

	def keys(refresh):
		jwks = None if refresh else frappe.cache.get_value(key)
		if not jwks:
			try:
				jwks = get_json(meta["jwks_uri"])
			except Exception as error:
				raise oidc.LoginError("broker", str(error)) from error
			frappe.cache.set_value(key, jwks, expires_in_sec=BROKER_CACHE_SECONDS)
		return jwks

	return keys


def redirect(location):
	frappe.local.response["type"] = "redirect"
	frappe.local.response["location"] = location


@frappe.whitelist(allow_guest=True, methods=["GET"])
def start(redirect_to: str | None = None):
	"""To the broker's MitID login. The login's state waits in the cache: without the cache, the
	citizen would come back from MitID to a refusal, so they are told at once to come back later."""
	faults.require("cache")
	s = settings()
	try:
		begun = oidc.begin(broker(s), broker_metadata(s))
	except oidc.LoginError as error:
		log(rules.mitid.REFUSED, reason=error.code)
		return redirect("/mitid?status=refused")
	frappe.cache.set_value(
		f"borgerbudget:mitid:pending:{begun.state}",
		{
			"nonce": begun.nonce,
			"verifier": begun.verifier,
			"redirect_to": oidc.return_path(redirect_to, HOME),
		},
		expires_in_sec=PENDING_SECONDS,
	)
	frappe.local.cookie_manager.set_cookie(
		COOKIE, begun.state, max_age=PENDING_SECONDS, httponly=True, samesite="Lax"
	)
	redirect(begun.url)


@frappe.whitelist(allow_guest=True, methods=["GET"])
def callback(
	code: str | None = None,
	state: str | None = None,
	error: str | None = None,
	error_description: str | None = None,
):
	"""Back from the broker: check everything, then log the citizen in. Whatever goes wrong ends on
	the refusal page with a MitID Login record, never in an error page or a traceback: the claims
	hold the CPR number, and frappe's error snapshots record a failing frame's variables."""
	key = f"borgerbudget:mitid:pending:{state or ''}"
	pending = state and frappe.cache.get_value(key)
	frappe.cache.delete_value(key)  # a login's state is used once
	frappe.local.cookie_manager.delete_cookie(COOKIE)
	try:
		cookie = frappe.request.cookies.get(COOKIE) or ""
		if not pending or not hmac.compare_digest(cookie.encode(), (state or "").encode()):
			raise oidc.LoginError("state")
		if error or not code:
			raise oidc.LoginError("broker", error or "no code")
		found = identify(code, pending)
		if found.participants:
			user = citizen_user(found.participants, found.name)
		elif found.representations:  # a representative (fuldmagt) logging in as themselves
			user = representative_user(found.representations, found.name)
		else:
			log(rules.mitid.NOT_REGISTERED, assurance=found.level)
			return redirect("/mitid?status=not-registered")
		frappe.flags.mitid_login = True  # the password-login switch lets this one through
		frappe.local.login_manager.login_as(user)
	except oidc.LoginError as refused:
		frappe.db.rollback()
		log(rules.mitid.REFUSED, reason=refused.code, assurance=getattr(refused, "level", None))
		return redirect("/mitid?status=refused")
	except Exception as failed:
		frappe.db.rollback()
		# The kind of failure only: its message or frames could hold the claims.
		frappe.log_error(title="MitID login failed", message=type(failed).__name__)
		log(rules.mitid.REFUSED, reason="error")
		return redirect("/mitid?status=refused")
	if found.participants:
		log(rules.mitid.LOGGED_IN, participant=found.participants[0], user=user, assurance=found.level)
	else:
		log(rules.mitid.LOGGED_IN, user=user, assurance=found.level, reason=REPRESENTATIVE)
	several = len({row.participant for row in found.representations}) > 1
	redirect(ACT_FOR if several else pending["redirect_to"])


def identify(code, pending) -> frappe._dict:
	"""The participants the ID token's CPR number belongs to (or the representations in force of
	the person), the name and the level; the claims and the number go no further than this function."""
	s = settings()
	meta, this_broker = broker_metadata(s), broker(s)
	token = oidc.exchange(this_broker, meta, code, pending["verifier"])
	claims = oidc.verify(token["id_token"], broker_keys(meta), this_broker, pending["nonce"])
	level = rules.mitid.assurance_level(claims.get(s.assurance_claim))
	if not rules.mitid.enough(level, s.required_assurance):
		refused = oidc.LoginError("assurance")
		refused.level = level
		raise refused
	try:
		digits = rules.cpr.parse_cpr(str(claims.get(s.cpr_claim) or "")).digits
	except rules.cpr.CprError:
		raise oidc.LoginError("cpr") from None
	participants = participant_cpr.holders(digits)
	return frappe._dict(
		participants=participants,
		representations=[] if participants else representative.holders(digits),
		name=claims.get(s.name_claim),
		level=level,
	)


def citizen_user(participants, name=None) -> str:
	"""The website user of the citizen: the one already linked to one of their participant records,
	else a new one, made without an e-mail. Linked to every one of their records."""
	linked = frappe.get_all(
		"Participant",
		filters={"name": ("in", participants), "user": ("is", "set")},
		pluck="user",
		order_by="creation",
	)
	user = linked[0] if linked else None
	if user and not is_portal_citizen(user):
		# MitID logs in citizens only: a participant record naming a staff user, or a disabled
		# one, must not hand that account to whoever holds the CPR number.
		raise oidc.LoginError("user")
	if not user:
		user = new_portal_user(name or frappe.db.get_value("Participant", participants[0], "full_name"))
	for participant in participants:
		if frappe.db.get_value("Participant", participant, "user") != user:
			frappe.db.set_value("Participant", participant, "user", user)
	return user


def representative_user(representations, name=None) -> str:
	"""The representative's own website user: the one their representations name (one person, one
	login: the Representative refuses a second), else a new one, linked to those without."""
	users = {row.representative for row in representations if row.representative}
	if len(users) > 1 or (users and not is_portal_citizen(next(iter(users)))):
		raise oidc.LoginError("user")  # as for citizens: never a staff, disabled or ambiguous login
	user = users.pop() if users else new_portal_user(name or representations[0].representative_name)
	representative.link_login(representations, user)
	return user


def new_portal_user(full_name) -> str:
	"""A website user with the citizen's role and a placeholder address that receives nothing."""
	first_name, _space, last_name = (full_name or "").strip().partition(" ")
	doc = frappe.get_doc(
		{
			"doctype": "User",
			"email": f"mitid-{frappe.generate_hash(length=16)}@{PLACEHOLDER_DOMAIN}",
			"first_name": first_name or _("Citizen"),
			"last_name": last_name,
			"user_type": "Website User",
			"send_welcome_email": 0,
			"roles": [{"role": CITIZEN}],
		}
	)
	doc.flags.no_welcome_mail = True
	doc.insert(ignore_permissions=True)
	return doc.name


def is_portal_citizen(user) -> bool:
	from borgerbudget.permissions import is_citizen

	enabled, user_type = frappe.db.get_value("User", user, ["enabled", "user_type"]) or (0, None)
	return bool(enabled) and user_type == "Website User" and is_citizen(user)


def log(result, participant=None, user=None, assurance=None, reason=None):
	with as_system():  # the app's own record, which the citizen (or a guest) may not write
		frappe.get_doc(
			{
				"doctype": "MitID Login",
				"logged_in_at": now_datetime(),
				"result": result,
				"reason": reason,
				"participant": participant,
				"user": user,
				"assurance": assurance,
			}
		).insert(ignore_permissions=True)
	# A GET request is not committed by frappe: the login, the new user and the log are kept here.
	frappe.db.commit()


def setting(fieldname):
	"""A MitID setting, or None on a site not yet migrated to have them (the hooks run on every login)."""
	try:
		return frappe.db.get_single_value("MitID Settings", fieldname)
	except frappe.DoesNotExistError:
		return None


def website_context(context):
	"""update_website_context: "Log ind med MitID" among the login page's ways in."""
	if getattr(frappe.local, "path", None) != "login" or not setting("enabled"):
		return
	back = frappe.form_dict.get("redirect-to")
	context.setdefault("provider_logins", []).append(
		{
			"name": "mitid",
			"provider_name": "MitID",
			"auth_url": CALLBACK.replace("callback", "start")
			+ (f"?{urlencode({'redirect_to': back})}" if back else ""),
			"icon": None,
		}
	)
	context["social_login"] = True


def refuse_citizen_password_login(login_manager):
	"""on_login: with "Citizens Log In with MitID Only", a citizen's password login is refused
	before any session is made."""
	if frappe.flags.mitid_login or not setting("disable_citizen_password_login"):
		return
	from borgerbudget.permissions import is_citizen

	if is_citizen(login_manager.user):
		frappe.throw(_("Citizens log in with MitID."), frappe.AuthenticationError)
