"""The backup and restore drill on the demo site, as an operator runs it (scripts/backup-drill):
a backup with its files restored into a new site is whole (lines against their documents, the
ledger, every attachment, every CPR number), and without the site's encryption key the CPR numbers
cannot be read."""

from tests.system.test_setup import DEMO_SITE, bench, pytestmark, run  # noqa: F401 (the skip rule)


def test_a_backup_restores_whole_and_its_cpr_numbers_only_with_the_key():
	out = run("bash", "scripts/backup-drill", env={"SITE": DEMO_SITE, "DRILL_SITE": "drill.localhost"})
	without, _with = out.split("With the key kept beside the backup", 1)
	assert "cpr: " in without and "problem" in without.split("cpr: ", 1)[1].splitlines()[0]
	for check in ("lines: ok", "ledger: ok", "files: ok", "cpr: ok"):
		assert check in _with, out[-3000:]
	assert "The drill passed" in out
