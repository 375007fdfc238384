# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

from frappe.model.document import Document


class PayoutBatchPayment(Document):
	pass
