"""The MitID client against a real (test) OpenID Connect provider on 127.0.0.1: the code flow with
PKCE, and every way an ID token is refused. No frappe: borgerbudget/mitid/oidc.py and the rules."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from borgerbudget import rules
from borgerbudget.mitid import oidc
from borgerbudget.mitid.test_provider import CPR_CLAIM, LOA_CLAIM, Provider

REDIRECT = "http://127.0.0.1:9/callback"  # never called: the test reads the redirect itself


@pytest.fixture
def provider():
	running = Provider("client-1", "secret-1").start()
	yield running
	running.stop()


def broker(provider, **values):
	return oidc.Broker(
		**{
			"issuer": provider.issuer,
			"client_id": "client-1",
			"client_secret": "secret-1",
			"scopes": "openid",
			"redirect_uri": REDIRECT,
			**values,
		}
	)


def get_json(url):
	answer = requests.get(url, timeout=5)
	answer.raise_for_status()
	return answer.json()


def log_in(provider, login, **values):
	"""begin → the provider's redirect back with a code → exchange → verify, as the site does."""
	b = broker(provider, **values)
	meta = oidc.metadata(provider.issuer, get_json)
	begun = oidc.begin(b, meta)
	query = parse_qs(urlsplit(begun.url).query)
	assert query["code_challenge_method"] == ["S256"] and query["nonce"] == [begun.nonce]
	provider.next_login = login
	back = requests.get(begun.url, allow_redirects=False, timeout=5)
	assert back.status_code == 302
	returned = parse_qs(urlsplit(back.headers["Location"]).query)
	assert returned["state"] == [begun.state]
	token = oidc.exchange(b, meta, returned["code"][0], begun.verifier)
	fetched = []

	def keys(refresh):
		fetched.append(refresh)
		return get_json(meta["jwks_uri"])

	return oidc.verify(token["id_token"], keys, b, begun.nonce), fetched


def test_a_valid_login_gives_the_claims(provider):
	claims, fetched = log_in(provider, {"cpr": "1203781235", "name": "Jens Nielsen", "loa": "Substantial"})
	assert claims[CPR_CLAIM] == "1203781235" and claims["name"] == "Jens Nielsen"
	assert rules.mitid.assurance_level(claims[LOA_CLAIM]) == rules.mitid.SUBSTANTIAL
	assert fetched == [False]  # the cached key set was enough


@pytest.mark.parametrize(
	"spoilt, code",
	[
		({"nonce": "another"}, "nonce"),
		({"expires_in": -600}, "expired"),
		({"aud": "someone-else"}, "audience"),
		({"unpublished_key": True}, "signature"),
		({"iss": "https://another.example"}, "issuer"),
		({"omit_nonce": True}, "claims"),
		({"alg": "none"}, "token"),
		({"alg": "HS256"}, "token"),
	],
)
def test_a_spoilt_token_is_refused(provider, spoilt, code):
	with pytest.raises(oidc.LoginError) as refused:
		log_in(provider, {"cpr": "1203781235", **spoilt})
	assert refused.value.code == code


def test_rotated_keys_are_fetched_again_once(provider):
	log_in(provider, {"cpr": "1203781235"})
	provider.rotate_keys()
	stale = get_json(f"{provider.issuer}/jwks")
	provider.rotate_keys()  # signed with a key the cached set has not seen
	b = broker(provider)
	meta = oidc.metadata(provider.issuer, get_json)
	begun = oidc.begin(b, meta)
	provider.next_login = {"cpr": "1203781235"}
	back = requests.get(begun.url, allow_redirects=False, timeout=5)
	code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
	token = oidc.exchange(b, meta, code, begun.verifier)
	asked = []

	def keys(refresh):
		asked.append(refresh)
		return get_json(meta["jwks_uri"]) if refresh else stale

	assert oidc.verify(token["id_token"], keys, b, begun.nonce)[CPR_CLAIM] == "1203781235"
	assert asked == [False, True]


def test_the_broker_must_be_the_one_configured(provider):
	with pytest.raises(oidc.LoginError) as refused:
		oidc.metadata(provider.issuer + "/other", get_json)
	assert refused.value.code == "broker"
	with pytest.raises(oidc.LoginError) as refused:
		log_in(provider, {"cpr": "1203781235"}, client_secret="wrong")
	assert refused.value.code == "token"


@pytest.mark.parametrize(
	"value, level",
	[
		("https://data.gov.dk/concept/core/nsis/loa/Substantial", "substantial"),
		("https://data.gov.dk/concept/core/nsis/loa/High", "high"),
		("urn:grn:authn:dk:mitid:substantial", "substantial"),
		("low", "low"),
		("urn:something:else", None),
		(None, None),
		(3, None),
	],
)
def test_assurance_levels_however_the_broker_spells_them(value, level):
	assert rules.mitid.assurance_level(value) == level


def test_enough_assurance():
	assert rules.mitid.enough("high", "Substantial") and rules.mitid.enough("substantial", "substantial")
	assert not rules.mitid.enough("low", "Substantial") and not rules.mitid.enough(None, "Substantial")
	assert not rules.mitid.enough("substantial", "High")


@pytest.mark.parametrize(
	"path, back",
	[
		("/my-budget-plan", "/my-budget-plan"),
		("/my-budget-plan/BB-2026-00001?edit=1", "/my-budget-plan/BB-2026-00001?edit=1"),
		("//evil.example", "/home"),
		("/\\evil.example", "/home"),
		("/%5Cevil.example", "/home"),
		("https://evil.example/", "/home"),
		("evil.example", "/home"),
		("/\tx", "/home"),
		("", "/home"),
		(None, "/home"),
	],
)
def test_the_login_returns_only_to_a_path_on_this_site(path, back):
	assert oidc.return_path(path, "/home") == back
