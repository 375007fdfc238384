"""Connects the tests to a real site.

Settings, from the environment:
  BB_SITES_PATH   the bench's sites folder   (default: $BENCH_DIR/sites, BENCH_DIR defaulting to ~/frappe-bench)
  BB_SITE         the site to test against   (default: borgerbudget.test; it must have allow_tests set)

Each test runs as Administrator unless it says otherwise and is rolled back afterwards.
Tests that need committed data (the HTTP server, parallel connections) use unique names
and delete what they made.
"""

import os

import pytest

frappe = pytest.importorskip("frappe", reason="integration tests run inside a bench's Python environment")

SITES_PATH = os.environ.get("BB_SITES_PATH") or os.path.join(
	os.environ.get("BENCH_DIR") or os.path.expanduser("~/frappe-bench"), "sites"
)
SITE = os.environ.get("BB_SITE", "borgerbudget.test")


def connect():
	frappe.init(site=SITE, sites_path=SITES_PATH)
	frappe.connect()


@pytest.fixture(scope="session", autouse=True)
def site():
	os.chdir(SITES_PATH)
	connect()
	if not frappe.conf.allow_tests:
		pytest.exit(f"Site {SITE} does not allow tests: bench --site {SITE} set-config allow_tests true", 2)
	frappe.flags.in_test = True
	from tests.integration import factories

	factories.ensure_test_users()
	frappe.db.commit()
	yield SITE
	remove_access_entries(factories)
	frappe.destroy()


def remove_access_entries(factories):
	"""The servers record who opened what (borgerbudget/access_log.py) after they answer: the test
	users' entries, and those of the participants the tests removed."""
	from borgerbudget import access_log

	frappe.db.rollback()
	frappe.db.sql(
		"""delete from `tabAccess Log` where participant is not null
		and participant not in (select name from `tabParticipant`)"""
	)
	frappe.db.delete(
		"Access Log",
		{
			"user": ("in", [factories.user(key) for key in factories.USERS]),
			"method": ("in", access_log.ROUTES),
		},
	)
	frappe.db.commit()


@pytest.fixture(autouse=True)
def rollback():
	frappe.set_user("Administrator")
	frappe.local.lang = "en"
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.local.lang = "en"


@pytest.fixture(scope="session")
def server_url():
	"""A real gunicorn serving the test site (and its assets) on loopback, for REST calls and the browser."""
	from tests.integration.factories import start_server

	try:
		process, url = start_server(SITES_PATH, SITE)
	except RuntimeError as error:
		pytest.fail(str(error))
	yield url
	process.terminate()
	process.wait(10)


@pytest.fixture(scope="module")
def api(server_url, site):
	"""api(key) is an HTTP session logged in as the test user `key` (see factories.USERS)."""
	from tests.integration.factories import Api, user

	sessions = {}

	def login(key):
		if key not in sessions:
			sessions[key] = Api(server_url, site, user(key))
		return sessions[key]

	return login
