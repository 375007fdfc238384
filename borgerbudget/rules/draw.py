"""The random draw (lodtrækning): fair, reproducible and auditable."""

from __future__ import annotations

import hashlib

# The random draw (lodtrækning): fair, reproducible and auditable.
DESIGNATED = "Designated by caseworker"
RANDOM_DRAW = "Random draw"


def pool_fingerprint(participant_ids: list[str]) -> str:
	"""SHA-256 of the sorted pseudonymous ids, one per line: anyone can check the pool."""
	return hashlib.sha256("\n".join(sorted(participant_ids)).encode()).hexdigest()


def draw_order(participant_ids: list[str], seed: str) -> list[str]:
	"""The pool in draw order: sorted by SHA-256 of "seed:id". The hash makes the order a
	uniformly random permutation for an unknown seed; with the recorded seed, anyone can
	recompute it with any SHA-256 tool, independently of this program's random generator."""
	return sorted(set(participant_ids), key=lambda pid: hashlib.sha256(f"{seed}:{pid}".encode()).hexdigest())


def draw(participant_ids: list[str], places: int, seed: str) -> list[str]:
	"""The first `places` of the draw order."""
	if places < 0:
		raise ValueError("places must be zero or more")
	return draw_order(participant_ids, seed)[:places]
