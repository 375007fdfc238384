"""The diff of a change to an approved plan, its size and its route (pure rules)."""

from borgerbudget import rules

APPROVED = {
	"a": {"description": "Driving licence", "amount": 4000.0, "supplier": "Køreskole"},
	"b": {"description": "Bus card", "amount": 800.0, "supplier": ""},
}


def proposed(**changes):
	rows = {key: dict(values) for key, values in APPROVED.items()}
	for key, values in changes.items():
		if values is None:
			rows.pop(key)
		else:
			rows[key].update(values)
	return [(key, values) for key, values in rows.items()]


def test_no_change_gives_an_empty_diff():
	assert rules.amendment.amendment_changes(APPROVED, proposed()) == []


def test_moving_money_between_lines_counts_the_increase_only():
	changes = rules.amendment.amendment_changes(APPROVED, proposed(a={"amount": 3500}, b={"amount": 1300}))
	assert [(c.kind, c.key, c.old_amount, c.new_amount, c.difference, c.fields) for c in changes] == [
		(rules.amendment.CHANGED, "a", 4000, 3500, -500, ("amount",)),
		(rules.amendment.CHANGED, "b", 800, 1300, 500, ("amount",)),
	]
	assert rules.amendment.amendment_size(changes) == 500


def test_added_and_dropped_lines():
	rows = [*proposed(b=None), (None, {"description": "Laptop", "amount": 3000.0})]
	changes = rules.amendment.amendment_changes(APPROVED, rows)
	assert [(c.kind, c.key, c.new_amount, c.index) for c in changes] == [
		(rules.amendment.ADDED, None, 3000, 1),
		(rules.amendment.DROPPED, "b", 0, None),
	]
	# Freeing money is not new money; the added line is.
	assert rules.amendment.amendment_size(changes) == 3000


def test_a_new_purpose_counts_the_whole_amount():
	changes = rules.amendment.amendment_changes(
		APPROVED, proposed(a={"supplier": "Other school", "amount": 3900})
	)
	assert changes[0].fields == ("amount", "supplier")
	assert rules.amendment.amendment_size(changes) == 3900


def test_a_date_change_is_a_change_without_new_money():
	changes = rules.amendment.amendment_changes(APPROVED, proposed(b={"need_date": "2026-12-01"}))
	assert [c.kind for c in changes] == [rules.amendment.CHANGED] and rules.amendment.amendment_size(
		changes
	) == 0


def test_route_compares_the_size_with_the_threshold():
	small = rules.amendment.amendment_changes(APPROVED, proposed(b={"amount": 2800}))
	assert rules.amendment.amendment_route(small, 2000) == rules.amendment.GREEN_BY_RULE
	assert rules.amendment.amendment_route(small, 1999.99) == rules.amendment.ASSESSMENT
	# With no threshold only reductions are approved by rule.
	assert (
		rules.amendment.amendment_route(
			rules.amendment.amendment_changes(APPROVED, proposed(a={"amount": 100})), 0
		)
		== rules.amendment.GREEN_BY_RULE
	)


def test_below_used_catches_lowered_and_dropped_lines():
	changes = rules.amendment.amendment_changes(APPROVED, proposed(a={"amount": 1000}, b=None))
	assert [c.key for c in rules.amendment.below_used(changes, {"a": 1500, "b": 0})] == ["a"]
	assert [c.key for c in rules.amendment.below_used(changes, {"a": 1000, "b": 200})] == ["b"]
