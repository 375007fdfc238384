"""Is the site whole? The checks an operator runs after a restore (scripts/backup-drill) or a fault:

- every budget line's paid and invoiced amounts equal what ERPNext's documents say (the line's
  ledger, read as the payout checks read it: under the plan's lock, held until the caller ends), and
  every voucher of a participant balances in the general ledger;
- no GL or payment ledger row is left without its document;
- every attachment's file is on disk;
- every CPR number decrypts with this site's key and matches its keyed hash.

`report` prints the problems and fails when there are any:

  bench --site SITE execute borgerbudget.consistency.report
"""

import os

import frappe
from frappe.utils import flt

from borgerbudget import cpr_vault, rules
from borgerbudget.accounting.money import line_money

CENT = 0.005


def check() -> dict[str, list[str]]:
	"""{check: [problem, ...]} for every check; empty lists when the site is whole."""
	return {
		"lines": lines_against_documents(),
		"ledger": ledger_balanced_and_whole(),
		"files": files_on_disk(),
		"cpr": cpr_readable(),
	}


def lines_against_documents() -> list[str]:
	problems = []
	for plan in frappe.get_all("Budget Plan", pluck="name"):
		money = line_money(plan)
		for line in frappe.get_all(
			"Budget Line",
			filters={"parent": plan, "parenttype": "Budget Plan"},
			fields=["name", "idx", "paid_amount", "invoiced_amount"],
		):
			ledger = money.get(line.name) or {"paid": 0.0, "invoiced": 0.0}
			for field, key in (("paid_amount", "paid"), ("invoiced_amount", "invoiced")):
				if abs(flt(line[field]) - flt(ledger[key])) > CENT:
					problems.append(
						f"{plan} line {line.idx}: {field} {flt(line[field]):.2f}, documents say {flt(ledger[key]):.2f}"
					)
	return problems


def ledger_balanced_and_whole() -> list[str]:
	problems = [
		f"{voucher_type} {voucher_no}: debit {debit:.2f} and credit {credit:.2f} differ"
		for voucher_type, voucher_no, debit, credit in frappe.db.sql(
			"""select voucher_type, voucher_no, sum(debit), sum(credit) from `tabGL Entry`
			where is_cancelled = 0 and participant is not null
			group by voucher_type, voucher_no having abs(sum(debit) - sum(credit)) > 0.005"""
		)
	]
	for ledger in ("GL Entry", "Payment Ledger Entry"):
		for voucher_type in frappe.db.sql_list(f"select distinct voucher_type from `tab{ledger}`"):
			orphans = frappe.db.sql_list(
				f"""select distinct l.voucher_no from `tab{ledger}` l
				left join `tab{voucher_type}` v on v.name = l.voucher_no
				where l.voucher_type = %s and v.name is null""",
				voucher_type,
			)
			problems += [f"{ledger} rows of {voucher_type} {name}, which does not exist" for name in orphans]
	return problems


def files_on_disk() -> list[str]:
	problems = []
	for file in frappe.get_all(
		"File", filters={"is_folder": 0, "file_url": ("like", "/%files/%")}, fields=["name", "file_url"]
	):
		url = file.file_url.lstrip("/")
		path = (
			frappe.get_site_path(url) if url.startswith("private/") else frappe.get_site_path("public", url)
		)
		if not os.path.exists(path):
			problems.append(f"File {file.name}: {file.file_url} is missing")
	return problems


def cpr_readable() -> list[str]:
	problems = []
	for row in frappe.get_all("Participant CPR", fields=["participant", "cpr_encrypted", "cpr_hash"]):
		try:
			digits = rules.cpr.parse_cpr(cpr_vault.decrypt(row.cpr_encrypted)).digits
		except Exception:
			# frappe's decrypt fails (and says so) without the key the number was encrypted with.
			frappe.clear_last_message()
			problems.append(
				f"Participant {row.participant}: the CPR number cannot be read with this site's key"
			)
			continue
		if cpr_vault.keyed_hash(digits) != row.cpr_hash:
			problems.append(f"Participant {row.participant}: the CPR number does not match its keyed hash")
	return problems


def report():
	"""Print every problem and fail (for scripts) when there is one."""
	problems = check()
	for name, found in problems.items():
		print(f"{name}: {'ok' if not found else f'{len(found)} problem(s)'}")
		for problem in found[:50]:
			print(f"  {problem}")
	if any(problems.values()):
		raise SystemExit(1)
