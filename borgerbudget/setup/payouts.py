"""What payouts through ERPNext need on any site: custom fields on ERPNext's documents (the links
to budget plans, the supplier's CVR number), accounting dimensions, the citizens' party groups and
Finance's rights on parties; and their removal on uninstall."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from borgerbudget.accounting import CITIZEN_GROUP

ACCOUNTING_DIMENSIONS = ("Participant", "Budget Programme")


def _link(fieldname, label, options, insert_after, **extra):
	return {
		"fieldname": fieldname,
		"label": label,
		"fieldtype": "Link",
		"options": options,
		"insert_after": insert_after,
		"read_only": 1,
		"no_copy": 1,
		"search_index": 1,
		**extra,
	}


# Where a payout document comes from. Read-only: the builders and hooks set them.
PAYOUT_CUSTOM_FIELDS = {
	# The mailbox suppliers send e-invoices to: its XML attachments go to the E-Invoice inbox.
	"Email Account": [
		{
			"fieldname": "receives_e_invoices",
			"label": "Receives E-Invoices",
			"fieldtype": "Check",
			"insert_after": "enable_incoming",
			"depends_on": "enable_incoming",
			"description": "XML invoices and credit notes attached to mails received here go to the E-Invoice inbox",
		}
	],
	"Purchase Invoice": [
		_link("budget_plan", "Budget Plan", "Budget Plan", "supplier_name"),
		_link("budget_advance", "Budget Advance", "Budget Advance", "budget_plan"),
	],
	"Purchase Invoice Item": [
		_link(
			"budget_plan", "Budget Plan", "Budget Plan", "description", read_only=0, no_copy=0, in_list_view=0
		),
		{
			"fieldname": "budget_line",
			"label": "Budget Line",
			"fieldtype": "Data",
			"insert_after": "budget_plan",
			"search_index": 1,
			"description": "The row id of the plan's budget line",
		},
		{
			"fieldname": "budget_advance_receipt",
			"label": "Budget Advance Receipt",
			"fieldtype": "Data",
			"insert_after": "budget_line",
			"read_only": 1,
			"hidden": 1,
		},
	],
	"Payment Entry": [
		_link("budget_plan", "Budget Plan", "Budget Plan", "party_name"),
		_link("budget_advance", "Budget Advance", "Budget Advance", "budget_plan"),
		_link("payout_batch", "Payout Batch", "Payout Batch", "budget_advance"),
		{
			"fieldname": "end_to_end_id",
			"label": "End-to-End ID",
			"fieldtype": "Data",
			"insert_after": "payout_batch",
			"read_only": 1,
			"no_copy": 1,
			"description": "The payment's id in the payout batch's bank file",
		},
	],
	"Journal Entry": [
		_link("repayment_claim", "Repayment Claim", "Repayment Claim", "voucher_type"),
		# A payment the bank refused after its period was closed, or one invoice's share of a
		# payment that paid several (accounting/reversal.py).
		_link("reverses_payment", "Reverses Payment", "Payment Entry", "repayment_claim"),
	],
	"Supplier": [
		_link("participant", "Participant", "Participant", "supplier_group"),
		# What an e-invoice names its seller by. Unique: two suppliers with one CVR would make the
		# match ambiguous (a company's branches share theirs: register it once).
		{
			"fieldname": "cvr_number",
			"label": "CVR Number",
			"fieldtype": "Data",
			"insert_after": "tax_id",
			"unique": 1,
			"no_copy": 1,
			"description": "The supplier's 8-digit Danish company registration number",
		},
	],
	"Customer": [_link("participant", "Participant", "Participant", "customer_group")],
}


def setup_payouts():
	"""What payouts through ERPNext need on any site; the accounts come per company (site.ensure_payout_accounts)."""
	create_custom_fields(PAYOUT_CUSTOM_FIELDS, ignore_validate=True)
	create_accounting_dimensions()
	create_citizen_groups()
	grant_finance_party_permissions()


def create_accounting_dimensions():
	"""Every GL entry of a payout carries the participant and the programme."""
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import (
		make_dimension_in_accounting_doctypes,
	)

	for doctype in ACCOUNTING_DIMENSIONS:
		name = frappe.db.get_value("Accounting Dimension", {"document_type": doctype})
		dimension = (
			frappe.get_doc("Accounting Dimension", name)
			if name
			else frappe.get_doc({"doctype": "Accounting Dimension", "document_type": doctype}).insert()
		)
		# ERPNext adds the fields in a background job; payouts need them now. It skips existing fields.
		if not frappe.get_meta("GL Entry").has_field(dimension.fieldname):
			make_dimension_in_accounting_doctypes(dimension)


def create_citizen_groups():
	for doctype, parent_field in (
		("Supplier Group", "parent_supplier_group"),
		("Customer Group", "parent_customer_group"),
	):
		# The root's name depends on the language ERPNext was set up in.
		root = frappe.db.get_value(doctype, {"is_group": 1, parent_field: ("is", "not set")})
		if root and not frappe.db.exists(doctype, CITIZEN_GROUP):
			frappe.get_doc(
				{
					"doctype": doctype,
					doctype.lower().replace(" ", "_") + "_name": CITIZEN_GROUP,
					parent_field: root,
				}
			).insert()


def grant_finance_party_permissions():
	"""Finance creates the citizen's supplier (advances) and customer (repayment claims)."""
	from frappe.permissions import add_permission, update_permission_property

	role = "Borgerbudget Finance"
	for doctype in ("Supplier", "Customer"):
		# Once granted, a site's own changes to the rule are kept.
		if frappe.db.exists(
			"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
		):
			continue
		add_permission(doctype, role)
		for ptype in ("write", "create"):
			update_permission_property(doctype, role, 0, ptype, 1, validate=False)


def remove_payout_setup():
	"""The reverse of setup_payouts, on uninstall."""
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import delete_accounting_dimension

	for doctype in ACCOUNTING_DIMENSIONS:
		name = frappe.db.get_value("Accounting Dimension", {"document_type": doctype})
		if name:
			# ERPNext would remove the fields in a background job, after the doctype is gone.
			delete_accounting_dimension(frappe.get_doc("Accounting Dimension", name))
			frappe.db.delete("Accounting Dimension", {"name": name})
			frappe.db.delete("Accounting Dimension Detail", {"parent": name})
	for doctype, fields in PAYOUT_CUSTOM_FIELDS.items():
		for df in fields:
			frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]})
		frappe.clear_cache(doctype=doctype)
	for doctype in ("Supplier Group", "Customer Group"):
		party = doctype.replace(" Group", "")
		if frappe.db.exists(doctype, CITIZEN_GROUP) and not frappe.db.exists(
			party, {doctype.lower().replace(" ", "_"): CITIZEN_GROUP}
		):
			frappe.delete_doc(doctype, CITIZEN_GROUP, force=True, ignore_permissions=True)
