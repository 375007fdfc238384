# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""A citizen's request for insight (GDPR art. 15) and its delivery: the portal's download makes
and delivers one at once; a request received by letter or phone is registered here and delivered
with the desk's Insight export (borgerbudget/insight.py)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from borgerbudget import insight


class InsightRequest(Document):
	def validate(self):
		if self.channel == insight.PORTAL and self.is_new() and not self.delivered_on:
			# The portal's request is made and delivered by the download itself.
			frappe.throw(_("A request through the portal is registered by the portal itself."))
		if not self.requested_on:
			self.requested_on = now_datetime()
		if self.is_new() and not self.requested_by:
			self.requested_by = frappe.session.user
		self.deadline = insight.deadline_of(self.requested_on)
		self.status = insight.DELIVERED if self.delivered_on else insight.OPEN

	def deliver(self, file_format):
		"""Delivered now by the session user, in `file_format` (added to any given before)."""
		formats = [part.strip() for part in (self.formats or "").split(",") if part.strip()]
		if file_format not in formats:
			formats.append(file_format)
		self.formats = ", ".join(formats)
		if not self.delivered_on:
			self.delivered_on, self.delivered_by = now_datetime(), frappe.session.user
		self.save()
