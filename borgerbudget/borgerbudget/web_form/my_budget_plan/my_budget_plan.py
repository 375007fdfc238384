import frappe

from borgerbudget.portal import plan_form_context


def get_context(context):
	plan_form_context(context)
	# A citizen has one plan: take them straight to it instead of a list of one.
	if frappe.form_dict.is_list and frappe.session.user != "Guest":
		plans = frappe.get_list("Budget Plan", pluck="name", limit=2)
		if len(plans) == 1:
			frappe.redirect(f"/my-budget-plan/{plans[0]}/edit")
