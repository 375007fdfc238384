"""A small OpenID Connect provider standing in for a MitID broker, for the tests and the demo only.

    python -m borgerbudget.mitid.test_provider [--port 8091] [--client-id ID] [--client-secret S]

It listens on 127.0.0.1 only, signs ID tokens with an RSA key made at start, and asks on its login
page for the CPR number, the name and the assurance level to log in with: no real MitID is
involved, and nothing it issues is trusted anywhere but a site pointed at it. The tests drive it
from Python: `next_login` presets who logs in and how the token is spoilt (a wrong nonce, an
expired token, another audience or issuer, no nonce, a signature by a key it does not publish, an
unsigned token or one "signed" with the client secret, a low level).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CPR_CLAIM = "https://data.gov.dk/model/core/eid/cprNumber"
LOA_CLAIM = "https://data.gov.dk/concept/core/nsis/loa"
LOA_PREFIX = "https://data.gov.dk/concept/core/nsis/loa/"


class Provider:
	def __init__(self, client_id="borgerbudget-demo", client_secret="demo-secret", port=0):
		self.client_id, self.client_secret = client_id, client_secret
		self.keys = [self._new_key()]
		self.codes: dict[str, dict] = {}
		self.next_login: dict | None = None  # the tests' preset login; None shows the login page
		self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
		self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"

	@staticmethod
	def _new_key():
		return RSAKey.generate_key(
			2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"}
		)

	def rotate_keys(self):
		"""A new signing key; the old one stays published, as brokers do while tokens age out."""
		self.keys.insert(0, self._new_key())

	def start(self):
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		return self

	def stop(self):
		self.server.shutdown()
		self.server.server_close()

	# What the endpoints answer --------------------------------------------------------------------

	def configuration(self):
		return {
			"issuer": self.issuer,
			"authorization_endpoint": f"{self.issuer}/authorize",
			"token_endpoint": f"{self.issuer}/token",
			"jwks_uri": f"{self.issuer}/jwks",
			"response_types_supported": ["code"],
			"subject_types_supported": ["public"],
			"id_token_signing_alg_values_supported": ["RS256"],
			"code_challenge_methods_supported": ["S256"],
			"token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
		}

	def jwks(self):
		return KeySet(self.keys).as_dict(private=False)

	def issue_code(self, request: dict, login: dict) -> str:
		code = secrets.token_urlsafe(24)
		self.codes[code] = {"request": request, "login": login}
		return code

	def token(self, form: dict, authorization: str | None) -> tuple[int, dict]:
		client_id, client_secret = form.get("client_id"), form.get("client_secret")
		if authorization and authorization.startswith("Basic "):
			client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
		if (client_id, client_secret) != (self.client_id, self.client_secret):
			return 401, {"error": "invalid_client"}
		grant = self.codes.pop(form.get("code", ""), None)
		if not grant or form.get("grant_type") != "authorization_code":
			return 400, {"error": "invalid_grant"}
		request, login = grant["request"], grant["login"]
		if form.get("redirect_uri") != request.get("redirect_uri"):
			return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
		challenge = (
			base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
			.rstrip(b"=")
			.decode()
		)
		if challenge != request.get("code_challenge"):
			return 400, {"error": "invalid_grant", "error_description": "PKCE"}
		return 200, {
			"access_token": secrets.token_urlsafe(24),
			"token_type": "Bearer",
			"expires_in": 300,
			"id_token": self.id_token(request, login),
		}

	def id_token(self, request: dict, login: dict) -> str:
		now = int(time.time())
		claims = {
			"iss": login.get("iss", self.issuer),
			"sub": hashlib.sha256(login["cpr"].encode()).hexdigest()[:32],
			"aud": login.get("aud", self.client_id),
			"iat": now,
			"exp": now + login.get("expires_in", 300),
			"nonce": login.get("nonce", request.get("nonce")),
			"name": login.get("name", "Test Borger"),
			CPR_CLAIM: login["cpr"],
			LOA_CLAIM: LOA_PREFIX + login.get("loa", "Substantial"),
		}
		if login.get("omit_nonce"):
			del claims["nonce"]
		if login.get("alg") == "none":  # unsigned: what a forger would try first
			part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()  # noqa: E731
			return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
		if login.get("alg") == "HS256":  # signed with the client secret, as if it were a key
			from joserfc.jwk import OctKey

			return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(self.client_secret.encode()))
		key = self._new_key() if login.get("unpublished_key") else self.keys[0]
		return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

	# HTTP ----------------------------------------------------------------------------------------

	def _handler(self):
		provider = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def answer(self, status, body, content_type="application/json", headers=()):
				data = body if isinstance(body, bytes) else json.dumps(body).encode()
				self.send_response(status)
				self.send_header("Content-Type", content_type)
				self.send_header("Content-Length", str(len(data)))
				for name, value in headers:
					self.send_header(name, value)
				self.end_headers()
				self.wfile.write(data)

			def redirect_with_code(self, request, login):
				code = provider.issue_code(request, login)
				target = request["redirect_uri"] + "?" + urlencode({"code": code, "state": request["state"]})
				self.answer(302, b"", "text/plain", [("Location", target)])

			def do_GET(self):
				url = urlsplit(self.path)
				query = {key: values[0] for key, values in parse_qs(url.query).items()}
				if url.path == "/.well-known/openid-configuration":
					return self.answer(200, provider.configuration())
				if url.path == "/jwks":
					return self.answer(200, provider.jwks())
				if url.path == "/authorize":
					if query.get("client_id") != provider.client_id or not query.get("redirect_uri"):
						return self.answer(400, {"error": "invalid_request"})
					if provider.next_login is not None:
						login, provider.next_login = provider.next_login, None
						return self.redirect_with_code(query, login)
					return self.answer(200, login_page(query), "text/html; charset=utf-8")
				return self.answer(404, {"error": "not_found"})

			def do_POST(self):
				length = int(self.headers.get("Content-Length") or 0)
				form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
				path = urlsplit(self.path).path
				if path == "/token":
					status, body = provider.token(form, self.headers.get("Authorization"))
					return self.answer(status, body)
				if path == "/authorize":
					request = json.loads(form.get("request") or "{}")
					login = {
						"cpr": form.get("cpr", "").replace("-", ""),
						"name": form.get("name") or "Test Borger",
					}
					login["loa"] = form.get("loa") or "Substantial"
					return self.redirect_with_code(request, login)
				return self.answer(404, {"error": "not_found"})

		return Handler


def login_page(request: dict) -> bytes:
	"""The demo's stand-in for the MitID app: who logs in, and at which level."""
	hidden = html.escape(json.dumps(request), quote=True)
	return f"""<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Test-MitID</title></head><body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
<h1>Test-MitID</h1><p>Kun til demo og test: ingen rigtig MitID. Skriv CPR-nummeret på en borger i demoen.</p>
<form method="post" action="/authorize"><input type="hidden" name="request" value="{hidden}">
<p><label>CPR-nummer<br><input name="cpr" required pattern="[0-9]{{6}}-?[0-9]{{4}}" autocomplete="off"></label></p>
<p><label>Navn<br><input name="name" value="Test Borger"></label></p>
<p><label>Sikringsniveau<br><select name="loa"><option>Substantial</option><option>High</option>
<option>Low</option></select></label></p><p><button type="submit">Log ind</button></p></form></body></html>""".encode()


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--port", type=int, default=8091)
	parser.add_argument("--client-id", default="borgerbudget-demo")
	parser.add_argument("--client-secret", default="demo-secret")
	args = parser.parse_args()
	provider = Provider(args.client_id, args.client_secret, args.port)
	print(
		f"Test MitID provider at {provider.issuer} (client id {args.client_id}); Ctrl-C stops it.", flush=True
	)
	try:
		provider.server.serve_forever()
	except KeyboardInterrupt:
		provider.server.server_close()


if __name__ == "__main__":
	main()
