"""The citizen completes a plan on their own pages (/my-plan) in Debian's Chromium on a 390×844
phone: two budget lines with a quote each through the step-by-step form, all four parts, submit.
Once with clicks, once with the keyboard alone (Tab, Shift+Tab, Enter and Space, and typing).

Screenshots at 390×844 and 1280×800 are saved in $BB_ARTEFACTS, or else in the sites folder's
test-artefacts/portal/."""

import os

import frappe
import pytest
from frappe.utils import add_days

from borgerbudget import rules
from tests.integration import factories
from tests.integration.browser import (  # noqa: F401 (skips without selenium)
	CHROMIUM,
	chromium,
	needs_chromium,
)
from tests.integration.conftest import SITES_PATH
from tests.integration.factories import (
	TEST_PASSWORD,
	make_enrolled,
	make_programme,
	plan_of,
	remove_programme,
	user,
)

pytestmark = needs_chromium

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ARTEFACTS = os.environ.get("BB_ARTEFACTS") or os.path.join(SITES_PATH, "test-artefacts", "portal")
PHONE, DESKTOP = (390, 844), (1280, 800)


@pytest.fixture
def browser(server_url):
	driver = chromium(server_url, "--force-device-scale-factor=1")
	driver.set_window_size(*PHONE)
	driver.implicitly_wait(10)
	os.makedirs(ARTEFACTS, exist_ok=True)
	yield driver
	driver.quit()


@pytest.fixture
def fresh_plan(site):
	"""An empty draft plan of the browser citizen, who reads Danish (committed)."""
	frappe.set_user("Administrator")
	frappe.db.set_value("User", user("citizen_browser"), "language", "da")
	programme = make_programme(maximum_per_participant=50000)
	plan = plan_of(
		make_enrolled(programme, assigned_caseworker=user("caseworker_a"), user=user("citizen_browser"))
	)
	frappe.db.commit()
	yield plan
	frappe.set_user("Administrator")
	frappe.db.rollback()
	for file in frappe.get_all("File", filters={"attached_to_name": plan.name}, pluck="name"):
		frappe.delete_doc("File", file, force=True)
	remove_programme(programme.name)
	frappe.db.commit()


def screenshot(driver, name):
	"""The page at the phone's size and the desktop's, full length."""
	for width, height in (PHONE, DESKTOP):
		driver.set_window_size(width, height)
		full = driver.execute_script("return document.documentElement.scrollHeight")
		driver.set_window_size(width, max(height, full))
		driver.execute_script("window.scrollTo(0, 0)")
		driver.save_screenshot(os.path.join(ARTEFACTS, f"{name}-{width}x{height}.png"))
	driver.set_window_size(*PHONE)


def log_in(driver):
	driver.get(driver.base_url + "/login")
	driver.find_element(By.ID, "login_email").send_keys(user("citizen_browser"))
	driver.find_element(By.ID, "login_password").send_keys(TEST_PASSWORD + Keys.ENTER)
	WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)


def saved(driver, text="Gemt."):
	"""The page reloaded after a save and says so; a refusal fails the test with its words."""

	def outcome(d):
		errors = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".bb-error") if e.text.strip()]
		if errors:
			return " | ".join(errors)
		found = d.find_elements(By.ID, "bb-saved")
		return found and found[0].text == text and "saved"

	# The page reloads under the wait: an element read from the old page is simply read again.
	wait = WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))
	assert wait.until(outcome) == "saved"
	driver.execute_script("document.getElementById('bb-saved').textContent = ''")


def no_horizontal_scroll(driver):
	assert driver.execute_script(
		"return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
	), "the page scrolls sideways"


def quote(tmp_path, name):
	path = tmp_path / name
	# Distinct contents: frappe reuses an existing file with the same content, under its name.
	path.write_bytes(f"%PDF-1.4\n% {name} {frappe.generate_hash(length=8)}\n".encode())
	return str(path)


def type_date(field, iso):
	"""A date input takes digits in the order of the browser's locale (day, month, year in Danish)."""
	order = field.parent.execute_script(
		"""return new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2001, 1, 3))
			.filter((part) => part.type !== "literal").map((part) => part.type)"""
	)
	year, month, day = iso.split("-")
	field.send_keys("".join({"year": year, "month": month, "day": day}[part] for part in order))
	assert field.get_attribute("value") == iso, f"the date input took {field.get_attribute('value')!r}"


LINES = (
	{
		"description": "Truckcertifikat",
		"category": "Kursus / uddannelse",
		"amount": "4200",
		"supplier": "Aarhus Truckskole",
	},
	{"description": "Arbejdssko", "category": "Andre udgifter", "amount": "900", "supplier": "Skobutikken"},
)
PARTS = {
	"motivation": "Jeg vil arbejde på et lager.",
	"goal": "Job på et lager",
	"strategy_continue": "Løbe om morgenen",
	"strategy_stop": "Sove længe",
	"strategy_start": "Søge to job om ugen",
}


def check_submitted(plan):
	frappe.db.rollback()
	doc = frappe.get_doc("Budget Plan", plan.name)
	assert doc.status == rules.plan.SUBMITTED
	assert [(row.description, row.amount) for row in doc.lines] == [
		(line["description"], float(line["amount"])) for line in LINES
	]
	assert all(row.quote.startswith("/private/files/") for row in doc.lines)
	assert (doc.motivation, doc.goals[0].goal, doc.strategy_start) == (
		PARTS["motivation"],
		PARTS["goal"],
		PARTS["strategy_start"],
	)


def test_the_citizen_completes_a_plan_on_a_phone(browser, fresh_plan, tmp_path):
	driver = browser
	log_in(driver)
	driver.get(driver.base_url + "/my-budget-plan")  # the old address leads to the new page
	WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("/my-plan"))
	summary = driver.find_element(By.CSS_SELECTOR, ".bb-summary")
	assert "Brugt" in summary.text and "50.000" in summary.text
	no_horizontal_scroll(driver)
	screenshot(driver, "plan-empty")

	def part(field, value):
		area = driver.find_element(By.ID, f"bb-{field}")
		area.clear()
		area.send_keys(value)
		return area

	part("motivation", PARTS["motivation"]).find_element(
		By.XPATH, "./ancestor::form//button[@type='submit']"
	).click()
	saved(driver)
	goal = driver.find_element(By.ID, "bb-goal-1")
	goal.send_keys(PARTS["goal"])
	goal.find_element(By.XPATH, "./ancestor::form//button[@type='submit']").click()
	saved(driver)

	for number, line in enumerate(LINES, 1):
		driver.find_element(By.CSS_SELECTOR, "[data-add-line]").click()
		form = driver.find_element(By.ID, "bb-line-form")
		assert "Trin 1 af 6" in form.text
		next_step = form.find_element(By.CSS_SELECTOR, "[data-step-next]")
		form.find_element(By.ID, "bb-line-description").send_keys(line["description"])
		form.find_element(By.ID, "bb-line-category").send_keys(line["category"])
		next_step.click()
		amount = form.find_element(By.ID, "bb-line-amount")
		# The first time over the maximum: the server's refusal is shown and tied to the field.
		amount.send_keys("60000" if number == 1 else line["amount"])
		next_step.click()
		type_date(
			form.find_element(By.ID, "bb-line-need_date"),
			str(add_days(fresh_plan.course_start_date, 10 * number)),
		)
		next_step.click()
		form.find_element(By.ID, "bb-line-supplier_text").send_keys(line["supplier"])
		next_step.click()
		form.find_element(By.ID, "bb-line-quote-file").send_keys(quote(tmp_path, f"tilbud-{number}.pdf"))
		WebDriverWait(driver, 30).until(
			lambda d: d.find_element(By.ID, "bb-line-quote-status").text == "Filen er sendt."
		)
		next_step.click()
		form.find_element(By.ID, "bb-line-goal").send_keys(PARTS["goal"])
		form.find_element(By.ID, "bb-line-theory_of_change").send_keys("Med det kan jeg få job.")
		if number == 1:
			screenshot(driver, "line-step-6")
			form.find_element(By.CSS_SELECTOR, "[data-step-save]").click()
			# The server refuses the amount: the form goes back to the amount's step, shows the
			# message there, tied to the field, and puts the focus on it.
			refused_at(driver, "bb-line-amount", "bb-line-error", "Trin 2 af 6", "maksimum")
			theory = form.find_element(By.ID, "bb-line-theory_of_change")
			assert theory.get_attribute("aria-invalid") is None  # only the field it is about
			screenshot(driver, "line-error")
			amount.clear()
			amount.send_keys(line["amount"])
			for _step in range(4):
				next_step.click()
			# A new step clears the refusal.
			assert not form.find_element(By.ID, "bb-line-error").text
			assert amount.get_attribute("aria-invalid") is None
		form.find_element(By.CSS_SELECTOR, "[data-step-save]").click()
		saved(driver)

	for field in ("strategy_continue", "strategy_stop", "strategy_start"):
		area = part(field, PARTS[field])
	area.find_element(By.XPATH, "./ancestor::form//button[@type='submit']").click()
	saved(driver)

	cards = driver.find_elements(By.CSS_SELECTOR, ".bb-card")
	assert [card.find_element(By.TAG_NAME, "h3").text for card in cards] == [
		line["description"] for line in LINES
	]
	assert "Aarhus Truckskole" in cards[0].text and "Se tilbuddet" in cards[0].text
	assert "5.100" in driver.find_element(By.CSS_SELECTOR, ".bb-summary").text
	no_horizontal_scroll(driver)
	screenshot(driver, "plan-filled")
	driver.set_window_size(320, 800)  # reflow: 200 % zoom on a 640 px wide window
	no_horizontal_scroll(driver)
	driver.set_window_size(*PHONE)
	driver.find_element(By.CSS_SELECTOR, "[data-submit-plan]").click()
	saved(driver, "Din plan er sendt til din jobkonsulent.")
	screenshot(driver, "plan-submitted")
	check_submitted(fresh_plan)

	driver.get(driver.base_url + "/my-timeline")
	assert "Truckcertifikat" in driver.find_element(By.CSS_SELECTOR, ".bb-timeline").text
	no_horizontal_scroll(driver)
	driver.set_window_size(320, 800)
	no_horizontal_scroll(driver)
	driver.set_window_size(*PHONE)
	screenshot(driver, "timeline")


def refused_at(driver, field_id, error_id, step, words):
	"""The server's refusal is shown at `field_id`: its step is the one shown, the message is in the
	live region `error_id` and describes the field, which is marked invalid and has the focus."""
	error = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, error_id).text)
	assert words in error, error
	field = driver.find_element(By.ID, field_id)
	assert field.is_displayed()
	assert driver.switch_to.active_element == field, driver.switch_to.active_element.get_attribute(
		"outerHTML"
	)
	assert error_id in field.get_attribute("aria-describedby").split()
	assert field.get_attribute("aria-invalid") == "true"
	box = driver.find_element(By.ID, error_id)
	assert box.get_attribute("role") == "alert" and box.is_displayed()
	form = field.find_element(By.XPATH, "./ancestor::form")
	assert step in form.find_element(By.CSS_SELECTOR, ".bb-step-count").text


class Keyboard:
	"""Tab, Shift+Tab, Enter and Space, and typing text: nothing else reaches the page, but Escape to
	close a dialog, the arrow keys to choose in a group of radio buttons, and Backspace to erase."""

	def __init__(self, driver):
		self.driver = driver

	def press(self, *keys):
		ActionChains(self.driver).send_keys(*keys).perform()

	def back(self):
		ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()

	def focused(self, css):
		return self.driver.execute_script("return document.activeElement.matches(arguments[0])", css)

	def tab_to(self, css, limit=150):
		"""Tab until `css` has the focus, checking each focused control of the page shows it."""
		for _ in range(limit):
			if self.focused(css):
				return self.driver.switch_to.active_element
			self.press(Keys.TAB)
			self.assert_focus_visible()
		pytest.fail(f"Tab never reached {css}")

	def assert_focus_visible(self):
		style = self.driver.execute_script(
			"""const e = document.activeElement;
			if (!e.closest('.bb-portal')) return null;
			const s = getComputedStyle(e);
			return [s.outlineStyle, s.outlineWidth, e.id || e.name || e.textContent.trim()];"""
		)
		if style:
			assert (
				style[0] != "none" and float(style[1].rstrip("px")) >= 2
			), f"focus not visible on {style[2]}"

	def type(self, text):
		self.press(text)


def test_the_citizen_completes_a_plan_with_the_keyboard_alone(browser, fresh_plan, tmp_path):
	driver = browser
	log_in(driver)
	driver.get(driver.base_url + "/my-plan")
	keys = Keyboard(driver)

	def save_part(field, value, last=True):
		keys.tab_to(f"#bb-{field}")
		keys.type(value)
		if last:
			keys.tab_to(f"form:has(#bb-{field}) button[type=submit]")
			keys.press(Keys.ENTER)
			saved(driver)

	save_part("motivation", PARTS["motivation"])
	save_part("goal-1", PARTS["goal"])

	for number, line in enumerate(LINES, 1):
		keys.tab_to("[data-add-line]")
		keys.press(Keys.ENTER)
		assert keys.focused("#bb-line-description")
		keys.type(line["description"])
		keys.press(Keys.TAB)
		keys.type(line["category"])  # a select takes the typed option
		keys.tab_to("[data-step-next]")
		keys.press(Keys.ENTER)
		assert keys.focused("#bb-line-amount")
		keys.type(line["amount"] + Keys.ENTER)
		type_date(driver.switch_to.active_element, str(add_days(fresh_plan.course_start_date, 10 * number)))
		if number == 2:
			keys.tab_to("#bb-line-parked")
			keys.press(Keys.SPACE)  # park the second line
			assert driver.find_element(By.ID, "bb-line-parked").is_selected()
			keys.back()  # and back to the date with Shift+Tab
			assert keys.focused("#bb-line-need_date")
			keys.tab_to("[data-step-next]")
		keys.press(Keys.ENTER)
		assert keys.focused("input[name=payment_route]"), driver.execute_script(
			"return [document.activeElement.outerHTML.slice(0, 120), document.getElementById('bb-step-count').textContent, document.getElementById('bb-line-error').textContent]"
		)
		keys.tab_to("#bb-line-supplier_text")
		keys.type(line["supplier"] + Keys.ENTER)
		# The one thing a keyboard cannot do in a headless browser: pick a file in the system's dialog.
		driver.switch_to.active_element.send_keys(quote(tmp_path, f"tilbud-k{number}.pdf"))
		WebDriverWait(driver, 30).until(
			lambda d: d.find_element(By.ID, "bb-line-quote-status").text == "Filen er sendt."
		)
		keys.tab_to("[data-step-next]")
		keys.press(Keys.ENTER)
		assert keys.focused("#bb-line-goal")
		keys.type(PARTS["goal"])
		keys.press(Keys.TAB)
		keys.type("Med det kan jeg få job.")
		keys.tab_to("[data-step-save]")
		keys.press(Keys.SPACE)
		saved(driver)

	save_part("strategy_continue", PARTS["strategy_continue"], last=False)
	save_part("strategy_stop", PARTS["strategy_stop"], last=False)
	save_part("strategy_start", PARTS["strategy_start"])
	keys.tab_to("[data-submit-plan]")
	keys.press(Keys.ENTER)
	saved(driver, "Din plan er sendt til din jobkonsulent.")
	check_submitted(fresh_plan)
	frappe.db.rollback()
	assert [row.parked for row in frappe.get_doc("Budget Plan", fresh_plan.name).lines] == [0, 1]


@pytest.fixture
def plan_with_lines(fresh_plan):
	"""The fresh plan with the two lines already in it (committed)."""
	frappe.set_user("Administrator")
	doc = frappe.get_doc("Budget Plan", fresh_plan.name)
	for number, line in enumerate(LINES, 1):
		doc.append(
			"lines",
			{
				"description": line["description"],
				"category": line["category"],
				"amount": line["amount"],
				"need_date": add_days(doc.course_start_date, 10 * number),
				"supplier_text": line["supplier"],
			},
		)
	doc.save()
	frappe.db.commit()
	return doc


def test_the_citizen_deletes_a_line_in_a_dialog_with_the_keyboard(browser, plan_with_lines):
	"""The question before a line is deleted is a modal dialog: it has a name, the focus moves into
	it, Escape cancels and gives the focus back to the button that opened it."""
	driver = browser
	log_in(driver)
	driver.get(driver.base_url + "/my-plan")
	keys = Keyboard(driver)
	first = plan_with_lines.lines[0].name
	trigger = f'[data-remove-line="{first}"]'
	dialog = driver.find_element(By.ID, "bb-confirm-delete")

	keys.tab_to(trigger)
	keys.press(Keys.ENTER)
	WebDriverWait(driver, 10).until(lambda d: dialog.get_attribute("open") is not None)
	title = driver.find_element(By.ID, dialog.get_attribute("aria-labelledby"))
	assert title.text == "Vil du slette udgiften?"
	assert "Truckcertifikat" in dialog.text
	# The focus is in the dialog, on the safe choice; Tab stays inside the modal dialog.
	assert keys.focused("#bb-confirm-delete [data-dialog-cancel]")
	for _ in range(4):
		keys.press(Keys.TAB)
		assert driver.execute_script(
			"return document.getElementById('bb-confirm-delete').contains(document.activeElement)"
		) or keys.focused("body"), driver.switch_to.active_element.get_attribute("outerHTML")
	screenshot(driver, "delete-dialog")
	keys.press(Keys.ESCAPE)
	WebDriverWait(driver, 10).until(lambda d: dialog.get_attribute("open") is None)
	assert keys.focused(trigger)
	frappe.db.rollback()
	assert len(frappe.get_doc("Budget Plan", plan_with_lines.name).lines) == 2

	# "No, keep it" as well gives the focus back.
	keys.press(Keys.ENTER)
	assert keys.focused("#bb-confirm-delete [data-dialog-cancel]")
	keys.press(Keys.SPACE)
	WebDriverWait(driver, 10).until(lambda d: dialog.get_attribute("open") is None)
	assert keys.focused(trigger)

	# And deleting.
	keys.press(Keys.ENTER)
	keys.tab_to("#bb-confirm-delete [data-dialog-confirm]")
	keys.press(Keys.ENTER)
	saved(driver)
	frappe.db.rollback()
	assert [row.description for row in frappe.get_doc("Budget Plan", plan_with_lines.name).lines] == [
		"Arbejdssko"
	]
	assert [
		card.find_element(By.TAG_NAME, "h3").text
		for card in driver.find_elements(By.CSS_SELECTOR, ".bb-card")
	] == ["Arbejdssko"]


@pytest.fixture
def approved_plan_of_browser_citizen(site):
	"""An approved plan of the browser citizen (a course and a bus card), who reads Danish (committed)."""
	from tests.integration.factories import approved_plan

	frappe.set_user("Administrator")
	frappe.db.set_value("User", user("citizen_browser"), "language", "da")
	programme = make_programme(maximum_per_participant=20000)
	plan = approved_plan(
		programme,
		lines=factories.course_and_bus_card(),
		user=user("citizen_browser"),
	)
	frappe.db.commit()
	yield plan
	frappe.set_user("Administrator")
	frappe.db.rollback()
	remove_programme(programme.name)
	frappe.db.commit()


def test_the_citizen_asks_for_a_change_with_the_keyboard_alone(browser, approved_plan_of_browser_citizen):
	"""On an approved plan: from the plan's page to the change page, a new amount for the course, a
	refusal from the server shown at the amount, and the request sent and listed with its state."""
	driver = browser
	plan = approved_plan_of_browser_citizen
	log_in(driver)
	driver.get(driver.base_url + f"/my-plan?plan={plan.name}")
	keys = Keyboard(driver)
	keys.tab_to(f'a[href="/my-change?plan={plan.name}"]')
	keys.press(Keys.ENTER)
	WebDriverWait(driver, 20).until(lambda d: "/my-change" in d.current_url)
	assert "Du har ikke bedt om en ændring." in driver.find_element(By.ID, "bb-change-page").text
	assert "Godkendt" in driver.find_element(By.ID, "bb-change-page").text
	no_horizontal_scroll(driver)

	# Step 1: which line. Tab reaches the group on the chosen line (the first); the arrow chooses.
	keys.tab_to("input[name=choice]:checked")
	assert keys.focused("#bb-change-line-1")
	keys.tab_to("[data-step-next]")
	keys.press(Keys.ENTER)
	assert keys.focused("#bb-change-action-amount")  # step 2: what should happen
	assert "Trin 2 af 4" in driver.find_element(By.ID, "bb-change-step-count").text
	keys.tab_to("[data-step-next]")
	keys.press(Keys.ENTER)
	assert keys.focused("#bb-change-amount")  # step 3: the new amount, over the maximum
	keys.type("30000" + Keys.ENTER)
	assert keys.focused("#bb-change-reason")  # step 4: why
	keys.type("Kurset er blevet dyrere.")
	keys.tab_to("[data-step-save]")
	keys.press(Keys.ENTER)
	refused_at(driver, "bb-change-amount", "bb-change-error", "Trin 3 af 4", "maksimum")
	screenshot(driver, "change-error")
	keys.press(*[Keys.BACKSPACE] * 5)
	assert driver.find_element(By.ID, "bb-change-amount").get_attribute("value") == ""
	keys.type("4500" + Keys.ENTER)
	assert keys.focused("#bb-change-reason")
	assert driver.find_element(By.ID, "bb-change-reason").get_attribute("value") == "Kurset er blevet dyrere."
	keys.tab_to("[data-step-save]")
	keys.press(Keys.ENTER)
	saved(driver, "Dit ønske er sendt til din jobkonsulent.")

	card = driver.find_element(By.CSS_SELECTOR, "#bb-change-page .bb-card")
	assert "Sendt. Din jobkonsulent gennemgår den med dig." in card.text
	assert "Truckkursus: fra" in card.text and "Kurset er blevet dyrere." in card.text
	no_horizontal_scroll(driver)
	driver.set_window_size(320, 800)
	no_horizontal_scroll(driver)
	driver.set_window_size(*PHONE)
	screenshot(driver, "change-sent")
	frappe.db.rollback()
	[request] = frappe.get_all(
		"Budget Plan Amendment", filters={"budget_plan": plan.name}, fields=["name", "status", "owner"]
	)
	assert (request.status, request.owner) == (rules.amendment.DRAFT, user("citizen_browser"))
	assert [
		(c.change, c.description, c.old_amount, c.new_amount)
		for c in frappe.get_doc("Budget Plan Amendment", request.name).changes
	] == [(rules.amendment.CHANGED, "Truckkursus", 4000, 4500)]

	# A new expense, choosing with the arrow keys: its steps are asked, and a refusal about fields of
	# the new line (no type of expense, no date: what a budget line requires) goes back to the step of
	# the first of them.
	keys.tab_to("input[name=choice]:checked")
	keys.press(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
	assert keys.focused("#bb-change-new")
	keys.tab_to("[data-step-next]")
	keys.press(Keys.ENTER)
	assert keys.focused("#bb-change-description")
	keys.type("Sikkerhedssko")
	keys.tab_to("[data-step-next]")
	keys.press(Keys.ENTER)
	keys.type("700" + Keys.ENTER)  # the amount
	keys.press(Keys.ENTER)  # no date
	assert keys.focused("input[name=payment_route]:checked")  # the shop sends the bill
	keys.tab_to("[data-step-next]")
	keys.press(Keys.ENTER)
	assert keys.focused("#bb-change-theory_of_change")
	keys.tab_to("[data-step-next]")
	keys.press(Keys.ENTER)
	keys.type("Lageret kræver sikkerhedssko.")
	keys.tab_to("[data-step-save]")
	keys.press(Keys.ENTER)
	refused_at(
		driver, "bb-change-category", "bb-change-error", "Trin 2 af 7", "Kategori, Forventet behovsdato"
	)
