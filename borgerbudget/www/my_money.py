"""The citizen's money: each approved line's payout in plain words, and receipts for an advance
(borgerbudget.portal.money_view; receipts are added through portal.add_receipt)."""

import frappe
from frappe import _

from borgerbudget import portal

no_cache = 1


def get_context(context):
	doc = portal.citizen_plan(frappe.form_dict.get("plan"))
	context.title = _("My money")
	context.no_breadcrumbs = True
	context.full_width = True
	context.plan = doc and portal.plan_view(doc)
	context.lines = doc and portal.money_view(doc)
	context.today = frappe.utils.today()
	context.messages = portal.page_messages()
	context.assets = portal.page_assets()
	return context
