"""MitID through an OpenID Connect broker (NemLog-in's or a commercial one), without frappe.

    metadata(issuer, get_json)            the broker's discovery document, its issuer checked
    begin(broker, meta)                   the authorisation URL, with state, nonce and PKCE verifier
    exchange(broker, meta, code, verifier)  the token response for the code (client secret, PKCE)
    verify(id_token, keys, broker, nonce)   the ID token's claims, once signature and claims hold

The OAuth 2.0 client (PKCE, the code exchange) is authlib's; the ID token's signature and claims are
checked by joserfc against the broker's published keys. `keys(refresh)` returns the broker's JWKS;
a token signed with a key id that the cached set lacks makes one refresh (the broker rotated its
keys). Every refusal is a LoginError with a code, for the log and the citizen's page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

ALGORITHMS = ["RS256", "PS256", "ES256"]  # what MitID brokers sign with; never "none" or HMAC
LEEWAY = 60  # seconds of clock difference allowed on exp / iat


class LoginError(Exception):
	"""code: broker, state, token, signature, issuer, audience, nonce, expired, claims, assurance, cpr."""

	def __init__(self, code: str, detail: str = ""):
		super().__init__(f"{code}: {detail}" if detail else code)
		self.code = code


@dataclass(frozen=True)
class Broker:
	issuer: str
	client_id: str
	client_secret: str
	scopes: str
	redirect_uri: str


@dataclass(frozen=True)
class Begun:
	url: str
	state: str
	nonce: str
	verifier: str


# A path on this site to return to after the login: no scheme, host, backslash, escape or "//" (a
# browser reads "/\\evil.example" and "//evil.example" as another site).
SAFE_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_\-.~?=&+]*")


def return_path(path: str | None, default: str) -> str:
	return path if path and SAFE_PATH.fullmatch(path) else default


def metadata(issuer: str, get_json: Callable[[str], dict]) -> dict:
	"""The broker's OpenID configuration; it must name the issuer it was asked for."""
	url = issuer.rstrip("/") + "/.well-known/openid-configuration"
	try:
		meta = get_json(url)
	except Exception as error:
		raise LoginError("broker", str(error)) from error
	if not isinstance(meta, dict) or meta.get("issuer") != issuer:
		raise LoginError("broker", "the discovery document names another issuer")
	for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
		if not meta.get(key):
			raise LoginError("broker", f"the discovery document has no {key}")
	return meta


def _session(broker: Broker):
	from authlib.integrations.requests_client import OAuth2Session

	return OAuth2Session(
		broker.client_id,
		broker.client_secret,
		scope=broker.scopes,
		redirect_uri=broker.redirect_uri,
		code_challenge_method="S256",
		token_endpoint_auth_method="client_secret_post",
	)


def begin(broker: Broker, meta: dict) -> Begun:
	from authlib.common.security import generate_token

	verifier, nonce = generate_token(64), generate_token(32)
	url, state = _session(broker).create_authorization_url(
		meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce
	)
	return Begun(url=url, state=state, nonce=nonce, verifier=verifier)


def exchange(broker: Broker, meta: dict, code: str, verifier: str, timeout: float = 10) -> dict:
	try:
		token = _session(broker).fetch_token(
			meta["token_endpoint"], code=code, code_verifier=verifier, timeout=timeout
		)
	except Exception as error:
		raise LoginError("token", str(error)) from error
	if not token.get("id_token"):
		raise LoginError("token", "the broker sent no ID token")
	return token


def verify(
	id_token: str,
	keys: Callable[[bool], dict],
	broker: Broker,
	nonce: str,
	now: Callable[[], int] | None = None,
) -> dict:
	"""The ID token's claims: signed by one of the broker's keys, for this client, from this issuer,
	not expired, and carrying the nonce this login began with."""
	from joserfc import errors, jwt
	from joserfc.jwk import KeySet
	from joserfc.jws import extract_compact

	try:
		kid = extract_compact(id_token.encode()).protected.get("kid")
	except errors.JoseError as error:
		raise LoginError("token", str(error)) from error
	key_set = KeySet.import_key_set(keys(False))
	if kid and kid not in {key.kid for key in key_set.keys}:
		key_set = KeySet.import_key_set(keys(True))  # the broker has rotated its keys
	try:
		token = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
	except errors.BadSignatureError as error:
		raise LoginError("signature") from error
	except errors.JoseError as error:
		# An unknown key id after the refresh is as good as a bad signature.
		raise LoginError(
			"signature" if "key" in type(error).__name__.lower() else "token", str(error)
		) from error
	registry = jwt.JWTClaimsRegistry(
		now=now or (lambda: int(time.time())),
		leeway=LEEWAY,
		iss={"essential": True, "value": broker.issuer},
		aud={"essential": True, "value": broker.client_id},
		exp={"essential": True},
		nonce={"essential": True, "value": nonce},
	)
	try:
		registry.validate(token.claims)
	except errors.ExpiredTokenError as error:
		raise LoginError("expired") from error
	except errors.InvalidClaimError as error:
		raise LoginError({"iss": "issuer", "aud": "audience"}.get(error.claim, error.claim)) from error
	except errors.JoseError as error:
		raise LoginError("claims", str(error)) from error
	return token.claims
