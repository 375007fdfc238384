"""The accessibility statement (tilgængelighedserklæring), in the structure of Digitaliseringsstyrelsen's
template, generated from the measured results (borgerbudget/accessibility/measured.json)."""

import frappe
from frappe import _
from frappe.utils import format_date, get_url

from borgerbudget import accessibility

no_cache = 1

# WCAG 2.1 success criteria of the axe rules that can show up here, for the list of what does not comply.
CRITERIA = {
	"color-contrast": "1.4.3",
	"label": "1.3.1, 4.1.2",
	"aria-required-children": "1.3.1",
	"aria-required-parent": "1.3.1",
	"list": "1.3.1",
	"listitem": "1.3.1",
	"link-name": "2.4.4, 4.1.2",
	"button-name": "4.1.2",
	"select-name": "4.1.2",
	"aria-input-field-name": "4.1.2",
	"aria-allowed-attr": "4.1.2",
	"nested-interactive": "4.1.2",
	"meta-viewport": "1.4.4",
	"html-has-lang": "3.1.1",
	"document-title": "2.4.2",
	"scrollable-region-focusable": "2.1.1",
}


# The states the test measures a page in, named on the (Danish) page.
STATES = {
	"empty": "tom",
	"filled": "udfyldt",
	"with errors": "med fejl",
	"submitted": "sendt",
	"approved": "godkendt",
	"list": "liste",
	"read": "læst",
	"error": "fejlbesked",
	"opened": "åbnet",
	"dialog": "med spørgsmål før sletning",
}


def get_context(context):
	measured = accessibility.load_measured() or {}
	pages = {}
	for row in measured.get("pages", []):
		page = pages.setdefault(row["page"], {"page": row["page"], "states": set(), "serious": 0, "other": 0})
		page["states"].add(STATES.get(row["state"], row["state"]))
		for violation in row["violations"].values():
			key = "serious" if violation["impact"] in ("serious", "critical") else "other"
			page[key] += violation["nodes"]
	context.pages = [{**page, "states": ", ".join(sorted(page["states"]))} for page in pages.values()]
	context.known = [
		{**known, "reason": _(known["reason"]), "criteria": CRITERIA.get(known["rule"], "")}
		for known in measured.get("known_noncompliance", [])
	]
	context.failing = sum(page["serious"] for page in context.pages)
	context.complies = bool(measured) and not context.known and not context.failing
	context.measured_on = measured.get("measured_on") and format_date(measured["measured_on"], "d. MMMM yyyy")
	context.axe_version = measured.get("axe_version")
	# Said only when a keyboard-only browser test was part of the measured run.
	context.keyboard_test = measured.get("keyboard_test")
	# Reflow (WCAG 1.4.10): how many pages were checked at 320 CSS px, and any that failed.
	reflow = measured.get("reflow") or {}
	context.reflow_width = reflow.get("width")
	context.reflow_pages = len(reflow.get("pages") or [])
	context.reflow_failing = reflow.get("failing") or []
	context.complies = context.complies and not context.reflow_failing
	context.body_name = (
		frappe.db.get_single_value("Website Settings", "app_name")
		or frappe.defaults.get_global_default("company")
		or _("The municipality")
	)
	context.site = get_url()
	context.contact = frappe.db.get_single_value("Contact Us Settings", "email_id")
	context.title = "Tilgængelighedserklæring"
	context.no_breadcrumbs = True
	return context
