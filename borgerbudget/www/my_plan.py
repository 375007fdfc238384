"""The citizen's plan, mobile-first: the budget lines as cards, a step-by-step form for a line, the
plan's four parts and submitting. Everything shown comes from borgerbudget.portal.plan_view; every
change goes through the whitelisted methods there, and so through the plan's controller."""

import frappe
from frappe import _

from borgerbudget import portal

no_cache = 1


def get_context(context):
	doc = portal.citizen_plan(frappe.form_dict.get("plan"))
	context.title = _("My plan")
	context.no_breadcrumbs = True
	context.full_width = True
	context.plan = doc and portal.plan_view(doc)
	context.line_form = doc and portal.line_form(doc)
	context.messages = portal.page_messages()
	context.assets = portal.page_assets()
	return context
