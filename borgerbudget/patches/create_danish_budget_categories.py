from borgerbudget.setup.seeds import create_budget_categories


def execute():
	create_budget_categories()
