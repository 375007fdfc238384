"""A programme's method as a set of capabilities, chosen on the programme."""

from __future__ import annotations

MIT_LIV = "Mit liv – min styring"

# The capabilities a method may include: the Budget Programme's check fields of that name.
DREAM_AND_NEXT_STEP = "dream_and_next_step"  # the plan holds the citizen's dream and next step
QUALITY_OF_LIFE_SCORES = "quality_of_life_scores"  # each follow-up records the citizen's own scores
CAPABILITIES = (DREAM_AND_NEXT_STEP, QUALITY_OF_LIFE_SCORES)

# What a new programme of each method starts with; the admin may change it.
METHOD_CAPABILITIES = {MIT_LIV: (DREAM_AND_NEXT_STEP, QUALITY_OF_LIFE_SCORES)}


def capabilities_of(method: str | None) -> tuple[str, ...]:
	return METHOD_CAPABILITIES.get(method or "", ())
