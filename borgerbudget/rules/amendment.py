"""Amendments to an approved plan: what changed, how much, and which route it takes."""

from __future__ import annotations

from dataclasses import dataclass

from borgerbudget.rules.payout import CENT

# Amendments (seed 004: "med mulighed for mindre ændringer på sigt").
ADDED = "Added"
CHANGED = "Changed"
DROPPED = "Dropped"
# An amendment's status: a draft, then assessed or decided by rule, then a plan's decision.
DRAFT = "Draft"
AWAITING_ASSESSMENT = "Awaiting Assessment"
CANCELLED = "Cancelled"
OPEN_STATUSES = (DRAFT, AWAITING_ASSESSMENT)
GREEN_BY_RULE = "Green by Rule"
ASSESSMENT = "Assessment"
# A line given a new purpose is new money, however little its amount changes.
PURPOSE_FIELDS = (
	"description",
	"category",
	"payment_route",
	"supplier",
	"supplier_text",
	"goal",
	"theory_of_change",
)


@dataclass(frozen=True)
class Change:
	kind: str
	key: str | None  # the approved line; None for an added one
	old_amount: float
	new_amount: float
	fields: tuple[str, ...] = ()  # the fields that differ from the approved line
	index: int | None = None  # the position in the proposed lines; None for a dropped line

	@property
	def difference(self) -> float:
		return round(self.new_amount - self.old_amount, 2)

	@property
	def new_money(self) -> float:
		if self.kind == ADDED or set(self.fields) & set(PURPOSE_FIELDS):
			return self.new_amount
		return max(self.difference, 0.0)


def amendment_changes(approved: dict[str, dict], proposed: list[tuple[str | None, dict]]) -> list[Change]:
	"""The diff of an amendment: `approved` maps each approved line to its values, `proposed` is
	the lines after the change as (approved line or None, values). Values hold `amount` and the
	other compared fields; an approved line missing from `proposed` is dropped."""
	changes, seen = [], set()
	for index, (key, values) in enumerate(proposed):
		amount = round(float(values.get("amount") or 0), 2)
		if key is None:
			changes.append(Change(ADDED, None, 0.0, amount, index=index))
			continue
		seen.add(key)
		old = approved[key]
		fields = tuple(name for name in values if values[name] != old.get(name))
		if fields:
			changes.append(
				Change(CHANGED, key, round(float(old.get("amount") or 0), 2), amount, fields, index)
			)
	for key, old in approved.items():
		if key not in seen:
			changes.append(Change(DROPPED, key, round(float(old.get("amount") or 0), 2), 0.0))
	return changes


def amendment_size(changes: list[Change]) -> float:
	"""The new money an amendment directs: what is assessed against the programme's threshold."""
	return round(sum(change.new_money for change in changes), 2)


def amendment_route(changes: list[Change], threshold: float) -> str:
	"""Small changes go green by rule; larger ones through the normal assessment."""
	return GREEN_BY_RULE if amendment_size(changes) <= threshold + CENT else ASSESSMENT


def below_used(changes: list[Change], used: dict[str, float]) -> list[Change]:
	"""Changes that take an approved line below what has been invoiced or committed on it."""
	return [
		change for change in changes if change.key and change.new_amount < used.get(change.key, 0.0) - CENT
	]
