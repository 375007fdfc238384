# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""One MitID login attempt: when, how it ended, at which assurance level, and for whom. Never the
CPR number. Written by borgerbudget/mitid/login.py; read through the app's permission rule."""

from frappe.model.document import Document


class MitIDLogin(Document):
	pass
