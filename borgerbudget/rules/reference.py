"""The identifiers on a supplier's e-invoice: the payment reference of a budget line, the
municipality's EAN location number (GLN) and the supplier's CVR number.

A payment reference reads "BB-7CT4-KNX": the prefix, six random characters and a check character,
from an alphabet of 29 characters that are hard to confuse on paper or over the phone (digits 2-9
and the letters without I, L, O, U and Z). The check character makes the weighted sum of the
seven characters (weights 1 to 7) a multiple of 29; 29 is prime, so every single mistyped
character and every swap of two characters is recognised as invalid.

What a supplier types is read leniently (`normalise`): case, spaces, dashes, dots and the prefix
do not matter, and the two letters left out of the alphabet that stand for a character in it are
read as that character (Z as 2, U as V). O, I and L stand for 0 and 1, which references never
contain, so they are not guessed at: such a text is not a reference.
"""

from __future__ import annotations

from borgerbudget.rules import plan

PREFIX = "BB"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = len(ALPHABET)  # 29, a prime
RANDOM_LENGTH = 6
GROUPS = (4, 3)  # "7K3F" "9QX": the random characters, then the check character
RANDOM_BYTES = 8  # enough that the reduction to six characters has no noticeable bias
READ_AS = {"Z": "2", "U": "V"}
SEPARATORS = " \t\r\n\u00a0-\u2010\u2011\u2012\u2013\u2014._/:"

GLN_LENGTH = 13
CVR_LENGTH = 8
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)

assert len(set(ALPHABET)) == MODULUS == 29


def needs_reference(approved: bool, payment_route: str) -> bool:
	"""An approved line paid on a supplier's invoice gets a payment reference to put on it."""
	return bool(approved) and payment_route == plan.SUPPLIER_INVOICE


def check_character(characters: str) -> str:
	"""The character that makes the weighted sum of `characters` and itself a multiple of 29."""
	total = sum(weight * ALPHABET.index(char) for weight, char in enumerate(characters, 1))
	check_weight = len(characters) + 1
	# check_weight * c ≡ -total (mod 29); 29 is prime, so the inverse exists.
	return ALPHABET[(-total * pow(check_weight, -1, MODULUS)) % MODULUS]


def generate(random_bytes: bytes) -> str:
	"""A reference in its canonical form, from at least RANDOM_BYTES random bytes."""
	if len(random_bytes) < RANDOM_BYTES:
		raise ValueError(f"a reference needs {RANDOM_BYTES} random bytes")
	number = int.from_bytes(random_bytes[:RANDOM_BYTES], "big")
	characters = ""
	for _ in range(RANDOM_LENGTH):
		number, digit = divmod(number, MODULUS)
		characters += ALPHABET[digit]
	return canonical(characters + check_character(characters))


def canonical(characters: str) -> str:
	"""'BB-7CT4-KNX' from the seven characters."""
	groups, start = [], 0
	for size in GROUPS:
		groups.append(characters[start : start + size])
		start += size
	return "-".join((PREFIX, *groups))


def is_valid(characters: str) -> bool:
	"""Seven characters of the alphabet whose check character matches."""
	return (
		len(characters) == RANDOM_LENGTH + 1
		and all(char in ALPHABET for char in characters)
		and check_character(characters[:-1]) == characters[-1]
	)


def normalise(text: str | None) -> str | None:
	"""The canonical form of what a supplier typed ('bb 7k3f 9qx', 'BB7K3F9QX', '7K3F-9QX'), or
	None when it is not a valid reference."""
	if not text:
		return None
	characters = "".join(char for char in str(text).upper() if char not in SEPARATORS)
	if characters.startswith(PREFIX) and len(characters) == len(PREFIX) + RANDOM_LENGTH + 1:
		characters = characters[len(PREFIX) :]
	characters = "".join(READ_AS.get(char, char) for char in characters)
	return canonical(characters) if is_valid(characters) else None


def _digits(text: str | None) -> str:
	return "".join(str(text or "").split())


def gln_check_digit(digits: str) -> str:
	"""GS1's mod-10 check digit: weights 3 and 1 alternate from the rightmost digit."""
	total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits)))
	return str(-total % 10)


def normalise_gln(text: str | None) -> str | None:
	"""The 13 digits of an EAN location number (spaces left out), or None when it is not one."""
	digits = _digits(text)
	if len(digits) != GLN_LENGTH or not digits.isascii() or not digits.isdigit():
		return None
	return digits if gln_check_digit(digits[:-1]) == digits[-1] else None


def valid_gln(text: str | None) -> bool:
	return normalise_gln(text) is not None


def normalise_cvr(text: str | None) -> str | None:
	"""The 8 digits of a CVR number ('DK' and spaces left out), or None when it is not one: the
	first digit is not 0 and the weighted sum (2, 7, 6, 5, 4, 3, 2, 1) is a multiple of 11."""
	digits = _digits(text).upper().removeprefix("DK")
	if len(digits) != CVR_LENGTH or not digits.isascii() or not digits.isdigit() or digits[0] == "0":
		return None
	total = sum(weight * int(digit) for weight, digit in zip(CVR_WEIGHTS, digits))
	return digits if total % 11 == 0 else None


def valid_cvr(text: str | None) -> bool:
	return normalise_cvr(text) is not None
