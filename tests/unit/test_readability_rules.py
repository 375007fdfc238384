"""LIX: words per sentence plus the share of long words (more than six letters), in per cent."""

import pytest

from borgerbudget import rules

lix = rules.readability.lix


def test_a_worked_example():
	# 9 words, 2 sentences, 2 long words (kørekortet, chaufførjob): 9/2 + 100·2/9 = 26.7.
	assert lix("Jeg vil have kørekortet. Så kan jeg søge chaufførjob.") == 26.7


def test_danish_letters_are_letters():
	# "førstegangsfødende" is one long word, not split at ø.
	assert rules.readability.words("Førstegangsfødende på Ærø") == ["Førstegangsfødende", "på", "Ærø"]
	assert lix("Ærø") == 3 / 3 * 1 + 0  # one word, one sentence, not long


def test_a_text_without_a_full_stop_is_one_sentence():
	assert rules.readability.sentences("Upload kvitteringer") == 1
	assert rules.readability.sentences("Gem. Send! Hvorfor? Svar: ja") == 5  # a colon ends one too


def test_placeholders_digits_and_tags_are_not_words():
	assert rules.readability.words("Kvittering senest {0}") == ["Kvittering", "senest"]
	assert rules.readability.words("<b>I alt</b>: 50.000 kr.") == ["I", "alt", "kr"]
	assert lix("{0}") == 0.0
	assert lix("") == 0.0


def test_long_words_have_more_than_six_letters():
	assert lix("begynde") == pytest.approx(1 + 100)  # seven letters: long
	assert lix("begynd") == 1  # six: not long
	assert lix("kontanthjælpsmodtager") == 101


def test_hard_legal_text_scores_above_the_limit_and_plain_text_below():
	legal = (
		"Kommunen er forpligtet til at gøre sit websted tilgængeligt i overensstemmelse med lov om "
		"tilgængelighed af offentlige organers websteder og mobilapplikationer."
	)
	plain = "Du skal lave din plan. Skriv hvad du vil. Din rådgiver hjælper dig."
	assert lix(legal) > rules.readability.PLAIN
	assert lix(plain) <= rules.readability.PLAIN
