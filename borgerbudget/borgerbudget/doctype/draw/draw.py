# Copyright (c) 2026, Borgerbudget contributors
# For license information, please see license.txt

"""The random draw of places (lodtrækning): fair (rules.draw.draw_order), reproducible from the
recorded seed and pool, and immutable once submitted."""

import secrets

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.participant.participant import places_taken


class Draw(Document):
	def validate(self):
		if not frappe.db.get_value("Budget Programme", self.programme, "is_active"):
			frappe.throw(_("Programme {0} is not active.").format(self.programme))
		if not self.places:
			self.places = remaining_capacity(self.programme)
		if self.places < 1:
			frappe.throw(_("Programme {0} has no places left to draw this year.").format(self.programme))

	def before_submit(self):
		# The programme's lock keeps two draws (or a draw and an enrolment) from sharing places.
		frappe.db.get_value("Budget Programme", self.programme, "name", for_update=True)
		pool = draw_pool(self.programme)
		if not pool:
			frappe.throw(_("No eligible participants in Screening in programme {0}.").format(self.programme))
		self.places = min(self.places, remaining_capacity(self.programme))
		self.seed = self.seed or secrets.token_hex(16)
		self.pool_fingerprint = rules.draw.pool_fingerprint(pool)
		drawn = set(rules.draw.draw(pool, self.places, self.seed))
		self.set("pool", [])
		for rank, participant in enumerate(rules.draw.draw_order(pool, self.seed), start=1):
			self.append(
				"pool", {"participant": participant, "draw_rank": rank, "drawn": int(participant in drawn)}
			)
		self.pool_size, self.drawn_count = len(pool), len(drawn)
		self.ran_by, self.ran_on = frappe.session.user, now_datetime()

	def on_submit(self):
		for row in self.pool:
			participant = frappe.get_doc("Participant", row.participant)
			if row.drawn:
				participant.recruitment_route = rules.draw.RANDOM_DRAW
				participant.draw = self.name
				participant.offer()
			elif self.keep_control_group:
				participant.db_set("control_group_draw", self.name)

	def before_cancel(self):
		frappe.throw(_("A draw is final: it cannot be cancelled."))

	@frappe.whitelist()
	def verify(self) -> dict:
		"""Recompute the draw from the recorded seed and pool."""
		self.check_permission("read")
		pool = [row.participant for row in self.pool]
		drawn = {row.participant for row in self.pool if row.drawn}
		return {
			"fingerprint_matches": rules.draw.pool_fingerprint(pool) == self.pool_fingerprint,
			"result_matches": set(rules.draw.draw(pool, self.drawn_count, self.seed)) == drawn,
		}


def draw_pool(programme):
	"""The pseudonymous ids of the eligible participants in Screening whom the caseworker found suitable."""
	return frappe.get_all(
		"Participant",
		filters={
			"programme": programme,
			"status": rules.intake.SCREENING,
			"eligible": 1,
			"screening_assessment": "Suitable",
		},
		pluck="name",
	)


def remaining_capacity(programme):
	"""This year's places not yet taken by enrolled participants or held by open offers."""
	taken = places_taken(programme)
	return rules.intake.places_left(taken.capacity, taken.enrolled, taken.open_offers)
