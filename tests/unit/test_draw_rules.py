"""The random draw: reproducible from seed and pool, fair over many seeds."""

from collections import Counter

from borgerbudget import rules

POOL = [f"BB-2026-{n:05d}" for n in range(1, 41)]


def test_the_same_seed_and_pool_give_the_same_result_in_any_order():
	assert rules.draw.draw(POOL, 10, "seed-1") == rules.draw.draw(list(reversed(POOL)), 10, "seed-1")
	assert len(set(rules.draw.draw(POOL, 10, "seed-1"))) == 10


def test_another_seed_gives_another_result():
	assert rules.draw.draw(POOL, 10, "seed-1") != rules.draw.draw(POOL, 10, "seed-2")


def test_the_fingerprint_changes_with_the_pool_not_its_order():
	assert rules.draw.pool_fingerprint(POOL) == rules.draw.pool_fingerprint(list(reversed(POOL)))
	assert rules.draw.pool_fingerprint(POOL) != rules.draw.pool_fingerprint(POOL[:-1])
	assert len(rules.draw.pool_fingerprint(POOL)) == 64


def test_more_places_than_people_draws_everyone():
	assert sorted(rules.draw.draw(POOL[:3], 10, "s")) == sorted(POOL[:3])
	assert rules.draw.draw(POOL, 0, "s") == []


def test_every_participant_has_the_same_chance():
	# 4,000 draws of 10 from 40: each is drawn about 1,000 times (a quarter of the draws).
	counts = Counter(pid for n in range(4000) for pid in rules.draw.draw(POOL, 10, f"seed-{n}"))
	assert set(counts) == set(POOL)
	assert all(850 < count < 1150 for count in counts.values()), counts.most_common(3)
