import frappe

from borgerbudget.portal import plan_form_context
from borgerbudget.representation import acting_for


def get_context(context):
	plan_form_context(context)
	# A citizen has one plan: take them straight to it instead of a list of one. A representative
	# goes to the plan of the citizen they chose to work for (/act-for).
	if frappe.form_dict.is_list and frappe.session.user != "Guest":
		participant = acting_for()
		filters = {"participant": participant} if participant else {}
		plans = frappe.get_list("Budget Plan", filters=filters, pluck="name", limit=2)
		if len(plans) == 1:
			frappe.redirect(f"/my-budget-plan/{plans[0]}/edit")
