"""E-invoice benchmark on a real site: what taking an e-invoice in costs on top of the draft
Purchase Invoice it ends in.

  E1  N OIOUBL invoices taken in and matched (einvoice/intake.py: unpack, parse, schema and sum
      checks, the inbox record with its lines and its original XML, the match by payment
      reference, the draft through the app's builder with the XML attached), against
      E0  the same N draft Purchase Invoices made directly through the same builder, in the same run.

Goal: E1 <= 1.5 x E0. Run from the bench's sites folder, against a site with allow_tests:

  ../env/bin/python ../apps/borgerbudget/benchmarks/einvoice.py SITE [invoices]

Everything it makes is rolled back at the end, and the files it wrote are removed.
"""

import glob
import os
import random
import sys
import time

import frappe
from bench_site import run_on_site  # a script's own folder is on sys.path

PER_LINE = 100  # invoices of 125 kr (100 net + VAT) on one 40,000 kr line


def main(site, invoices=1000):
	try:
		run_on_site(site, run, invoices)
	finally:
		for path in glob.glob(os.path.join(site, "private", "files", "bench-einv-*")):
			os.remove(path)


def run(invoices):
	from borgerbudget import rules
	from borgerbudget.accounting.builders import build_purchase_invoice
	from borgerbudget.einvoice import intake, samples
	from tests.integration import factories

	factories.ensure_test_users()
	frappe.set_user("Administrator")
	digits = f"579{random.randint(0, 10**9 - 1):09d}"
	gln = digits + rules.reference.gln_check_digit(digits)
	cvr = next(
		c
		for c in (f"{random.randint(10**7, 10**8 - 1)}" for _ in range(1000))
		if rules.reference.valid_cvr(c)
	)
	supplier = factories.make_supplier("_Bench E-invoice supplier " + cvr)
	frappe.db.set_value("Supplier", supplier, "cvr_number", cvr)
	programme = factories.make_programme(ean_location_number=gln)
	count = -(-invoices // PER_LINE)

	def lines():
		made = []
		for _ in range(count):
			plan = factories.approved_plan(
				programme, lines=[{"description": "Course", "amount": 40000, "supplier": supplier}]
			)
			made.append(plan.lines[0])
		frappe.set_user("Administrator")
		return made

	direct_lines, einvoice_lines = lines(), lines()
	documents = [
		(
			f"bench-einv-{n}.xml",
			samples.make(
				"Invoice",
				"oioubl",
				number=f"B-{n}",
				order_reference=einvoice_lines[n // PER_LINE].payment_reference,
				buyer_gln=gln,
				supplier_cvr=cvr,
				amount="100.00",
			),
		)
		for n in range(invoices)
	]
	print(f"{invoices} invoices on {count} lines each way; gunicorn not involved (in-process)")

	started = time.perf_counter()
	for n in range(invoices):
		line = direct_lines[n // PER_LINE]
		invoice = build_purchase_invoice(line.parent, line.name, 125)
		invoice.update({"bill_no": f"D-{n}", "bill_date": frappe.utils.today()})
		invoice.insert()
	direct = time.perf_counter() - started

	started = time.perf_counter()
	statuses = {}
	for filename, content in documents:
		(result,) = intake.take_in(content, filename, intake.UPLOAD)
		statuses[result["status"]] = statuses.get(result["status"], 0) + 1
	ours = time.perf_counter() - started

	print(f"{'':<44}{'total s':>10}{'per invoice ms':>16}")
	print(f"{'E0 draft Purchase Invoices, directly':<44}{direct:>10.1f}{direct / invoices * 1000:>16.1f}")
	print(f"{'E1 e-invoices taken in and matched':<44}{ours:>10.1f}{ours / invoices * 1000:>16.1f}")
	print(f"ratio E1 / E0: {ours / direct:.2f} (goal <= 1.5); statuses: {statuses}")


if __name__ == "__main__":
	main(sys.argv[1], *[int(value) for value in sys.argv[2:]])
