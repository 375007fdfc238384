# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A change a representative made on a citizen's behalf (borgerbudget/representation.py writes it)."""

from frappe.model.document import Document


class RepresentativeAction(Document):
	pass
