# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""The site's MitID broker (OpenID Connect) and how logins through it are checked."""

import frappe
from frappe import _
from frappe.model.document import Document


class MitIDSettings(Document):
	def validate(self):
		if self.enabled and "openid" not in (self.scopes or "").split():
			frappe.throw(_("The scopes must include openid."))
		if self.issuer_url:
			self.issuer_url = self.issuer_url.strip()
			if not self.issuer_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
				frappe.throw(_("The issuer URL must use https."))
		if self.disable_citizen_password_login and not self.enabled:
			frappe.throw(_("Turn MitID on before turning the citizens' password login off."))
