"""Measured accessibility: axe-core (WCAG 2.1 A and AA rules) in a real headless Chromium on every
citizen page (portal.CITIZEN_PAGES) and every caseworker web form (portal.STAFF_WEB_FORMS), at a
phone's 390×844 and a laptop's 1280×800, in the states each page has (empty, filled, with errors,
submitted). Prints the count of violations by rule and impact for each page; fails on any of impact
serious or critical that is not a known non-compliance (borgerbudget/accessibility). Reflow: at 320
CSS px (200 % zoom on a 640 px window) no citizen page scrolls sideways.

Screenshots of each page at both sizes go to sites/test-artefacts/a11y/ (the test prints where).
BB_A11Y_RECORD=1 also writes the counts to borgerbudget/accessibility/measured.json, which the
accessibility statement is generated from."""

import json
import os
import re
import shutil
import subprocess
from collections import Counter

import frappe
import pytest
from frappe.utils import now_datetime

from borgerbudget import accessibility, portal, rules
from tests.integration.browser import CHROMIUM, chromium, needs_chromium
from tests.integration.conftest import SITES_PATH
from tests.integration.factories import (
	TEST_PASSWORD,
	approved_plan,
	complete,
	make_enrolled,
	make_programme,
	plan_of,
	remove_programme,
	submitted_plan,
	user,
)

axe_selenium_python = pytest.importorskip(
	"axe_selenium_python",
	reason="axe-selenium-python is not installed in the bench (scripts/test installs it)",
)
pytestmark = needs_chromium

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

SIZES = ((390, 844), (1280, 800))
REFLOW = (320, 640)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")
ARTEFACTS = os.path.join(SITES_PATH, "test-artefacts", "a11y")
# Each reflow check of the run: (page, what was found), for the record.
REFLOWED = []


@pytest.fixture(scope="module")
def browser(server_url):
	driver = chromium(server_url, "--window-size=1280,800")
	driver.implicitly_wait(0)
	driver.set_script_timeout(60)
	yield driver
	driver.quit()


@pytest.fixture(scope="module")
def cases(site):
	"""The records the pages show (committed, removed afterwards): a new plan of the browser citizen,
	an approved one with a bus card advanced to them, and a submitted plan of caseworker A's team."""
	from borgerbudget import accounting

	frappe.set_user("Administrator")
	keep = {
		key: frappe.db.get_value("User", user(key), "language") for key in ("citizen_browser", "caseworker_a")
	}
	for key in keep:
		frappe.db.set_value("User", user(key), "language", "da")
	new_programme, other_programme, team_programme = make_programme(), make_programme(), make_programme()
	participant = make_enrolled(new_programme, user=user("citizen_browser"))
	plan = plan_of(participant)
	plan.motivation = ""
	plan.lines = []
	plan.save()
	approved = approved_plan(
		other_programme,
		lines=[
			{
				"description": "Buskort",
				"amount": 600,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			},
			{"description": "Truckkursus", "amount": 4000},
		],
		user=user("citizen_browser"),
	)
	frappe.set_user(user("caseworker_a"))
	advance = frappe.get_doc(
		{
			"doctype": "Budget Advance",
			"budget_plan": approved.name,
			"budget_line": approved.lines[0].name,
			"amount": 600,
		}
	).insert()
	frappe.set_user(user("finance"))
	payment = accounting.make_advance_payment(advance.name)
	payment.insert()
	payment.submit()
	frappe.set_user("Administrator")
	submitted = submitted_plan(team_programme)
	frappe.set_user("Administrator")
	frappe.db.commit()
	yield frappe._dict(
		participant=participant.name,
		plan=plan.name,
		approved=approved.name,
		approval=frappe.db.get_value("Budget Plan Approval", {"budget_plan": approved.name}),
		advance=advance.name,
		bus_card=approved.lines[0].name,
		submitted=submitted.name,
		team_participant=submitted.participant,
	)
	frappe.set_user("Administrator")
	frappe.db.rollback()
	for programme in (new_programme, other_programme, team_programme):
		remove_programme(programme.name)
	for key, language in keep.items():
		frappe.db.set_value("User", user(key), "language", language)
	frappe.db.commit()


@pytest.fixture(scope="module")
def results():
	"""Every measurement of the run; printed, written as artefacts, and recorded on request."""
	shutil.rmtree(ARTEFACTS, ignore_errors=True)
	os.makedirs(ARTEFACTS)
	measured = []
	yield measured
	report = {
		"measured_on": str(now_datetime().date()),
		"method": "axe-core in Chromium (WCAG 2.1 A and AA rules)",
		# The keyboard-only test of the plan, part of every run of the suite.
		"keyboard_test": "tests/integration/test_citizen_pages_browser.py::"
		"test_the_citizen_completes_a_plan_with_the_keyboard_alone",
		"axe_version": measured[0]["axe_version"] if measured else None,
		"browser": chromium_version(),
		# Reflow (WCAG 1.4.10): the pages checked at 320 CSS px, and those that scrolled sideways.
		"reflow": {
			"width": REFLOW[0],
			"pages": sorted({page for page, _found in REFLOWED}),
			"failing": sorted({f"{page}: {found}" for page, found in REFLOWED if found is not True}),
		},
		"known_noncompliance": [
			{key: known[key] for key in ("rule", "selectors", "where", "reason")}
			for known in accessibility.KNOWN_NONCOMPLIANCE
		],
		"pages": [{key: value for key, value in row.items() if key != "axe_version"} for row in measured],
	}
	path = os.path.join(ARTEFACTS, "measured.json")
	with open(path, "w", encoding="utf-8") as file:
		json.dump(report, file, indent=1, ensure_ascii=False)
	if os.environ.get("BB_A11Y_RECORD"):
		with open(accessibility.MEASURED, "w", encoding="utf-8") as file:
			json.dump(report, file, indent=1, ensure_ascii=False)
			file.write("\n")
	print(f"\nAccessibility artefacts (screenshots, measured.json): {ARTEFACTS}")


def chromium_version():
	try:
		return subprocess.run(
			[CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
		).stdout.strip()
	except (OSError, subprocess.SubprocessError):
		return None


def log_in(driver, key):
	driver.delete_all_cookies()
	driver.get(driver.base_url + "/login")
	wait(driver, lambda d: d.find_elements(By.ID, "login_email"))
	driver.find_element(By.ID, "login_email").send_keys(user(key))
	driver.find_element(By.ID, "login_password").send_keys(TEST_PASSWORD)
	driver.find_element(By.CSS_SELECTOR, ".btn-login").click()
	wait(driver, lambda d: "/login" not in d.current_url)


def wait(driver, condition, timeout=30):
	return WebDriverWait(driver, timeout).until(condition)


def settled(driver):
	"""The page has loaded, frappe's web form (if any) has drawn itself and no animation runs."""
	return driver.execute_script(
		"""return document.readyState === 'complete'
		&& !(window.jQuery && jQuery(':animated').length)
		&& !(window.frappe && frappe.web_form_doc && !document.querySelector('.web-form, .web-list-table table, .web-list-table .no-result'))
		&& !(document.querySelector('.modal.fade:not(.show)[style*="display: block"]'))"""
	)


def set_viewport(driver, width, height):
	driver.execute_cdp_cmd(
		"Emulation.setDeviceMetricsOverride",
		{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
	)


def run_axe(driver):
	axe_selenium_python.Axe(driver).inject()
	return driver.execute_async_script(
		"const done = arguments[arguments.length - 1];"
		"axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
		".then((r) => done({version: axe.version, violations: r.violations}), (e) => done({error: String(e)}));",
		TAGS,
	)


def measure(driver, results, page, state, prepare=None):
	"""Open `page` at each size, bring it to `state`, run axe; screenshots as artefacts."""
	for width, height in SIZES:
		set_viewport(driver, width, height)
		driver.get(driver.base_url + page)
		wait(driver, settled)
		if prepare:
			prepare(driver)
			wait(driver, settled)
		driver.execute_script("window.scrollTo(0, 0)")
		answer = run_axe(driver)
		assert "error" not in answer, answer
		violations, excluded = {}, {}
		for violation in answer["violations"]:
			for node in violation["nodes"]:
				target = " ".join(str(part) for part in node["target"])
				into = excluded if accessibility.excluded(violation["id"], target) else violations
				entry = into.setdefault(
					violation["id"], {"impact": violation["impact"], "nodes": 0, "targets": []}
				)
				entry["nodes"] += 1
				if len(entry["targets"]) < 5:
					entry["targets"].append(target)
		name = re.sub(r"[^a-z0-9]+", "-", f"{page}-{state}".lower()).strip("-")
		driver.save_screenshot(os.path.join(ARTEFACTS, f"{name}-{width}x{height}.png"))
		results.append(
			{
				"page": page_label(page),
				"state": state,
				"size": f"{width}x{height}",
				"violations": violations,
				"excluded": excluded,
				"axe_version": answer["version"],
			}
		)
		counts = (
			", ".join(f"{rule} ({v['impact']}): {v['nodes']}" for rule, v in violations.items()) or "none"
		)
		print(f"{page} [{state}] {width}x{height}: {counts}")


# Elements that cut their content off sideways (overflow hidden or clip, or an ellipsis), which
# hides content as surely as scrolling the page: an element that is hidden on purpose (display,
# visibility, a screen-reader-only text of 1 px) is not counted, nor a form control, whose value
# scrolls inside it as one types.
CLIPPED = """return [...document.querySelectorAll('body *:not(input, textarea, select)')].filter((e) => {
	const s = getComputedStyle(e);
	if (s.display === 'none' || s.visibility === 'hidden' || e.closest('[hidden], [aria-hidden=true]')) return false;
	if (e.clientWidth <= 1 || e.getClientRects().length === 0) return false;
	const cuts = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
	return cuts && e.scrollWidth > e.clientWidth + 1;
}).map((e) => e.tagName.toLowerCase() + [...e.classList].map((c) => '.' + c).join('')).slice(0, 5);"""


def reflows(driver, page, prepare=None):
	"""At 320 CSS px the page does not scroll sideways, and cuts nothing off sideways."""
	set_viewport(driver, *REFLOW)
	driver.get(driver.base_url + page)
	wait(driver, settled)
	if prepare:
		prepare(driver)
		wait(driver, settled)
	widths = driver.execute_script(
		"return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
	)
	clipped = driver.execute_script(CLIPPED)
	name = re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-") + ("-" + prepare.__name__ if prepare else "")
	driver.save_screenshot(os.path.join(ARTEFACTS, name.replace("_", "-") + "-320.png"))
	found = (widths[0] <= widths[1] and not clipped) or (
		f"{page}: {widths[0]} px wide in a {widths[1]} px window"
		+ (f", cut off: {clipped}" if clipped else "")
	)
	REFLOWED.append((page_label(page), found))
	return found


def page_label(page):
	"""The page without its query and record names, as measured.json and the statement name it."""
	return re.sub(r"/[A-Z][A-Z0-9-]*-\d+(?=/|$)", "/<name>", page.split("?")[0])


def save_with_errors(driver):
	"""Save the form as it is: an empty row or an empty required field, and frappe's message."""
	driver.execute_script("document.querySelector('.web-form-footer .submit-btn').click()")
	wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".modal.show .modal-body"))


def add_empty_line(driver):
	driver.execute_script(
		"document.querySelector('.web-form [data-fieldname=\"lines\"] .grid-add-row').click()"
	)
	save_with_errors(driver)


def refused_line(driver):
	"""The line form on the plan page, sent with an amount over the maximum: the server refuses, and
	the form shows it at the amount."""
	driver.execute_script(
		"""document.querySelector('[data-add-line]').click();
		const form = document.getElementById('bb-line-form');
		form.querySelector('[name=description]').value = 'Lastbil';
		form.querySelector('[name=amount]').value = '9999999';
		form.querySelectorAll('[data-step]').forEach(() => form.querySelector('[data-step-next]:not([hidden]), [data-step-save]:not([hidden])').click());"""
	)
	wait(driver, lambda d: d.find_element(By.ID, "bb-line-error").text)


def open_delete_dialog(driver):
	driver.execute_script("document.querySelector('[data-remove-line]').click()")
	wait(driver, lambda d: d.execute_script("return document.getElementById('bb-confirm-delete').open"))


def fill_change(driver, amount="700"):
	"""The change form to its last step: the course's amount, and why."""
	driver.execute_script(
		"""const form = document.getElementById('bb-change-form');
		form.querySelectorAll('[name=choice]')[1].checked = true;
		form.querySelector('[name=amount]').value = arguments[0];
		form.querySelector('[name=reason]').value = 'Buskortet er blevet dyrere.';
		for (let i = 0; i < 3; i++) form.querySelector('[data-step-next]:not([hidden])')?.click();""",
		amount,
	)
	wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#bb-change-form [data-step-save]").is_displayed())


def refused_change(driver):
	fill_change(driver, "9999999")
	driver.execute_script("document.querySelector('#bb-change-form [data-step-save]').click()")
	wait(driver, lambda d: d.find_element(By.ID, "bb-change-error").text)


def visited(results, page):
	return any(row["page"] == page or row["page"].startswith(page + "/") for row in results)


def failures(results):
	return [
		f"{row['page']} [{row['state']}] {row['size']}: {rule} ({violation['impact']}) at {violation['targets']}"
		for row in results
		for rule, violation in row["violations"].items()
		if violation["impact"] in FAILING
	]


def test_every_page_passes_axe_at_both_sizes_and_reflows(browser, cases, results):
	driver = browser
	assert set(portal.CITIZEN_PAGES) >= {
		"/my-plan",
		"/my-change",
		"/my-budget-plan",
		"/my-receipts",
		"/plan-change",
		"/tilgaengelighed",
	}
	# Pages checked for reflow at the end, and the results of states checked as they are reached.
	reflow_pages, reflow = [], []

	# Pages anyone reaches, before logging in.
	measure(driver, results, "/tilgaengelighed", "read")
	measure(driver, results, "/mitid?status=not-registered", "error")
	reflow_pages += ["/tilgaengelighed", "/mitid?status=not-registered"]

	log_in(driver, "citizen_browser")
	plan = f"/my-budget-plan/{cases.plan}/edit"
	measure(driver, results, plan, "empty")
	measure(driver, results, plan, "with errors", add_empty_line)
	my_plan = f"/my-plan?plan={cases.plan}"
	measure(driver, results, my_plan, "empty")
	measure(driver, results, my_plan, "with errors", refused_line)
	frappe.db.rollback()
	doc = complete(frappe.get_doc("Budget Plan", cases.plan))
	doc.save()
	frappe.db.commit()
	measure(driver, results, plan, "filled")
	measure(driver, results, my_plan, "filled")
	measure(driver, results, my_plan, "dialog", open_delete_dialog)
	reflow_pages += [plan, my_plan]
	reflow += [reflows(driver, my_plan, refused_line), reflows(driver, my_plan, open_delete_dialog)]
	measure(driver, results, f"/my-budget-plan/{cases.approved}/edit", "approved")
	measure(driver, results, "/my-receipts/list", "list")
	measure(driver, results, f"/my-receipts/{cases.advance}/edit", "filled")
	my_change = f"/my-change?plan={cases.approved}"
	measure(driver, results, my_change, "empty")
	measure(driver, results, my_change, "filled", fill_change)
	measure(driver, results, my_change, "with errors", refused_change)
	reflow.append(reflows(driver, my_change, refused_change))
	# A change asked for: the page lists it with its state; the old web form's edit route shows it.
	frappe.db.rollback()
	frappe.set_user(user("citizen_browser"))
	request = portal.ask_for_change(
		cases.approved,
		{"action": "amount", "line": cases.bus_card, "amount": 700, "reason": "Buskortet er dyrere."},
	)
	frappe.set_user("Administrator")
	frappe.db.commit()
	measure(driver, results, my_change, "submitted")
	change = f"/plan-change/{request}/edit"
	measure(driver, results, change, "filled")
	measure(driver, results, "/my-email", "filled")
	measure(driver, results, "/my-representatives", "empty")
	measure(driver, results, "/act-for", "empty")
	measure(driver, results, "/my-data", "filled")
	reflow_pages += [
		f"/my-budget-plan/{cases.approved}/edit",
		"/my-receipts/list",
		f"/my-receipts/{cases.advance}/edit",
		change,
		my_change,
		"/my-email",
		"/my-representatives",
		"/act-for",
		"/my-data",
	]
	# Submitted: the plan as the citizen sees it afterwards, no longer to be changed.
	frappe.db.rollback()
	frappe.set_user(user("citizen_browser"))
	frappe.get_doc("Budget Plan", cases.plan).submit_for_assessment()
	frappe.set_user("Administrator")
	frappe.db.commit()
	measure(driver, results, f"/my-budget-plan/{cases.plan}", "submitted")
	measure(driver, results, my_plan, "submitted")
	reflow_pages.append(f"/my-budget-plan/{cases.plan}")
	# Any other page of portal.CITIZEN_PAGES (a new page joins by being listed there): as it opens.
	for page in portal.CITIZEN_PAGES:
		if not visited(results, page):
			measure(driver, results, page, "opened")
			reflow_pages.append(page)
	reflow += [reflows(driver, page) for page in reflow_pages]

	log_in(driver, "caseworker_a")
	for route in portal.STAFF_WEB_FORMS:
		measure(driver, results, f"{route}/list", "list")
	measure(driver, results, f"/budget-plan/{cases.submitted}/edit", "submitted")
	measure(driver, results, f"/plan-assessment/new?budget_plan={cases.submitted}", "empty")
	measure(driver, results, "/plan-assessment/new", "with errors", save_with_errors)
	measure(driver, results, f"/plan-assessment/{cases.approval}", "submitted")
	measure(driver, results, "/approval-vote/new", "empty")
	measure(driver, results, "/approval-vote/new", "with errors", save_with_errors)
	measure(driver, results, "/participant-registration/new", "empty")
	measure(driver, results, "/participant-registration/new", "with errors", save_with_errors)
	measure(driver, results, f"/participant-registration/{cases.team_participant}/edit", "filled")
	# Reflow on the caseworkers' web forms too: their lists, forms and tables at 320 CSS px.
	staff_reflow = [
		*(f"{route}/list" for route in portal.STAFF_WEB_FORMS),
		f"/budget-plan/{cases.submitted}/edit",
		f"/plan-assessment/new?budget_plan={cases.submitted}",
		f"/plan-assessment/{cases.approval}",
		"/approval-vote/new",
		"/participant-registration/new",
		f"/participant-registration/{cases.team_participant}/edit",
	]
	reflow += [reflows(driver, page) for page in staff_reflow]
	reflow += [reflows(driver, "/plan-assessment/new", save_with_errors)]

	print("\nViolations by rule and impact, all pages:")
	total = Counter()
	for row in results:
		for rule, violation in row["violations"].items():
			total[(rule, violation["impact"])] += violation["nodes"]
	for (rule, impact), count in sorted(total.items()):
		print(f"  {rule} ({impact}): {count}")
	problems = failures(results)
	assert not problems, "serious or critical axe violations:\n" + "\n".join(problems)
	assert [r for r in reflow if r is not True] == []
	assert [page for page in portal.CITIZEN_PAGES if not visited(results, page)] == []
