# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from borgerbudget.borgerbudget.doctype.budget_plan import budget_plan
from borgerbudget.borgerbudget.doctype.participant.participant import (
	can_see_participant,
	sees_all_participants,
	visible_participant_condition,
)

CASEWORKER_ROLES = budget_plan.CASEWORKER_ROLES


class BudgetPlanNote(Document):
	pass


def is_citizen_only(user):
	return not CASEWORKER_ROLES.intersection(frappe.get_roles(user)) and not sees_all_participants(user)


def get_permission_query_conditions(user=None, doctype=None):
	user = user or frappe.session.user
	plans = visible_participant_condition("`tabBudget Plan`.`participant`", user)
	if not plans:
		return ""
	condition = f"`tabBudget Plan Note`.`budget_plan` in (select `tabBudget Plan`.`name` from `tabBudget Plan` where {plans})"
	if is_citizen_only(user):
		# Internal notes are never shown to the citizen.
		condition += " and `tabBudget Plan Note`.`visible_to_citizen` = 1"
	return condition


def has_permission(doc, ptype=None, user=None, debug=False):
	user = user or frappe.session.user
	if is_citizen_only(user) and not doc.visible_to_citizen:
		return False
	return can_see_participant(frappe.db.get_value("Budget Plan", doc.budget_plan, "participant"), user)
