"""The Randers timeline on screen: the same data as the print format "Randers One-Page Plan"
(Budget Plan.get_timeline), in large type with few words."""

import frappe
from frappe import _

from borgerbudget import portal

no_cache = 1


def get_context(context):
	doc = portal.citizen_plan(frappe.form_dict.get("plan"))
	context.title = _("My timeline")
	context.no_breadcrumbs = True
	context.full_width = True
	context.plan = doc and portal.plan_view(doc)
	context.timeline = doc and portal.timeline_view(doc)
	context.can_write = bool(doc and doc.has_permission("write"))
	context.messages = portal.page_messages()
	context.assets = portal.page_assets()
	return context
