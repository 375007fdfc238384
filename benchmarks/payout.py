"""Payout benchmark on a real site: what our hooks cost on top of ERPNext's own documents.

  P1  create and submit a Purchase Invoice for a budget line through borgerbudget's API
      (create_purchase_invoice: the plan lock, the limits and the write-back), against
      the same invoice made directly with ERPNext's API without a budget line, in the same run.
  P2  pay one such invoice with a Payment Entry, against paying the plain ERPNext invoice.
  P4  a payment run over 1,000 approved lines (1,000 invoices): total time, and its ratio to
      1,000 x the single payment time and to 1,000 x the P1 invoice time.

Run from the bench's sites folder, against a site with allow_tests (it uses the test users):

  ../env/bin/python ../apps/borgerbudget/benchmarks/payout.py SITE [lines] [--commit]

Everything it makes is rolled back at the end, and the payment run then runs in one transaction.
With --commit the run commits each payment as the background job does; the documents stay, so
use a scratch site for that.
"""

import statistics
import sys
import time

import frappe
from bench_site import run_on_site  # a script's own folder is on sys.path

SAMPLES = 60
AFTER = 20  # payments timed again after the run, when the supplier's ledger is 1,000 entries longer
LINES_PER_PLAN = 20


def main(site, lines=1000, commit=False):
	run_on_site(site, run, lines, commit)


def run(lines, commit):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	from borgerbudget import accounting
	from tests.integration import factories

	factories.ensure_test_users()
	frappe.set_user("Administrator")
	# A new supplier each run: ERPNext's payment work grows with the party's ledger.
	supplier = factories.make_supplier("_Bench Supplier " + frappe.generate_hash(length=6))
	finance = factories.user("finance")

	def plans(programme, count):
		made = []
		for _ in range(count):
			made.append(
				factories.approved_plan(
					programme,
					lines=[
						{"description": f"Course {i}", "amount": 2000, "supplier": supplier}
						for i in range(LINES_PER_PLAN)
					],
				)
			)
		frappe.set_user("Administrator")
		return made

	def ours(plan, line):
		return accounting.create_purchase_invoice(plan.name, line.name, submit=True).name

	def direct(programme):
		doc = frappe.get_doc(
			{
				"doctype": "Purchase Invoice",
				"company": programme.company,
				"supplier": supplier,
				"posting_date": frappe.utils.today(),
				"items": [
					{
						"item_name": "Course",
						"description": "Course",
						"qty": 1,
						"rate": 2000,
						"uom": "Nos",
						"expense_account": programme.expense_account,
						"cost_center": programme.cost_center,
					}
				],
			}
		)
		doc.insert()
		doc.submit()
		return doc.name

	def pay(invoice):
		payment = get_payment_entry("Purchase Invoice", invoice)
		payment.reference_no, payment.reference_date = "bench", frappe.utils.today()
		payment.insert()
		payment.submit()

	def timed(fn, *args):
		start = time.perf_counter()
		result = fn(*args)
		return time.perf_counter() - start, result

	print(
		f"site {frappe.local.site}, frappe {frappe.__version__}, erpnext {frappe.get_attr('erpnext.__version__')}"
	)
	started = time.perf_counter()
	p1_programme = factories.make_programme()
	p1_lines = [
		(plan, line)
		for plan in plans(p1_programme, -(-(SAMPLES + AFTER) // LINES_PER_PLAN))
		for line in plan.lines
	]
	print(f"set-up for P1/P2: {len(p1_lines)} approved lines in {time.perf_counter() - started:.1f} s")

	frappe.set_user(finance)
	ours_times, direct_times, ours_invoices, direct_invoices = [], [], [], []
	for plan, line in p1_lines[:SAMPLES]:  # interleaved, so both see the same database state
		seconds, name = timed(ours, plan, line)
		ours_times.append(seconds)
		ours_invoices.append(name)
		seconds, name = timed(direct, p1_programme)
		direct_times.append(seconds)
		direct_invoices.append(name)
	p1_ours, p1_direct = statistics.median(ours_times), statistics.median(direct_times)
	print(
		f"P1 invoice for a budget line: {p1_ours * 1000:.1f} ms (median of {SAMPLES}); "
		f"plain ERPNext invoice: {p1_direct * 1000:.1f} ms; ratio {p1_ours / p1_direct:.2f}x (goal <= 1.25x)"
	)

	pay_ours = [timed(pay, name)[0] for name in ours_invoices]
	pay_direct = [timed(pay, name)[0] for name in direct_invoices]
	p2_ours, p2_direct = statistics.median(pay_ours), statistics.median(pay_direct)
	print(
		f"P2 payment of a budget line's invoice: {p2_ours * 1000:.1f} ms; of a plain invoice: "
		f"{p2_direct * 1000:.1f} ms; ratio {p2_ours / p2_direct:.2f}x"
	)

	frappe.set_user("Administrator")
	started = time.perf_counter()
	run_programme = factories.make_programme(yearly_capacity=max(lines // LINES_PER_PLAN + 5, 25))
	run_lines = [
		(plan, line) for plan in plans(run_programme, -(-lines // LINES_PER_PLAN)) for line in plan.lines
	][:lines]
	frappe.set_user(finance)
	for plan, line in run_lines:
		ours(plan, line)
	print(f"set-up for P4: {len(run_lines)} approved lines invoiced in {time.perf_counter() - started:.1f} s")

	if commit:
		frappe.db.commit()
	start = time.perf_counter()
	result = accounting.pay_due_invoices(run_programme.name, commit=commit)
	total = time.perf_counter() - start
	assert len(result["paid"]) == len(run_lines) and not result["failed"], result["failed"][:3]
	frappe.set_user(finance)
	spare = [ours(plan, line) for plan, line in p1_lines[SAMPLES : SAMPLES + AFTER]]
	plain = [direct(p1_programme) for _ in range(AFTER)]
	after_ours = statistics.median(timed(pay, name)[0] for name in spare)
	after_direct = statistics.median(timed(pay, name)[0] for name in plain)
	print(
		f"P2 after the run: payment of a budget line's invoice {after_ours * 1000:.1f} ms; of a plain invoice "
		f"{after_direct * 1000:.1f} ms; ratio {after_ours / after_direct:.2f}x"
	)
	print(
		f"P4 payment run over {len(run_lines)} lines ({'a commit per payment' if commit else 'one transaction'}): {total:.1f} s ({total / len(run_lines) * 1000:.1f} ms each); "
		f"ratio to {len(run_lines)} x single payment {total / (len(run_lines) * p2_ours):.2f}x "
		f"(before the run), {total / (len(run_lines) * after_ours):.2f}x (after it), "
		f"to {len(run_lines)} x P1 invoice {total / (len(run_lines) * p1_ours):.2f}x"
	)


if __name__ == "__main__":
	args = [arg for arg in sys.argv[1:] if arg != "--commit"]
	main(args[0], int(args[1]) if len(args) > 1 else 1000, "--commit" in sys.argv)
