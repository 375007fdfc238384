# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class BudgetLine(Document):
	pass


# Everything the evaluation reads of a line, by plan: the reports sum a programme's lines from this
# narrow index alone, which stays in memory where the table, many times wider, would not.
EVALUATION_INDEX = (
	"parent",
	"parenttype",
	"approved",
	"category",
	"theory_of_change_result",
	"amount",
	"invoiced_amount",
	"paid_amount",
)


# The same, by programme and in the order the reports group: a programme's lines summed as they are
# read, without a join or a temporary table (evaluation.line_scope).
PROGRAMME_INDEX = (
	"programme",
	"parenttype",
	"category",
	"theory_of_change_result",
	"approved",
	"amount",
	"invoiced_amount",
	"paid_amount",
)


def on_doctype_update():
	frappe.db.add_index("Budget Line", list(EVALUATION_INDEX), index_name="evaluation_index")
	frappe.db.add_index("Budget Line", list(PROGRAMME_INDEX), index_name="programme_evaluation_index")
