"""The install and migrate hooks (hooks.py: after_install, after_migrate)."""

import frappe

from borgerbudget.setup.access_log import setup_access_log
from borgerbudget.setup.payouts import setup_payouts
from borgerbudget.setup.seeds import create_benefit_types, create_budget_categories
from borgerbudget.setup.workspaces import setup_workspace_roles

# frappe refuses a new user once more than `throttle_user_limit` (default 60) were made in the last
# hour. A cohort's citizens all log in with MitID for the first time on the kick-off morning, and
# each first login makes their user: a site's limit must hold several cohorts at once.
USER_LIMIT = 1000


def size_user_throttle():
	if (frappe.conf.get("throttle_user_limit") or 0) < USER_LIMIT:
		from frappe.installer import update_site_config

		update_site_config("throttle_user_limit", USER_LIMIT)
		frappe.local.conf.throttle_user_limit = USER_LIMIT


def ensure_encryption_key():
	"""The site's own key for the CPR vault, made now rather than at the first CPR number, so that
	an operator can put it with the backups from the first day (README: backups and the key)."""
	from frappe.utils.password import get_encryption_key

	get_encryption_key()  # writes a new key into site_config.json when there is none


def after_install():
	ensure_encryption_key()
	create_benefit_types()
	create_budget_categories()
	setup_payouts()
	setup_access_log()
	setup_workspace_roles()
	size_user_throttle()


def after_migrate():
	ensure_encryption_key()
	setup_payouts()
	setup_access_log()
	setup_workspace_roles()
	size_user_throttle()
