from urllib.parse import quote

import frappe

from borgerbudget.portal import amendment_form_context


def get_context(context):
	# The list and the form go through the amendment's permission hooks (apply_document_permissions).
	amendment_form_context(context)
	# Citizens (and their representatives) ask for a change, and follow it, on the page /my-change
	# (mobile-first, one question a step): the list and a new request lead there. Staff work on
	# changes in the desk. The edit route stays for whoever follows an old link to a request.
	if (
		(frappe.form_dict.is_list or frappe.form_dict.is_new)
		and frappe.session.user != "Guest"
		and frappe.get_cached_value("User", frappe.session.user, "user_type") == "Website User"
	):
		plan = frappe.form_dict.get("budget_plan")
		frappe.redirect("/my-change" + (f"?plan={quote(plan)}" if plan else ""))
