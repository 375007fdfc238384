"""The payment run: every due invoice of a programme paid, one Payment Entry each, in the
background."""

import frappe
from frappe import _
from frappe.utils import today


def due_invoices(programme, due_date=None):
	return frappe.db.sql_list(
		"""select inv.name from `tabPurchase Invoice` inv
		join `tabBudget Plan` plan on plan.name = inv.budget_plan
		where plan.programme = %s and inv.docstatus = 1 and inv.is_return = 0 and inv.on_hold = 0
			and inv.outstanding_amount > 0 and inv.due_date <= %s
		order by inv.due_date, inv.name""",
		(programme, due_date or today()),
	)


def pay_due_invoices(programme, due_date=None, commit=False):
	"""Pay every due invoice of the programme, one Payment Entry each.

	Each payment stands alone: a failure rolls back that payment only. With `commit` (the
	background job) each one is committed as it is made, so a run that stops halfway can be
	run again and pays only what is still unpaid."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	paid, failed = [], []
	reference = _("Payment run {0}").format(today())
	for invoice in due_invoices(programme, due_date):
		frappe.db.savepoint("payment_run")
		try:
			payment = get_payment_entry("Purchase Invoice", invoice)
			payment.reference_no = reference
			payment.reference_date = today()
			payment.insert()
			payment.submit()
		except Exception as error:
			frappe.db.rollback(save_point="payment_run")
			frappe.local.message_log = []
			failed.append({"invoice": invoice, "error": frappe.utils.strip_html(str(error))})
			continue
		if commit:
			frappe.db.commit()
		paid.append({"invoice": invoice, "payment_entry": payment.name})
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
