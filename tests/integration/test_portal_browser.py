"""The citizen's portal in a real headless Chromium on a phone-sized screen: log in, write the
motivation, add a budget line with a quote attached, save, and submit for assessment."""

import os
import tempfile

import frappe
import pytest
from frappe.utils import formatdate

from borgerbudget import rules
from tests.integration import factories
from tests.integration.browser import (  # noqa: F401 (skips without selenium)
	CHROMIUM,
	chromium,
	needs_chromium,
)
from tests.integration.factories import TEST_PASSWORD, complete, make_enrolled, make_programme, plan_of, user

pytestmark = needs_chromium

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture
def browser(server_url):
	driver = chromium(server_url, "--window-size=390,844", logging=True)  # a phone
	driver.implicitly_wait(10)
	yield driver
	driver.save_screenshot(os.path.join(tempfile.gettempdir(), "borgerbudget-portal-last.png"))
	driver.quit()


@pytest.fixture
def citizen_plan(site):
	frappe.set_user("Administrator")
	frappe.db.set_value("User", user("citizen_browser"), "language", "da")
	participant = make_enrolled(make_programme(), user=user("citizen_browser"))
	plan = complete(plan_of(participant))
	plan.motivation = ""
	plan.lines = []
	plan.save()
	frappe.db.commit()
	yield plan
	frappe.set_user("Administrator")
	for file in frappe.get_all("File", filters={"attached_to_name": plan.name}, pluck="name"):
		frappe.delete_doc("File", file, force=True)
	frappe.delete_doc("Budget Plan", plan.name, force=True)
	frappe.delete_doc("Participant", participant.name, force=True)
	frappe.db.commit()


def log_in(driver, key):
	driver.get(driver.base_url + "/login")
	driver.find_element(By.ID, "login_email").send_keys(user(key))
	driver.find_element(By.ID, "login_password").send_keys(TEST_PASSWORD)
	click(driver, driver.find_element(By.CSS_SELECTOR, ".btn-login"))
	WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)


def wait_for(driver, css, timeout=20):
	return WebDriverWait(driver, timeout).until(
		expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, css))
	)


def click(driver, element):
	# Frappe scrolls the page with jQuery animations (a grid row closing scrolls back to it): a click
	# made while one runs lands where the element was a moment ago, and is lost.
	WebDriverWait(driver, 10).until(
		lambda d: not d.execute_script("return window.jQuery ? jQuery(':animated').length : 0")
	)
	driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
	element.click()


def fill(container, fieldname, value, tag="input"):
	field = container.find_element(By.CSS_SELECTOR, f'[data-fieldname="{fieldname}"] {tag}')
	field.clear()
	field.send_keys(value)
	return field


def save_web_form(driver):
	"""Save the web form and wait for its success page; a message the form shows instead fails the test with its text."""
	click(driver, driver.find_element(By.CSS_SELECTOR, ".web-form-footer .submit-btn"))

	def outcome(d):
		if (
			d.find_elements(By.CSS_SELECTOR, ".success-page")
			and d.find_element(By.CSS_SELECTOR, ".success-page").is_displayed()
		):
			return "saved"
		shown = [
			m.text for m in d.find_elements(By.CSS_SELECTOR, ".modal.show .modal-body") if m.text.strip()
		]
		return shown and " | ".join(shown)

	driver.implicitly_wait(0)
	try:
		result = WebDriverWait(driver, 30).until(outcome)
	except TimeoutException:
		result = (
			"neither saved nor a message: "
			+ repr(
				driver.execute_script(
					"return {saving: window.saving, dirty: frappe.form_dirty, errors: $('.has-error').map((i, e) => $(e).attr('data-fieldname')).get()}"
				)
			)
			+ repr(driver.get_log("browser"))
		)
	finally:
		driver.implicitly_wait(10)
	assert result == "saved", result


def attach(driver, form, table, fieldname, path):
	"""Upload a small PDF into the open grid row's attach field, as a person does."""
	# Distinct contents: frappe reuses an existing file with the same content, under its name.
	path.write_bytes(f"%PDF-1.4\n% {path.name} {frappe.generate_hash(length=8)}\n".encode())
	click(driver, form.find_element(By.CSS_SELECTOR, f'[data-fieldname="{fieldname}"] button'))
	file_input = WebDriverWait(driver, 20).until(
		lambda d: d.find_element(By.CSS_SELECTOR, '.modal.show input[type="file"]')
	)
	file_input.send_keys(str(path))
	click(driver, wait_for(driver, ".modal.show .modal-footer .btn-primary"))
	# The uploader sets the row's value when the upload is done; its dialog may or may not close by itself.
	WebDriverWait(driver, 30).until(
		lambda d: (
			d.execute_script(
				f"return frappe.web_form.fields_dict.{table}.grid.get_data().slice(-1)[0].{fieldname} || ''"
			)
		).startswith(f"/private/files/{path.stem}")
	)
	for close in driver.find_elements(By.CSS_SELECTOR, ".modal.show .modal-header button"):
		click(driver, close)
	WebDriverWait(driver, 10).until_not(lambda d: d.find_elements(By.CSS_SELECTOR, ".modal.show"))


def fill_cell(driver, form, table, fieldname, value, tag="input", index=-1, expected=None):
	"""Type into a field of the open grid row and leave it, as a person does, until the form's data
	holds the value (`expected`, or any). frappe takes typed input in after a debounce or when the
	field loses focus; on a busy machine a late debounce can undo the typing, so it is typed again."""
	script = f"return frappe.web_form.fields_dict.{table}.grid.get_data().at({index}).{fieldname}"
	for _attempt in range(3):
		fill(form, fieldname, value, tag).send_keys(Keys.TAB)
		try:
			WebDriverWait(driver, 5).until(
				lambda d: d.execute_script(script) == expected
				if expected is not None
				else d.execute_script(script)
			)
			return
		except TimeoutException:
			continue
	pytest.fail(f"{table} row {index}: {fieldname} did not take {value!r}")


def last_line(driver):
	return driver.execute_script("return frappe.web_form.fields_dict.lines.grid.get_data().slice(-1)[0]")


def choose_category(driver, form, value):
	"""Type into the link field and pick the suggestion, as a person does (again if the list was slow
	or still showed an earlier search)."""
	field = form.find_element(By.CSS_SELECTOR, '[data-fieldname="category"] input')
	options = '.form-in-grid [data-fieldname="category"] [role="option"]'
	for _attempt in range(3):
		click(driver, field)
		field.clear()
		field.send_keys(value)
		try:
			# Enter takes the first suggestion: wait until that is the one asked for.
			WebDriverWait(driver, 5).until(
				lambda d: (first := d.find_elements(By.CSS_SELECTOR, options))
				and first[0].text.startswith(value)
			)
			field.send_keys(Keys.ENTER)
			WebDriverWait(driver, 5).until(lambda d: last_line(d).get("category") == value)
			return
		except (TimeoutException, StaleElementReferenceException):
			continue
	pytest.fail(f"could not choose the category {value}")


def test_citizen_writes_and_submits_a_plan_on_a_phone(browser, citizen_plan, tmp_path):
	driver = browser
	log_in(driver, "citizen_browser")

	# The web form stays for old links; the citizen's own page is tested in test_citizen_pages_browser.py.
	driver.get(driver.base_url + f"/my-budget-plan/{citizen_plan.name}/edit")
	summary = wait_for(driver, ".budget-plan-summary")
	assert "50.000" in summary.text or "50,000" in summary.text
	assert "I alt" in summary.text  # Danish

	fill(driver, "motivation", "Jeg vil køre lastbil, og kørekortet er vejen dertil.", "textarea")

	lines = driver.find_element(By.CSS_SELECTOR, '.web-form [data-fieldname="lines"]')
	click(driver, lines.find_element(By.CSS_SELECTOR, ".grid-add-row"))
	row = lines.find_elements(By.CSS_SELECTOR, ".grid-body .grid-row")[-1]
	click(driver, row.find_element(By.CSS_SELECTOR, ".row-index"))
	form = wait_for(driver, ".grid-row-open .form-in-grid")
	fill_cell(driver, form, "lines", "description", "Kørekort kategori C")
	choose_category(driver, form, "Kørekort")
	fill_cell(driver, form, "lines", "amount", "24500", expected=24500)
	fill_cell(driver, form, "lines", "need_date", formatdate(citizen_plan.course_start_date))
	fill_cell(driver, form, "lines", "goal", "A job in a warehouse")
	fill_cell(driver, form, "lines", "theory_of_change", "Med kørekort kan jeg søge chaufførjob.", "textarea")

	attach(driver, form, "lines", "quote", tmp_path / "tilbud.pdf")

	save_web_form(driver)
	frappe.db.rollback()
	saved = frappe.get_doc("Budget Plan", citizen_plan.name)
	assert saved.motivation.startswith("Jeg vil køre lastbil")
	[line] = saved.lines
	assert (line.description, line.category, line.amount) == ("Kørekort kategori C", "Kørekort", 24500)
	assert saved.total_amount == 24500
	file = frappe.get_doc("File", {"file_url": line.quote})
	assert (file.is_private, file.attached_to_doctype, file.attached_to_name) == (
		1,
		"Budget Plan",
		saved.name,
	)

	driver.get(driver.base_url + f"/my-budget-plan/{citizen_plan.name}/edit")
	click(driver, wait_for(driver, ".submit-for-assessment"))
	click(driver, wait_for(driver, ".modal.show .btn-primary"))
	WebDriverWait(driver, 30).until(
		lambda d: (
			frappe.db.rollback()
			or frappe.db.get_value("Budget Plan", citizen_plan.name, "status") == rules.plan.SUBMITTED
		)
	)


@pytest.fixture
def citizen_advance(site):
	"""An approved plan of the browser citizen with a bus card advanced to them (committed)."""
	from borgerbudget import accounting
	from tests.integration.factories import approved_plan, remove_programme

	frappe.set_user("Administrator")
	programme = make_programme()
	plan = approved_plan(
		programme,
		lines=[
			{
				"description": "Buskort",
				"amount": 600,
				"payment_route": rules.plan.REIMBURSEMENT,
				"category": "Transport",
			}
		],
		user=user("citizen_browser"),
	)
	frappe.set_user(user("caseworker_a"))
	advance = frappe.get_doc(
		{
			"doctype": "Budget Advance",
			"budget_plan": plan.name,
			"budget_line": plan.lines[0].name,
			"amount": 600,
		}
	).insert()
	frappe.set_user(user("finance"))
	payment = accounting.make_advance_payment(advance.name)
	payment.insert()
	payment.submit()
	frappe.set_user("Administrator")
	frappe.db.commit()
	yield frappe._dict(plan=plan.name, advance=advance.name)
	frappe.set_user("Administrator")
	frappe.db.rollback()
	remove_programme(programme.name)
	frappe.db.commit()


def test_citizen_sees_their_money_and_uploads_a_receipt(browser, citizen_advance, tmp_path):
	driver = browser
	log_in(driver, "citizen_browser")

	driver.get(driver.base_url + f"/my-budget-plan/{citizen_advance.plan}/edit")
	overview = wait_for(driver, ".payout-overview")
	assert "Dine penge" in overview.text and "Buskort" in overview.text
	assert "Kvittering senest" in overview.text  # "Receipt due by …", in Danish
	click(driver, overview.find_element(By.LINK_TEXT, "Upload kvitteringer"))
	WebDriverWait(driver, 20).until(
		lambda d: d.current_url.endswith(f"/my-receipts/{citizen_advance.advance}/edit")
	)

	receipts = wait_for(driver, '.web-form [data-fieldname="receipts"]')
	click(driver, receipts.find_element(By.CSS_SELECTOR, ".grid-add-row"))
	row = receipts.find_elements(By.CSS_SELECTOR, ".grid-body .grid-row")[-1]
	click(driver, row.find_element(By.CSS_SELECTOR, ".row-index"))
	form = wait_for(driver, ".grid-row-open .form-in-grid")
	fill_cell(driver, form, "receipts", "receipt_date", formatdate(frappe.utils.today()))
	fill_cell(driver, form, "receipts", "description", "Buskort for en måned")
	fill_cell(driver, form, "receipts", "amount", "450", expected=450)
	attach(driver, form, "receipts", "attachment", tmp_path / "kvittering.pdf")
	save_web_form(driver)

	frappe.db.rollback()
	advance = frappe.get_doc("Budget Advance", citizen_advance.advance)
	[row] = advance.receipts
	assert (row.description, row.amount) == ("Buskort for en måned", 450)
	assert row.attachment.startswith("/private/files/kvittering")
	assert (advance.amount, advance.receipts_total, advance.status) == (
		600,
		450,
		rules.payout.AWAITING_RECEIPTS,
	)


@pytest.fixture
def citizen_approved_plan(site):
	"""An approved plan of the browser citizen with two lines (committed)."""
	from tests.integration.factories import approved_plan, remove_programme

	frappe.set_user("Administrator")
	frappe.db.set_value("User", user("citizen_browser"), "language", "da")
	programme = make_programme()
	plan = approved_plan(
		programme,
		lines=factories.course_and_bus_card(),
		user=user("citizen_browser"),
	)
	frappe.db.commit()
	yield plan.name
	frappe.set_user("Administrator")
	frappe.db.rollback()
	remove_programme(programme.name)
	frappe.db.commit()


def test_citizen_asks_for_a_change_to_the_approved_plan(browser, citizen_approved_plan):
	driver = browser
	log_in(driver, "citizen_browser")

	# The old plan form's link, and the old web form's new request, lead to the change page.
	driver.get(driver.base_url + f"/my-budget-plan/{citizen_approved_plan}/edit")
	click(driver, wait_for(driver, ".payout-overview").find_element(By.LINK_TEXT, "Bed om en ændring"))
	WebDriverWait(driver, 20).until(
		lambda d: d.current_url.endswith(f"/my-change?plan={citizen_approved_plan}")
	)
	driver.get(driver.base_url + f"/plan-change/new?budget_plan={citizen_approved_plan}")
	WebDriverWait(driver, 20).until(
		lambda d: d.current_url.endswith(f"/my-change?plan={citizen_approved_plan}")
	)

	# A request asked for on the page (tests/integration/test_citizen_pages_browser.py drives it),
	# with no line changed yet ...
	frappe.set_user(user("citizen_browser"))
	from borgerbudget.portal import ask_for_change

	name = ask_for_change(
		citizen_approved_plan, {"action": "other", "reason": "Buskortet koster mere end planlagt."}
	)
	frappe.set_user("Administrator")
	frappe.db.commit()
	request = frappe.get_doc("Budget Plan Amendment", name)
	assert [row.description for row in request.lines] == ["Truckkursus", "Buskort"]

	# ... whose lines an old link to the web form's edit route still changes.
	driver.get(driver.base_url + f"/plan-change/{request.name}/edit")
	assert (
		driver.find_element(By.CSS_SELECTOR, ".web-form-title h1").text == "Ændr min plan"
	)  # not "Change My Plan"
	lines = wait_for(driver, '.web-form [data-fieldname="lines"]')
	row = lines.find_elements(By.CSS_SELECTOR, ".grid-body .grid-row")[1]
	click(driver, row.find_element(By.CSS_SELECTOR, ".row-index"))
	form = wait_for(driver, ".grid-row-open .form-in-grid")
	fill_cell(driver, form, "lines", "amount", "900", index=1, expected=900)
	click(driver, driver.find_element(By.CSS_SELECTOR, ".grid-row-open .grid-collapse-row"))
	save_web_form(driver)
	# frappe's own words on the saved page, which frappe's Danish lacks.
	assert driver.find_element(By.CSS_SELECTOR, ".success-title").text == "Opdateret"
	assert driver.find_element(By.CSS_SELECTOR, ".success-message").text == "Din formular er opdateret"

	frappe.db.rollback()
	request = frappe.get_doc("Budget Plan Amendment", request.name)
	assert [(c.change, c.description, c.old_amount, c.new_amount) for c in request.changes] == [
		(rules.amendment.CHANGED, "Buskort", 600, 900)
	]
	assert request.docstatus == 0 and request.owner == user("citizen_browser")
	assert frappe.db.exists("ToDo", {"reference_name": request.name, "allocated_to": user("caseworker_a")})
