"""The install and migrate hooks (hooks.py: after_install, after_migrate)."""

from borgerbudget.setup.payouts import setup_payouts
from borgerbudget.setup.seeds import create_benefit_types, create_budget_categories


def after_install():
	create_benefit_types()
	create_budget_categories()
	setup_payouts()


def after_migrate():
	setup_payouts()
