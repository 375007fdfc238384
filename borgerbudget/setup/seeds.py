"""The records every site starts with: the Danish benefit types and budget categories.

Made on install (the categories also by a patch, for sites installed before them); records that
exist are kept.
"""

import frappe

from borgerbudget.rules.plan import BUDGET_CATEGORIES

# The Danish benefit types a screening refers to. Municipalities may add their own.
BENEFIT_TYPES = (
	("Kontanthjælp", "Cash benefit"),
	("Uddannelseshjælp", "Education benefit for young people without education"),
	("Integrationsydelse", "Integration benefit"),
	("Selvforsørgelses- og hjemrejseydelse", "Self-support and return benefit"),
	("Ressourceforløbsydelse", "Benefit during a resource course"),
	("Sygedagpenge", "Sickness benefit"),
	("Arbejdsløshedsdagpenge", "Unemployment insurance benefit"),
	("Ledighedsydelse", "Benefit for persons approved for flexjob"),
	("Ingen ydelse", "No public benefit"),
)


def create_benefit_types():
	for name, description in BENEFIT_TYPES:
		if not frappe.db.exists("Benefit Type", name):
			frappe.get_doc(
				{"doctype": "Benefit Type", "benefit_type_name": name, "description": description}
			).insert()


def create_budget_categories():
	for name in BUDGET_CATEGORIES:
		if not frappe.db.exists("Budget Category", name):
			frappe.get_doc({"doctype": "Budget Category", "category_name": name}).insert()
