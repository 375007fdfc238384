"""Bring a fresh ERPNext site to a state a Danish municipality can work in.

Called by the set-up script (`bench --site S execute borgerbudget.setup.site.setup_municipality`)
and by the test bootstrap. Idempotent: it completes ERPNext's setup wizard only once.
"""

import frappe
from frappe.utils import getdate, today

from borgerbudget.setup.payouts import create_citizen_groups

DEFAULT_COMPANY = "Demo Kommune"
DEFAULT_ABBR = "DK"


def setup_municipality(company_name=DEFAULT_COMPANY, abbr=DEFAULT_ABBR, language="Dansk"):
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	if not frappe.is_setup_complete():
		year = getdate(today()).year
		setup_complete(
			{
				"language": language,
				"country": "Denmark",
				"timezone": "Europe/Copenhagen",
				"currency": "DKK",
				"company_name": company_name,
				"company_abbr": abbr,
				"chart_of_accounts": "Standard",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"full_name": "Administrator",
				"email": "admin@example.com",
			}
		)
	ensure_fiscal_years(company_name)
	ensure_payout_accounts(company_name)
	# The party groups hang under trees that ERPNext's setup wizard creates, after install.
	create_citizen_groups()
	frappe.db.commit()
	return company_name


def ensure_fiscal_years(company):
	"""Fiscal years for last, this and next calendar year, so need dates near New Year book."""
	year = getdate(today()).year
	for fiscal_year in (year - 1, year, year + 1):
		name = str(fiscal_year)
		if frappe.db.exists("Fiscal Year", {"year_start_date": f"{fiscal_year}-01-01"}):
			continue
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": name,
				"year_start_date": f"{fiscal_year}-01-01",
				"year_end_date": f"{fiscal_year}-12-31",
				"companies": [{"company": company}],
			}
		).insert()


def ensure_payout_accounts(company):
	"""The accounts a programme books payouts to, created once per company."""
	from borgerbudget.accounting import PAYOUT_ACCOUNTS

	details = frappe.get_cached_doc("Company", company)
	receivables = frappe.db.get_value("Account", details.default_receivable_account, "parent_account")
	expenses = frappe.db.get_value(
		"Account",
		{"company": company, "root_type": "Expense", "is_group": 1, "account_name": "Indirect Expenses"},
	) or frappe.db.get_value(
		"Account", {"company": company, "root_type": "Expense", "is_group": 1}, order_by="lft desc"
	)
	parents = {"Expense": expenses, "Allowance": expenses, "Payable": receivables, "Receivable": receivables}
	for kind, account_name in PAYOUT_ACCOUNTS.items():
		if frappe.db.exists("Account", {"company": company, "account_name": account_name}):
			continue
		frappe.get_doc(
			{
				"doctype": "Account",
				"company": company,
				"account_name": account_name,
				"parent_account": parents[kind],
				"account_type": kind if parents[kind] == receivables else "",
			}
		).insert()
