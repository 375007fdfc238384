"""CPR numbers: parsing, the century rule and age."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# CPR numbers: DDMMYY-SSSS. The century follows from the 7th digit (the first of the
# serial) together with the two-digit year, as defined by the CPR office.
_CPR_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


class CprError(ValueError):
	"""A CPR number that cannot be accepted. `code` says why, for a translated message."""

	FORMAT = "format"
	DATE = "date"

	def __init__(self, code: str):
		super().__init__(code)
		self.code = code


@dataclass(frozen=True)
class Cpr:
	digits: str  # ten digits, no dash
	birth_date: date

	def __repr__(self) -> str:
		# Tracebacks with their locals (frappe's error snapshots) show reprs: never the number.
		return f"Cpr({self.masked})"

	@property
	def formatted(self) -> str:
		return f"{self.digits[:6]}-{self.digits[6:]}"

	@property
	def masked(self) -> str:
		return f"{self.digits[:6]}-XXXX"


def cpr_century(seventh_digit: int, two_digit_year: int) -> int:
	if seventh_digit <= 3:
		return 1900
	if seventh_digit in (4, 9):
		return 2000 if two_digit_year <= 36 else 1900
	# 5, 6, 7, 8
	return 2000 if two_digit_year <= 57 else 1800


def parse_cpr(value: str) -> Cpr:
	"""Parse `DDMMYY-SSSS` (the dash may be left out; surrounding spaces are ignored)."""
	match = _CPR_PATTERN.match((value or "").strip())
	if not match:
		raise CprError(CprError.FORMAT)
	day, month, year, serial = match.groups()
	century = cpr_century(int(serial[0]), int(year))
	try:
		birth_date = date(century + int(year), int(month), int(day))
	except ValueError:
		raise CprError(CprError.DATE) from None
	return Cpr(digits=f"{day}{month}{year}{serial}", birth_date=birth_date)


def age_on(birth_date: date, on: date) -> int:
	return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
