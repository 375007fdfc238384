"""Debian's Chromium for the browser tests: one way to start it, shared by every browser test."""

import shutil
import tempfile

import pytest

from tests.integration.conftest import SITE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed in the bench")
needs_chromium = pytest.mark.skipif(
	not (CHROMIUM and CHROMEDRIVER),
	reason="BROWSER TEST SKIPPED: Debian's chromium and chromium-driver are not installed",
)


def chromium(server_url, *arguments, logging=False):
	"""A headless Chromium that reaches the test site on the server's port by its name."""
	options = webdriver.ChromeOptions()
	options.binary_location = CHROMIUM
	profile = tempfile.mkdtemp(prefix="bb-chromium-")
	for argument in (
		"--headless=new",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		*arguments,
		f"--host-resolver-rules=MAP {SITE} 127.0.0.1",
		f"--user-data-dir={profile}",
	):
		options.add_argument(argument)
	if logging:
		options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
	driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
	driver.base_url = f"http://{SITE}:{server_url.rsplit(':', 1)[1]}"
	quit_browser = driver.quit

	def quit_and_remove_profile():
		# A profile is about 28 MB: one left behind by each run filled the temporary folder.
		try:
			quit_browser()
		finally:
			shutil.rmtree(profile, ignore_errors=True)

	driver.quit = quit_and_remove_profile
	return driver
