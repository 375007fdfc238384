"""Measured accessibility (WCAG 2.1 AA): what is known not to comply, and the measured results that
the accessibility statement (`www/tilgaengelighed`) is generated from.

`measured.json` beside this file is written by tests/integration/test_accessibility.py
(BB_A11Y_RECORD=1) after a real run of axe-core in Chromium, and committed."""

import json
import os

MEASURED = os.path.join(os.path.dirname(__file__), "measured.json")

# What the app knows does not comply and cannot fix in its own pages, each with the axe rule and the
# exact element the test leaves out for it. `reason` is English source text, translated on the page.
KNOWN_NONCOMPLIANCE: tuple[dict, ...] = ()


def excluded(rule, target):
	"""The known non-compliance that covers axe's `rule` on the element `target`, or None."""
	for known in KNOWN_NONCOMPLIANCE:
		if known["rule"] == rule and target in known["selectors"]:
			return known
	return None


def load_measured():
	"""The last committed measurement, or None when there is none yet."""
	if not os.path.exists(MEASURED):
		return None
	with open(MEASURED, encoding="utf-8") as file:
		return json.load(file)
