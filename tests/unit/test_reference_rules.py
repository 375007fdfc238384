"""Payment references, EAN location numbers and CVR numbers: the identifiers on an e-invoice."""

import os
import re

import pytest

from borgerbudget import rules

reference = rules.reference
CANONICAL = re.compile(r"^BB-[23456789ABCDEFGHJKMNPQRSTVWXY]{4}-[23456789ABCDEFGHJKMNPQRSTVWXY]{3}$")


def characters_of(ref):
	return ref.removeprefix("BB-").replace("-", "")


def sample(n=2000):
	# Deterministic "random" bytes, so a failure can be reproduced.
	return [reference.generate(i.to_bytes(8, "big")) for i in range(0, n * 7919, 7919)]


def test_the_alphabet_has_no_character_that_is_easily_confused():
	assert len(reference.ALPHABET) == 29
	assert not set("01ILOUZ") & set(reference.ALPHABET)


def test_a_generated_reference_has_the_canonical_form_and_is_valid():
	for ref in sample():
		assert CANONICAL.match(ref), ref
		assert reference.normalise(ref) == ref


def test_generation_is_a_function_of_the_bytes_given():
	assert reference.generate(b"\x01" * 8) == reference.generate(b"\x01" * 8)
	assert reference.generate(b"\x01" * 8) != reference.generate(b"\x02" * 8)
	# Bytes beyond the first eight are not used.
	assert reference.generate(b"\x01" * 8 + b"x") == reference.generate(b"\x01" * 8)


def test_too_few_random_bytes_are_refused():
	with pytest.raises(ValueError):
		reference.generate(b"1234567")


def test_generated_references_spread_over_the_alphabet():
	refs = [reference.generate(os.urandom(8)) for _ in range(3000)]
	assert len(set(refs)) == len(refs)
	first = {ref[3] for ref in refs}
	assert first == set(reference.ALPHABET)


def test_what_a_supplier_types_is_read_leniently():
	ref = reference.generate(b"\x00\x11\x22\x33\x44\x55\x66\x77")
	characters = characters_of(ref)
	for typed in (
		ref,
		ref.lower(),
		f"  {ref}  ",
		"BB" + characters,
		"bb " + characters[:4] + " " + characters[4:],
		characters,
		characters[:4] + "-" + characters[4:],
		"BB–" + characters[:4] + "–" + characters[4:],  # en dashes from a word processor
		"BB." + characters,
	):
		assert reference.normalise(typed) == ref, typed


def test_z_is_read_as_2_and_u_as_v():
	ref = next(r for r in sample() if "2" in r[3:] and "V" in r[3:])
	assert reference.normalise(ref.replace("2", "Z").replace("V", "U")) == ref
	assert reference.normalise(ref.replace("2", "z").replace("V", "u")) == ref


@pytest.mark.parametrize(
	"text", [None, "", "BB-", "BB-7K3F-9Q", "hello", "BB-7K3F-9QXX", "0000000", "BB-IIII-LLL"]
)
def test_what_is_not_a_reference_gives_none(text):
	assert reference.normalise(text) is None


def test_every_single_mistyped_character_is_recognised():
	for ref in sample(300):
		characters = characters_of(ref)
		for position in range(len(characters)):
			for wrong in reference.ALPHABET:
				if wrong == characters[position]:
					continue
				typed = characters[:position] + wrong + characters[position + 1 :]
				assert reference.normalise(typed) is None, (ref, typed)


def test_every_swap_of_two_characters_is_recognised():
	for ref in sample(300):
		characters = list(characters_of(ref))
		for i in range(len(characters)):
			for j in range(i + 1, len(characters)):
				if characters[i] == characters[j]:
					continue
				swapped = characters.copy()
				swapped[i], swapped[j] = swapped[j], swapped[i]
				assert reference.normalise("".join(swapped)) is None, (ref, swapped)


def test_the_check_character_makes_the_weighted_sum_a_multiple_of_29():
	for ref in sample(200):
		characters = characters_of(ref)
		total = sum(weight * reference.ALPHABET.index(c) for weight, c in enumerate(characters, 1))
		assert total % 29 == 0


def test_only_approved_supplier_lines_need_a_reference():
	assert reference.needs_reference(True, rules.plan.SUPPLIER_INVOICE)
	assert not reference.needs_reference(False, rules.plan.SUPPLIER_INVOICE)
	assert not reference.needs_reference(True, rules.plan.REIMBURSEMENT)
	assert not reference.needs_reference(1, "")


# GS1's own example, and two numbers of the form Danish public bodies use.
@pytest.mark.parametrize("gln", ["4000001000005", "5790000000005", "5798000416604", " 5790000000005 "])
def test_valid_glns(gln):
	assert reference.valid_gln(gln)


def test_gln_check_digit():
	assert reference.gln_check_digit("400000100000") == "5"
	assert reference.gln_check_digit("579000000000") == "5"
	assert reference.normalise_gln("5790 0000 0000 5") == "5790000000005"


@pytest.mark.parametrize(
	"gln",
	[
		None,
		"",
		"5790000000004",
		"579000000000",
		"57900000000055",
		"579000000000a",
		"５７９００００００００００５",
	],
)
def test_invalid_glns(gln):
	assert not reference.valid_gln(gln)


def test_every_wrong_check_digit_of_a_gln_is_refused():
	for digit in "0123456789":
		assert reference.valid_gln("579000000000" + digit) == (digit == "5")


# Published CVR numbers of large Danish companies.
@pytest.mark.parametrize("cvr", ["24256790", "22756214", "DK24256790", "dk 2425 6790", " 24256790 "])
def test_valid_cvrs(cvr):
	assert reference.valid_cvr(cvr)
	assert reference.normalise_cvr(cvr) == re.sub(r"\D", "", cvr)


@pytest.mark.parametrize(
	"cvr", [None, "", "24256791", "2425679", "242567900", "02425679", "2425679a", "SE24256790"]
)
def test_invalid_cvrs(cvr):
	assert not reference.valid_cvr(cvr)
