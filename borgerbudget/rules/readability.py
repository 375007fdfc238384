"""Readability: LIX (læsbarhedsindeks), the Danish measure of how hard a text is to read.

LIX = words / sentences + 100 × long words / words, where a long word has more than six letters.
Below 25 is easy (children's books), 35-44 is ordinary prose, 45 and above is hard; the citizen's
texts keep to 40 or less (PLAIN)."""

from __future__ import annotations

import re

PLAIN = 40

# A word is a run of letters (æ, ø, å and other accented letters too); digits, amounts and
# placeholders such as {0} are not words. Hyphenated words count as one.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_PLACEHOLDER = re.compile(r"\{\d*\}|<[^>]+>|%\(\w+\)s|%s")
# A sentence ends at . ! ? or : followed by a space or the end; a text without any is one sentence.
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")


def words(text: str) -> list[str]:
	return _WORD.findall(_PLACEHOLDER.sub(" ", text or ""))


def sentences(text: str) -> int:
	cleaned = _PLACEHOLDER.sub(" ", text or "").strip()
	ends = len(_SENTENCE_END.findall(cleaned))
	# The last sentence may end without a full stop.
	if cleaned and not _SENTENCE_END.search(cleaned[-1:] + " "):
		ends += 1
	return max(ends, 1)


def lix(text: str) -> float:
	"""The LIX of `text`; 0.0 for a text without words."""
	found = words(text)
	if not found:
		return 0.0
	long_words = sum(1 for word in found if len(word.replace("-", "")) > 6)
	return round(len(found) / sentences(text) + 100 * long_words / len(found), 1)
