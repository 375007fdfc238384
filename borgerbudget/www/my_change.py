"""Changes to the citizen's approved plan, mobile-first: the plan's status in words, each change asked
for with its state in words, and a short step-by-step form to ask for one. What is shown comes from
borgerbudget.portal.change_view; asking goes through portal.ask_for_change, and so through the
Budget Plan Amendment's controller and the permission rule, like the desk and REST."""

import frappe
from frappe import _

from borgerbudget import portal

no_cache = 1


def get_context(context):
	doc = portal.citizen_plan(frappe.form_dict.get("plan"))
	context.title = _("Changes to My Plan")
	context.no_breadcrumbs = True
	context.full_width = True
	context.plan = doc and portal.plan_view(doc)
	context.change = doc and portal.change_view(doc)
	context.change_form = doc and portal.change_form(doc)
	context.messages = portal.page_messages()
	context.assets = portal.page_assets()
	return context
