"""P4: paying due invoices, the previous way against the new, on the same invoices in one run.

  old    the payment run as it was: one Payment Entry per invoice (ERPNext's get_payment_entry,
         insert, submit), each plan written back after every payment.
  run    today's payment run (`pay_due_invoices`): one Payment Entry per supplier, each plan
         written back once.
  batch  from due to an approved payout batch with its bank file: `make_payout_batch` by one
         finance user, approval by another (the Payment Entries, as `run` makes them, and the
         pain.001 file, validated against its schema).

Each starts from the same state (a savepoint, rolled back after each), and the GL they leave is
compared: the same amounts on the same accounts and parties, every invoice paid, every line's
paid amount the same. Run from the bench's sites folder, against a site with allow_tests:

  ../env/bin/python ../apps/borgerbudget/benchmarks/payment_run.py SITE [invoices ...] [--suppliers N]

Everything it makes is rolled back at the end.
"""

import sys
import time

import frappe
from bench_site import run_on_site  # a script's own folder is on sys.path

LINES_PER_PLAN = 20


def main(site, sizes, suppliers):
	run_on_site(site, run, sizes, suppliers)


def run(sizes, supplier_count):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	from borgerbudget import accounting
	from borgerbudget.borgerbudget.doctype.payout_batch.payout_batch import make_payout_batch
	from tests.integration import factories
	from tests.integration.test_payout_batch import company_account, supplier_account

	print(
		f"site {frappe.local.site}, frappe {frappe.__version__}, erpnext {frappe.get_attr('erpnext.__version__')}"
	)
	factories.ensure_test_users()
	finance, approver = factories.user("finance"), factories.user("finance_approver")
	# All of it is one transaction, rolled back at the end: far more writes than frappe allows a
	# web request (its guard against runaway requests), so the guard is raised for this script.
	frappe.db.MAX_WRITES_PER_TRANSACTION = 10**8

	def old_run(invoices):
		"""The previous pay_due_invoices, line for line (one Payment Entry per invoice)."""
		for invoice in invoices:
			payment = get_payment_entry("Purchase Invoice", invoice)
			payment.reference_no, payment.reference_date = "Payment run", frappe.utils.today()
			payment.insert()
			payment.submit()

	def ledger(programme, invoices):
		"""What a way of paying left: GL per account and party, outstanding and lines' paid amounts."""
		gl = frappe.db.sql(
			"""select account, party, sum(debit) - sum(credit) from `tabGL Entry`
			where is_cancelled = 0 and voucher_type = 'Payment Entry' and voucher_no in (
				select parent from `tabPayment Entry Reference` where reference_name in %(invoices)s)
			group by account, party order by account, party""",
			{"invoices": invoices},
		)
		outstanding = frappe.db.sql(
			"select sum(outstanding_amount) from `tabPurchase Invoice` where name in %(invoices)s",
			{"invoices": invoices},
		)[0][0]
		lines = frappe.db.sql(
			"""select line.name, line.paid_amount, line.payout_status from `tabBudget Line` line
			join `tabBudget Plan` plan on plan.name = line.parent where plan.programme = %s order by line.name""",
			programme,
		)
		return tuple(map(tuple, gl)), float(outstanding), tuple(map(tuple, lines))

	def timed(fn, *args):
		frappe.db.savepoint("p4")
		start = time.perf_counter()
		result = fn(*args)
		seconds = time.perf_counter() - start
		frappe.set_user("Administrator")
		return seconds, result

	frappe.set_user("Administrator")
	account = company_account(factories.company())
	for size in sizes:
		started = time.perf_counter()
		suppliers = [
			factories.make_supplier(f"_Bench P4 {size} {i} {frappe.generate_hash(length=4)}")
			for i in range(supplier_count)
		]
		for supplier in suppliers:
			supplier_account(supplier, branch_code="9570", bank_account_no="12345678")
		programme = factories.make_programme(yearly_capacity=size // LINES_PER_PLAN + 5)
		plans = [
			factories.approved_plan(
				programme,
				lines=[
					{
						"description": f"Course {i}",
						"amount": 2000,
						"supplier": suppliers[(p * LINES_PER_PLAN + i) % supplier_count],
					}
					for i in range(LINES_PER_PLAN)
				],
			)
			for p in range(-(-size // LINES_PER_PLAN))
		]
		frappe.set_user(finance)
		invoices = [
			accounting.create_purchase_invoice(plan.name, line.name, submit=True).name
			for plan in plans
			for line in plan.lines
		][:size]
		frappe.set_user("Administrator")
		print(
			f"\n{size} invoices from {supplier_count} suppliers on {len(plans)} plans: "
			f"set up in {time.perf_counter() - started:.0f} s"
		)
		frappe.db.savepoint("p4_start")

		def old(programme, size):
			frappe.set_user(finance)
			old_run(accounting.payment_run.due_invoices(programme.name))

		def new_run(programme, size):
			frappe.set_user(finance)
			result = accounting.pay_due_invoices(programme.name)
			assert not result["failed"], result["failed"][:3]

		def batch(programme, size):
			frappe.set_user(finance)
			made = make_payout_batch(programme.company, account, frappe.utils.today(), programme.name)
			assert made["payments"] == size and not made["left_out"], made
			frappe.set_user(approver)
			doc = frappe.get_doc("Payout Batch", made["name"])
			doc.submit()
			assert doc.file_sha256 and doc.payment_count == size
			return len({row.payment_entry for row in doc.payments})

		results = {}
		for label, fn in (("old", old), ("run", new_run), ("batch", batch)):
			seconds, made = timed(fn, programme, size)
			results[label] = (seconds, ledger(programme.name, invoices), made)
			frappe.db.rollback(save_point="p4_start")
		base = results["old"][0]
		for label, (seconds, left, made) in results.items():
			_gl, outstanding, _lines = left
			same = left == results["old"][1]
			print(
				f"  {label:5} {seconds:7.1f} s  {seconds / size * 1000:6.1f} ms per invoice  "
				f"ratio {seconds / base:.3f}x to old  outstanding left {outstanding:.2f}  "
				f"same GL and lines as old: {same}" + (f"  ({made} Payment Entries)" if made else "")
			)
			assert outstanding == 0 and same, (label, outstanding)


if __name__ == "__main__":
	args = sys.argv[1:]
	suppliers = 20
	if "--suppliers" in args:
		at = args.index("--suppliers")
		suppliers = int(args[at + 1])
		del args[at : at + 2]
	main(args[0], [int(arg) for arg in args[1:]] or [1000], suppliers)
