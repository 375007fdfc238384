"""Faults that lose nothing: the RQ worker running a payment run is killed with SIGKILL halfway.
The payments made before are whole (each committed with its ledger rows), the one being made when
it died left nothing, and the next run pays exactly what is left: no invoice is paid twice, no
ledger row is without its document, and every line's paid amount equals its documents."""

import os
import signal
import subprocess
import sys
import time

import frappe
import psutil
import pytest

from borgerbudget import accounting, consistency
from tests.integration.factories import make_programme, make_supplier, remove_programme, user
from tests.integration.test_payout import invoice, invoice_plan

SUPPLIERS = 30  # one Payment Entry each, committed one by one


def paid(invoices) -> list[str]:
	frappe.db.rollback()  # what the worker committed
	return frappe.db.sql_list(
		"""select r.reference_name from `tabPayment Entry Reference` r join `tabPayment Entry` p on p.name = r.parent
		where p.docstatus = 1 and r.reference_name in %s""",
		[invoices],
	)


@pytest.fixture
def run_to_kill():
	"""A programme with one due invoice for each of SUPPLIERS suppliers (committed), and a worker."""
	from frappe.utils.background_jobs import get_redis_conn
	from rq import Worker

	# (A worker killed earlier stays registered until its heartbeat expires: only live ones count.)
	if [w for w in Worker.all(connection=get_redis_conn()) if w.pid and psutil.pid_exists(w.pid)]:
		pytest.fail("Another RQ worker is running on this bench's queue: stop it (scripts/stop) first")
	programme = make_programme(yearly_capacity=SUPPLIERS + 5)
	suppliers = [make_supplier(f"_Test Fault Supplier {i:02d}") for i in range(SUPPLIERS)]
	invoices = []
	for i, supplier in enumerate(suppliers):
		plan = invoice_plan(programme, 1000 + i, supplier=supplier)
		invoices.append(invoice(plan).name)
	frappe.set_user("Administrator")
	frappe.db.commit()
	worker = subprocess.Popen(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", "long"],
		cwd=os.getcwd(),  # the sites folder
		stdout=open(os.path.join(os.getcwd(), "..", "logs", "fault-test-worker.log"), "a"),
		stderr=subprocess.STDOUT,
		start_new_session=True,
	)
	yield frappe._dict(programme=programme.name, invoices=invoices, worker=worker)
	os.killpg(worker.pid, signal.SIGKILL) if worker.poll() is None else None
	frappe.db.rollback()
	frappe.set_user("Administrator")
	remove_programme(programme.name)
	for supplier in suppliers:
		frappe.db.delete("Party Account", {"parent": supplier})
		frappe.delete_doc("Supplier", supplier, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_a_payment_run_killed_halfway_loses_nothing_and_the_next_run_pays_the_rest(run_to_kill):
	world = run_to_kill
	# The programme's payment run, as start_payment_run queues it, at the front of the long queue:
	# the bench's own jobs (rebuilding search indexes after a migrate) may be waiting there.
	frappe.set_user(user("finance"))
	frappe.enqueue(
		accounting.run_payment_job, queue="long", timeout=3600, at_front=True, programme=world.programme
	)
	frappe.db.commit()
	deadline = time.monotonic() + 120
	while len(paid(world.invoices)) < 3:
		assert time.monotonic() < deadline, "the worker paid nothing in two minutes"
		time.sleep(0.05)
	# SIGKILL to the worker and to the process it forked for the job: no cleanup runs.
	worker = psutil.Process(world.worker.pid)
	for process in [*worker.children(recursive=True), worker]:
		process.send_signal(signal.SIGKILL)
	world.worker.wait(timeout=30)
	before = paid(world.invoices)
	assert 3 <= len(before) < SUPPLIERS, "the run should have been killed halfway"
	check_whole(world)

	frappe.set_user(user("finance"))
	second = accounting.pay_due_invoices(world.programme, commit=True)  # as the job runs it
	frappe.set_user("Administrator")
	assert not second["failed"], second["failed"]
	assert sorted(row["invoice"] for row in second["paid"]) == sorted(set(world.invoices) - set(before)), (
		len(before),
		second,
	)
	after = paid(world.invoices)
	assert sorted(after) == sorted(world.invoices)  # each once: a second payment would list it twice
	check_whole(world)


def check_whole(world):
	"""No ledger row without its document, every voucher balanced, every line as its documents say."""
	frappe.db.rollback()
	ledger = consistency.ledger_balanced_and_whole()
	plans = frappe.get_all("Budget Plan", filters={"programme": world.programme}, pluck="name")
	lines = [problem for problem in consistency.lines_against_documents() if problem.split(" ")[0] in plans]
	assert ledger == [] and lines == [], (ledger, lines)
	for name in world.invoices:
		outstanding = frappe.db.get_value("Purchase Invoice", name, "outstanding_amount")
		payments = frappe.db.count("Payment Entry Reference", {"reference_name": name, "docstatus": 1})
		assert (payments, outstanding) in (
			(0, frappe.db.get_value("Purchase Invoice", name, "grand_total")),
			(1, 0),
		)
