"""Payouts on ERPNext's own documents (seed 004, "Udbetaling af midler").

Finance works in Purchase Invoice, Payment Entry and Journal Entry; there is no ledger of our own.
The app builds those documents from budget lines and, through `doc_events`, keeps each line's
committed / invoiced / paid amounts in step with them. One module per concern:

- `money` — the locked entry point: `get_plan`, the plan's lock (`lock_plans`), `line_money`, and
  the checks every payout passes (`check_within_limits`, `payable_line`, `check_declaration`).
- `builders` — the documents the app makes (`make_purchase_invoice`, `create_purchase_invoice`,
  `make_advance_payment`, `make_settlement_invoice`, `make_repayment_journal_entry`,
  `make_claim_payment`) and the accounting an invoice item carries.
- `purchase_invoice`, `payment_entry`, `journal_entry`, `supplier` — the `doc_events` of each
  doctype (`validate_*`, `on_*_change`), as `hooks.py` names them.
- `write_back` — `update_line_payouts`, which writes the amounts onto the lines and bumps the
  plan's `money_version`, and the refreshes of advances and claims.
- `payment_run` — paying invoices in bulk, one Payment Entry per supplier (`make_invoices_payment`),
  and a programme's due invoices (`start_payment_run`, `pay_due_invoices`).
- `reversal` — taking back a payment the bank refused (`take_back`): cancelled, or booked back
  when its period is closed or it paid other invoices too.
- `parties` — the citizen as supplier and customer, and the programmes' payout accounts.

The programme's payout summary lives with the report that shows it
(`report/budget_payouts/budget_payouts.py`, `programme_summary`).

The names below are re-exported so the whitelisted paths (`/api/method/borgerbudget.accounting.<name>`,
`frappe.call` in the forms) and the modules that call `accounting.<name>` keep working.
"""

from borgerbudget.accounting.builders import (
	create_purchase_invoice,
	make_advance_payment,
	make_claim_payment,
	make_purchase_invoice,
	make_repayment_journal_entry,
	make_settlement_invoice,
)
from borgerbudget.accounting.money import (
	check_declaration,
	check_within_limits,
	get_plan,
	line_money,
	lock_plans,
	payable_line,
)
from borgerbudget.accounting.parties import (
	CITIZEN_GROUP,
	PAYOUT_ACCOUNTS,
	citizen_supplier,
	default_payout_account,
)
from borgerbudget.accounting.payment_entry import advance_payment

# run_payment_job: a payment run queued before this module moved is unpickled by this path.
from borgerbudget.accounting.payment_run import pay_due_invoices, run_payment_job, start_payment_run
from borgerbudget.accounting.write_back import (
	latest_advance_statuses,
	line_payout_values,
	update_line_payouts,
)

__all__ = [
	"CITIZEN_GROUP",
	"PAYOUT_ACCOUNTS",
	"advance_payment",
	"check_declaration",
	"check_within_limits",
	"citizen_supplier",
	"create_purchase_invoice",
	"default_payout_account",
	"get_plan",
	"latest_advance_statuses",
	"line_money",
	"line_payout_values",
	"lock_plans",
	"make_advance_payment",
	"make_claim_payment",
	"make_purchase_invoice",
	"make_repayment_journal_entry",
	"make_settlement_invoice",
	"pay_due_invoices",
	"payable_line",
	"run_payment_job",
	"start_payment_run",
	"update_line_payouts",
]
