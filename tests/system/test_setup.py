"""Set-up and the start command, as a new user runs them (as root, beside an existing bench).

Set-up is run again on the demo site: it reuses and repairs (a stopped Redis is started again, the
demo is not loaded twice); `--no-demo` gives a site without demo records; scripts/start serves the
site on 127.0.0.1 with the scheduler enabled and a demo user can log in; scripts/stop leaves nothing
listening. scripts/test runs these when a bench is present and it runs as root.
"""

import json
import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
BENCH_USER = os.environ.get("BENCH_USER", "frappe")
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or f"/home/{BENCH_USER}/frappe-bench")
DEMO_SITE = os.environ.get("SITE", "borgerbudget.localhost")
DEMO_PASSWORD = "Borgerbudget-demo-2026"

pytestmark = pytest.mark.skipif(
	os.geteuid() != 0 or not (BENCH_DIR / "sites" / DEMO_SITE).is_dir(),
	reason="set-up tests run as root beside a bench with the demo site (run scripts/setup first)",
)


def run(*args, env=None, timeout=1800):
	result = subprocess.run(
		args, cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout
	)
	assert (
		result.returncode == 0
	), f"{args} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
	return result.stdout


def bench_cli(command):
	"""`command` (a shell line of bench commands) as the bench user, in the bench."""
	return run(
		"runuser",
		"-u",
		BENCH_USER,
		"--",
		"bash",
		"-c",
		f"cd {BENCH_DIR} && export PATH=/home/{BENCH_USER}/.bench-venv/bin:$PATH && {command}",
	)


def bench(site, *args):
	return bench_cli(" ".join(["bench", "--site", site, *args]))


def count(site, doctype):
	out = bench(site, "execute", "frappe.db.count", "--args", f"'[\"{doctype}\"]'").strip()
	# bench execute prints nothing for a result of 0.
	return int(out.splitlines()[-1]) if out else 0


def redis_port(name):
	for line in (BENCH_DIR / "config" / f"{name}.conf").read_text().splitlines():
		if line.startswith("port"):
			return int(line.split()[1])
	raise AssertionError(f"no port in {name}.conf")


def listening(port):
	with socket.socket() as s:
		s.settimeout(1)
		return s.connect_ex(("127.0.0.1", port)) == 0


def test_setup_again_reuses_and_repairs_the_demo_site():
	participants = count(DEMO_SITE, "Participant")
	port = redis_port("redis_queue")
	subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
	assert not listening(port)
	out = run("scripts/setup", env={"SITE": DEMO_SITE})
	assert "Starting Redis (redis_queue" in out
	assert listening(port)
	assert "Creating site" not in out and "Creating the bench" not in out
	# The demo is made once: a second run finds every record and adds none.
	assert count(DEMO_SITE, "Participant") == participants
	config = json.loads((BENCH_DIR / "sites" / DEMO_SITE / "site_config.json").read_text())
	assert not config.get("allow_tests"), "only the test site lets the test runner in"
	assert "redis_queue:" not in (BENCH_DIR / "Procfile").read_text()


def test_a_second_municipality_on_the_same_bench_shares_nothing_with_the_first():
	"""`SITE=<name> scripts/setup --no-demo` adds a municipality: its own database, company, key,
	users, files, reports and research pseudonyms; the first one's scheduled jobs touch nothing of it."""
	site = f"nodemo-{uuid.uuid4().hex[:6]}.localhost"
	try:
		out = run("scripts/setup", "--no-demo", env={"SITE": site})
		assert "Loading demo data" not in out
		assert count(site, "Participant") == 0
		assert count(site, "Budget Programme") == 0
		assert bench(site, "list-apps").count("borgerbudget") == 1
		configs = [
			json.loads((BENCH_DIR / "sites" / s / "site_config.json").read_text()) for s in (DEMO_SITE, site)
		]
		assert configs[0]["db_name"] != configs[1]["db_name"]
		assert configs[0]["encryption_key"] != configs[1]["encryption_key"]
		# The demo's people, records and files are not there.
		assert count(DEMO_SITE, "Participant") > 0 and count(site, "Participant") == 0
		caseworker = "lise.jobkonsulent@demo.borgerbudget.dk"
		assert bench(
			site, "execute", "frappe.db.exists", "--args", f'\'["User", "{caseworker}"]\''
		).strip() in ("", "None")
		demo_files = {p.name for p in (BENCH_DIR / "sites" / DEMO_SITE / "private" / "files").glob("*")}
		assert demo_files and not demo_files & {
			p.name for p in (BENCH_DIR / "sites" / site / "private" / "files").glob("*")
		}
		# The same participant id gets another research pseudonym on each site (a key per site).
		pseudonyms = {
			s: bench(
				s, "execute", "borgerbudget.evaluation.research_pseudonym", "--args", "'[\"BB-2026-00001\"]'"
			).strip()
			for s in (DEMO_SITE, site)
		}
		assert all(pseudonyms.values()) and pseudonyms[DEMO_SITE] != pseudonyms[site]
		# A report reads its own site only; the demo's daily job proposes nothing on the other site.
		demo_rows = bench(DEMO_SITE, "execute", "borgerbudget.evaluation.research_rows")
		assert '"pseudonym"' in demo_rows
		assert '"pseudonym"' not in bench(site, "execute", "borgerbudget.evaluation.research_rows")
		bench(
			DEMO_SITE,
			"execute",
			"borgerbudget.borgerbudget.doctype.data_erasure.data_erasure.propose_erasures",
		)
		assert count(DEMO_SITE, "Data Erasure") > 0 and count(site, "Data Erasure") == 0
	finally:
		password = Path(f"/home/{BENCH_USER}/.borgerbudget-db-root-password").read_text()
		bench_cli(
			f"bench drop-site {site} --force --no-backup --db-root-username root --db-root-password '{password}'"
			f" && bench use {DEMO_SITE}"
		)


def test_the_start_command_serves_the_site_with_the_scheduler_and_stop_ends_it():
	port = 18765
	env = {"SITE": DEMO_SITE, "PORT": str(port)}
	try:
		out = run("scripts/start", env=env, timeout=300)
		assert f"http://127.0.0.1:{port}" in out
		session = requests.Session()
		session.headers["Host"] = DEMO_SITE
		assert session.get(f"http://127.0.0.1:{port}/api/method/ping", timeout=30).json()["message"] == "pong"
		login = session.post(
			f"http://127.0.0.1:{port}/api/method/login",
			data={"usr": "lise.jobkonsulent@demo.borgerbudget.dk", "pwd": DEMO_PASSWORD},
			timeout=60,
		)
		assert login.status_code == 200 and login.json()["full_name"] == "Lise Holm"
		assert session.get(f"http://127.0.0.1:{port}/app/participant", timeout=60).status_code == 200
		assert "Scheduler is enabled" in bench(DEMO_SITE, "scheduler", "status")
		pids = {
			path.stem: int(path.read_text())
			for path in (BENCH_DIR / "config" / "pids").glob("borgerbudget-*.pid")
		}
		assert {"borgerbudget-web", "borgerbudget-worker-1", "borgerbudget-scheduler"} <= set(pids)
		for pid in pids.values():
			os.kill(pid, 0)  # running
		# Only loopback: nothing of it answers on another address of this machine.
		lines = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout.splitlines()
		assert [line for line in lines if f":{port} " in line and "127.0.0.1" not in line] == []
	finally:
		run("scripts/stop", env=env, timeout=120)
	assert not listening(port)
	for pid in pids.values():
		with pytest.raises(ProcessLookupError):
			os.kill(pid, 0)
