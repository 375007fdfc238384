"""The course after approval: its length, follow-up dates and the collective course."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from borgerbudget.rules.intake import ENROLLED


def course_running(status: str, course_termination: str | None) -> bool:
	"""An enrolled participant's course runs until a Course Termination ends it."""
	return status == ENROLLED and not course_termination


def add_months(start: date, months: int) -> date:
	"""Same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
	month_index = start.month - 1 + months
	year, month = start.year + month_index // 12, month_index % 12 + 1
	return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# The course's length after approval: 6 months by default, extendable to the programme's maximum.
def extension_problem(start: date, current_end: date, new_end: date, max_months: int) -> str | None:
	if new_end <= current_end:
		return "not_later"
	if new_end > add_months(start, max_months):
		return "too_long"
	return None


# Follow-up: the agreed contact frequency gives the next date.
FOLLOW_UP_INTERVALS = {
	"Weekly": (7, 0),
	"Every two weeks": (14, 0),
	"Monthly": (0, 1),
	"Every two months": (0, 2),
}


def next_follow_up(on: date, frequency: str | None) -> date:
	days, months = FOLLOW_UP_INTERVALS.get(frequency or "", (0, 1))
	return add_months(on, months) + timedelta(days=days)


# The collective course: a kick-off and two workshop days.
def attendance_gap(sessions: list[tuple[date | None, bool]], on: date) -> str | None:
	"""Why a participant has not yet attended the collective course: no session held yet, or a
	session held that they missed. None when they attended every session held so far."""
	held = [attended for day, attended in sessions if day and day <= on]
	if not held:
		return "not_started"
	if not all(held):
		return "missed"
	return None
