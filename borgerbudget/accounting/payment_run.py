"""The payment run: a programme's due invoices paid in the background, and the one way invoices
are paid in bulk (here and in a payout batch): one Payment Entry per supplier for all of that
supplier's invoices, with the plans' write-back done once per plan."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, today

from borgerbudget.accounting import write_back
from borgerbudget.accounting.builders import DIMENSIONS


def due_invoices(programme, due_date=None):
	return frappe.db.sql_list(
		"""select inv.name from `tabPurchase Invoice` inv
		join `tabBudget Plan` plan on plan.name = inv.budget_plan
		where plan.programme = %s and inv.docstatus = 1 and inv.is_return = 0 and inv.on_hold = 0
			and inv.outstanding_amount > 0 and inv.due_date <= %s
		order by inv.due_date, inv.name""",
		(programme, due_date or today()),
	)


def by_supplier(invoices):
	"""{(supplier, payable account): [invoice, ...]}, in the order given: what one Payment Entry pays."""
	if not invoices:
		return {}
	accounts = {
		row.name: (row.supplier, row.credit_to)
		for row in frappe.get_all(
			"Purchase Invoice", filters={"name": ("in", invoices)}, fields=["name", "supplier", "credit_to"]
		)
	}
	groups = defaultdict(list)
	for invoice in invoices:
		if invoice not in accounts:
			frappe.throw(_("Purchase Invoice {0} no longer exists.").format(invoice))
		groups[accounts[invoice]].append(invoice)
	return dict(groups)


def make_invoices_payment(invoices, bank_gl=None, **values):
	"""An unsaved Payment Entry paying every outstanding amount of `invoices` (one supplier's),
	built as ERPNext builds it for one invoice, with the others added as references.

	ERPNext books the entry's dimensions on every row of it; the citizen and the programme are kept
	only when all the invoices share them (the invoices' own rows carry them in any case)."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	held = frappe.get_all("Purchase Invoice", filters={"name": ("in", invoices), "on_hold": 1}, pluck="name")
	if held:
		frappe.throw(
			_("Purchase Invoice {0} is on hold and is not paid.").format(", ".join(held)), title=_("On hold")
		)
	payment = get_payment_entry("Purchase Invoice", invoices[0], bank_account=bank_gl)
	rest = frappe.get_all(
		"Purchase Invoice",
		filters={"name": ("in", invoices[1:] or [""])},
		fields=["name", "bill_no", "due_date", "grand_total", "outstanding_amount"],
	)
	for invoice in sorted(rest, key=lambda row: invoices.index(row.name)):
		payment.append(
			"references",
			{
				"reference_doctype": "Purchase Invoice",
				"reference_name": invoice.name,
				"bill_no": invoice.bill_no,
				"due_date": invoice.due_date,
				"total_amount": invoice.grand_total,
				"outstanding_amount": invoice.outstanding_amount,
				"allocated_amount": invoice.outstanding_amount,
			},
		)
	if rest:
		total = sum(flt(ref.allocated_amount) for ref in payment.references)
		payment.paid_amount = payment.received_amount = total
		payment.base_paid_amount = payment.base_received_amount = total
		shared = frappe.get_all(
			"Purchase Invoice",
			filters={"name": ("in", invoices)},
			fields=[f"count(distinct `{field}`) as `{field}`" for field in DIMENSIONS],
		)[0]
		for field in DIMENSIONS:
			if shared[field] != 1:
				payment.set(field, None)
		payment.set_amounts()
	missing = set(invoices) - {ref.reference_name for ref in payment.references}
	if missing:
		# ERPNext leaves out an invoice it will not pay (blocked, nothing outstanding): an entry
		# without it would pay the supplier money on account instead.
		frappe.throw(
			_("Purchase Invoice {0} cannot be paid now.").format(", ".join(sorted(missing))),
			title=_("Not payable"),
		)
	payment.update(values)
	return payment


def pay_due_invoices(programme, due_date=None, commit=False):
	"""Pay every due invoice of the programme, one Payment Entry per supplier.

	Each supplier's payment stands alone: a failure rolls back that payment only. With `commit`
	(the background job) each one is committed as it is made, so a run that stops halfway can be
	run again and pays only what is still unpaid."""
	paid, failed = [], []
	reference = _("Payment run {0}").format(today())

	def pay(invoices):
		frappe.db.savepoint("payment_run")
		try:
			with write_back.once_per_plan():
				payment = make_invoices_payment(invoices, reference_no=reference, reference_date=today())
				payment.submit()  # inserted as submitted: ERPNext validates the references once, not twice
		except Exception as error:
			frappe.db.rollback(save_point="payment_run")
			frappe.local.message_log = []
			return frappe.utils.strip_html(str(error))
		if commit:
			frappe.db.commit()
		paid.extend({"invoice": invoice, "payment_entry": payment.name} for invoice in invoices)

	for invoices in by_supplier(due_invoices(programme, due_date)).values():
		error = pay(invoices)
		if error and len(invoices) > 1:
			# One bad invoice must not hold back the supplier's others: they are paid one by one.
			for invoice in invoices:
				if single := pay([invoice]):
					failed.append({"invoice": invoice, "error": single})
		elif error:
			failed.append({"invoice": invoices[0], "error": error})
	return {"paid": paid, "failed": failed}


@frappe.whitelist()
def start_payment_run(programme: str, due_date: str | None = None):
	"""Pay the programme's due invoices in the background, as the user who asked."""
	frappe.has_permission("Payment Entry", "create", throw=True)
	frappe.get_doc("Budget Programme", programme).check_permission("read")
	count = len(due_invoices(programme, due_date))
	if not count:
		frappe.throw(
			_("Programme {0} has no unpaid invoices due by {1}.").format(programme, due_date or today())
		)
	frappe.enqueue(
		run_payment_job,
		queue="long",
		timeout=3600,
		programme=programme,
		due_date=due_date,
		enqueue_after_commit=True,
	)
	return count


def run_payment_job(programme, due_date=None):
	result = pay_due_invoices(programme, due_date, commit=True)
	lines = [
		_("Payment run: {0} invoices paid, {1} failed.").format(len(result["paid"]), len(result["failed"]))
	]
	lines += [f"{row['invoice']}: {row['error']}" for row in result["failed"]]
	frappe.get_doc("Budget Programme", programme).add_comment(
		"Info", "<br>".join(frappe.utils.escape_html(line) for line in lines)
	)
	frappe.db.commit()
	frappe.publish_realtime("borgerbudget_payment_run", result, user=frappe.session.user)
	return result
