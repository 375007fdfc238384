import frappe

from borgerbudget.portal import plan_form_context


def get_context(context):
	plan_form_context(context)
	# The citizen's plan lives on the page /my-plan (cards, a step-by-step form, mobile-first); it
	# finds the citizen's own plan, or that of the citizen a representative chose (/act-for). The
	# web form's edit route stays for whoever follows an old link.
	if frappe.form_dict.is_list and frappe.session.user != "Guest":
		frappe.redirect("/my-plan")
