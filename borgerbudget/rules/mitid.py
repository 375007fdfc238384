"""MitID logins: the assurance level a broker reports, and whether it is enough."""

from __future__ import annotations

# NSIS levels of assurance, weakest first.
LOW, SUBSTANTIAL, HIGH = "low", "substantial", "high"
LEVELS = (LOW, SUBSTANTIAL, HIGH)

# What a login ended in (the MitID Login log).
LOGGED_IN = "Logged in"
NOT_REGISTERED = "Not registered"
REFUSED = "Refused"
RESULTS = (LOGGED_IN, NOT_REGISTERED, REFUSED)


def assurance_level(value: object) -> str | None:
	"""The NSIS level in a broker's `loa` / `acr` value, whichever way the broker spells it:
	NemLog-in's "https://data.gov.dk/concept/core/nsis/loa/Substantial", a URN such as
	"urn:grn:authn:dk:mitid:substantial", or the bare word. None when it names no level."""
	if not isinstance(value, str) or not value.strip():
		return None
	last = value.strip().replace(":", "/").rstrip("/").rsplit("/", 1)[-1].lower()
	return last if last in LEVELS else None


def enough(level: str | None, required: str) -> bool:
	"""Whether a login at `level` meets the site's `required` level."""
	return level in LEVELS and LEVELS.index(level) >= LEVELS.index(required.lower())
