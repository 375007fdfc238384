"""The read replica (scripts/replica) on the demo site, as an operator sets it up.

Every report of the app, and the evaluation's number cards, are run over HTTP as the desk runs
them. With replication paused, a write on the primary is not in the report; once it resumes, it
is. The site reads the replica as a user that may only SELECT: a write through that connection is
refused. `scripts/replica --remove` undoes it all.
"""

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.system.test_setup import BENCH_DIR, BENCH_USER, DEMO_SITE, pytestmark, run  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
REPORTS = sorted(
	json.loads(path.read_text())["name"] for path in REPO.glob("borgerbudget/borgerbudget/report/*/*.json")
)
CARDS = ("card_participants_in_course", "card_average_budget", "card_job_or_education_share")
SOCKET = "/var/lib/borgerbudget-replica/mysqld.sock"


def primary(sql):
	password = Path(f"/home/{BENCH_USER}/.borgerbudget-db-root-password").read_text().strip()
	return run("mysql", "-uroot", f"-p{password}", "-N", "-B", "-e", sql).strip()


def replica(sql):
	return run("mysql", f"--socket={SOCKET}", "-uroot", "-N", "-B", "-e", sql).strip()


def site_config():
	return json.loads((BENCH_DIR / "sites" / DEMO_SITE / "site_config.json").read_text())


def in_bench_python(code):
	"""`code` run by the bench's Python in the sites folder, on the demo site, as Administrator."""
	prelude = (
		"import frappe\n"
		f"frappe.init(site={DEMO_SITE!r}, sites_path='.')\n"
		"frappe.connect()\n"
		"frappe.set_user('Administrator')\n"
	)
	result = subprocess.run(
		["runuser", "-u", BENCH_USER, "--", "../env/bin/python", "-c", prelude + code],
		cwd=BENCH_DIR / "sites",
		capture_output=True,
		text=True,
		timeout=300,
	)
	assert result.returncode == 0, result.stderr[-3000:]
	return result.stdout.strip()


class Desk:
	"""A gunicorn serving the bench, and Administrator's session on the demo site."""

	def __init__(self):
		with socket.socket() as s:
			s.bind(("127.0.0.1", 0))
			port = s.getsockname()[1]
		server = ["../env/bin/gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "2", "-t", "120"]
		self.process = subprocess.Popen(
			["runuser", "-u", BENCH_USER, "--", *server, "frappe.app:application"],
			cwd=BENCH_DIR / "sites",
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		self.url = f"http://127.0.0.1:{port}"
		self.session = requests.Session()
		self.session.headers["Host"] = DEMO_SITE
		for _ in range(120):
			try:
				self.session.get(self.url + "/api/method/ping", timeout=5)
				break
			except requests.ConnectionError:
				time.sleep(0.5)
		admin_password = site_config().get("admin_password", "admin")
		response = self.session.post(
			self.url + "/api/method/login", data={"usr": "Administrator", "pwd": admin_password}
		)
		assert response.ok, response.text[:500]

	def call(self, method, **data):
		response = self.session.post(f"{self.url}/api/method/{method}", data=data, timeout=120)
		assert response.status_code == 200, f"{method} {data}: {response.status_code} {response.text[:1500]}"
		return response.json()["message"]

	def report(self, name, **filters):
		return self.call("frappe.desk.query_report.run", report_name=name, filters=json.dumps(filters))

	def close(self):
		self.process.terminate()
		self.process.wait(timeout=30)


def approved(desk, programme, category):
	rows = desk.report("Budget Spend by Category", programme=programme)["result"]
	return next(row["approved"] for row in rows if isinstance(row, dict) and row.get("category") == category)


def caught_up():
	position = primary("select @@gtid_binlog_pos")
	assert replica(f"select master_gtid_wait('{position}', 60)") == "0", "the replica did not catch up"


@pytest.fixture
def removed_afterwards():
	"""The replica is removed after the test, also when it fails (the test's last step removes it)."""
	yield
	if Path(SOCKET).parent.exists():
		subprocess.run(["bash", "scripts/replica", "--remove"], cwd=REPO, capture_output=True, timeout=600)


def test_reports_read_the_replica_which_nobody_writes(removed_afterwards):
	first = run("bash", "scripts/replica", env={"SITE": DEMO_SITE})
	assert "Slave_SQL_Running: Yes" in first, first
	again = run("bash", "scripts/replica", env={"SITE": DEMO_SITE})
	# Idempotent: the second run copies nothing and restarts nothing.
	assert "Copying" not in again and "restarting" not in again and "Slave_SQL_Running: Yes" in again, again
	config = site_config()
	assert config["read_from_replica"] == 1 and config["replica_db_port"] == 3307
	assert primary("select @@log_bin") == "1" and replica("select @@read_only") == "1"

	db = config["db_name"]
	programme, category, line = primary(
		f"select plan.programme, line.category, line.name from `{db}`.`tabBudget Line` line"
		f" join `{db}`.`tabBudget Plan` plan on plan.name = line.parent"
		" where plan.status = 'Approved' and line.category is not null and line.amount > 0 limit 1"
	).split("\t")
	desk = Desk()
	try:
		# Every report of the app and the number cards run on the replica, as the read-only user.
		for name in REPORTS:
			result = desk.report(name, programme=programme)
			assert isinstance(result["result"], list), name
		for card in CARDS:
			assert "value" in desk.call(
				f"borgerbudget.evaluation.{card}", filters=json.dumps({"programme": programme})
			)

		before = approved(desk, programme, category)
		replica("stop slave")
		try:
			primary(f"update `{db}`.`tabBudget Line` set amount = amount + 1000 where name = '{line}'")
			# The write is on the primary; the report, on the paused replica, doesn't see it.
			assert float(primary(f"select amount from `{db}`.`tabBudget Line` where name = '{line}'")) > 1000
			assert approved(desk, programme, category) == before
		finally:
			replica("start slave")
		caught_up()
		assert approved(desk, programme, category) == before + 1000
	finally:
		primary(
			f"update `{db}`.`tabBudget Line` set amount = amount - 1000 where name = '{line}' and amount >= 1000"
		)
		desk.close()

	# Through the site's own replica connection a write is refused: the user may only SELECT.
	out = in_bench_python(
		"@frappe.read_only()\n"
		"def attempt():\n"
		"\tprint('reader', frappe.db.sql('select current_user(), @@port')[0])\n"
		f"\tfrappe.db.sql(\"update `tabBudget Line` set amount = amount where name = '{line}'\")\n"
		"try:\n"
		"\tattempt()\n"
		"\tprint('written')\n"
		"except Exception as e:\n"
		"\tprint('refused', e.args[0], e.args[1] if len(e.args) > 1 else '')\n"
	)
	assert f"'{db}_ro@127.0.0.1', 3307" in out, out
	# The server's read_only answers first (1290); the user's grants would (1142, command denied).
	assert "written" not in out and ("refused 1290" in out or "refused 1142" in out), out
	grants = replica(f"show grants for '{db}_ro'@'127.0.0.1'").splitlines()
	assert [grant.split(" TO ")[0] for grant in grants] == ["GRANT USAGE ON *.*", f"GRANT SELECT ON `{db}`.*"]

	removed = run("bash", "scripts/replica", "--remove")
	assert "The replica is removed" in removed
	assert "read_from_replica" not in site_config() and primary("select @@log_bin") == "0"
	with socket.socket() as s:
		assert s.connect_ex(("127.0.0.1", 3307)) != 0
