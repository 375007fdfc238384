import frappe

from borgerbudget import rules


def execute():
	"""The method's parts, once read from its name, become the programme's capabilities; plans and
	follow-ups carry their programme's."""
	for programme in frappe.get_all("Budget Programme", fields=["name", "method"]):
		for capability in rules.programme.capabilities_of(programme.method):
			frappe.db.set_value("Budget Programme", programme.name, capability, 1, update_modified=False)
	frappe.db.sql(
		"""update `tabBudget Plan` plan join `tabBudget Programme` programme on programme.name = plan.programme
		set plan.dream_and_next_step = programme.dream_and_next_step"""
	)
	frappe.db.sql(
		"""update `tabFollow-up` follow_up join `tabBudget Programme` programme on programme.name = follow_up.programme
		set follow_up.quality_of_life_scores = programme.quality_of_life_scores"""
	)
