"""The random draw (issue 6, first part): places offered fairly and reproducibly, the others
kept as a control group, and the record immutable."""

import frappe
import pytest

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.draw.draw import remaining_capacity
from tests.integration.factories import make_enrolled, make_offered, make_participant, make_programme, user


@pytest.fixture
def programme():
	return make_programme(yearly_capacity=10)


def screened(programme, count):
	return [make_participant(programme, screening_assessment="Suitable").name for _ in range(count)]


def run_draw(programme, places=0, seed="", as_user="admin"):
	frappe.set_user(user(as_user))
	doc = frappe.get_doc(
		{"doctype": "Draw", "programme": programme.name, "places": places, "seed": seed}
	).insert()
	doc.submit()
	frappe.set_user("Administrator")
	return doc


def test_a_draw_offers_the_places_and_keeps_the_others_as_a_control_group(programme):
	pool = screened(programme, 6)
	make_participant(programme)  # not assessed as suitable: not in the pool
	draw = run_draw(programme, places=3, seed="Lotto 2026-11-21: 3 7 12 19 25 31 33")
	assert (draw.pool_size, draw.drawn_count) == (6, 3)
	assert draw.pool_fingerprint == rules.draw.pool_fingerprint(pool)
	drawn = rules.draw.draw(pool, 3, draw.seed)
	assert sorted(row.participant for row in draw.pool if row.drawn) == sorted(drawn)
	assert [
		row.participant for row in sorted(draw.pool, key=lambda row: row.draw_rank)
	] == rules.draw.draw_order(pool, draw.seed)
	for name in pool:
		participant = frappe.get_doc("Participant", name)
		if name in drawn:
			assert (participant.status, participant.recruitment_route, participant.draw) == (
				rules.intake.OFFERED,
				rules.draw.RANDOM_DRAW,
				draw.name,
			)
			assert not participant.control_group_draw
		else:
			assert (participant.status, participant.control_group_draw) == (rules.intake.SCREENING, draw.name)
	assert (draw.ran_by, draw.verify()) == (
		user("admin"),
		{"fingerprint_matches": True, "result_matches": True},
	)


def test_the_draw_is_reproducible_and_a_changed_pool_shows_in_the_fingerprint(programme):
	pool = screened(programme, 5)
	draw = run_draw(programme, places=2)
	assert len(draw.seed) == 32  # chosen by the server when none was given
	assert rules.draw.draw(pool, 2, draw.seed) == rules.draw.draw(list(reversed(pool)), 2, draw.seed)
	assert rules.draw.pool_fingerprint([*pool, "BB-2026-99999"]) != draw.pool_fingerprint
	# Tampering with the stored result is detected.
	frappe.db.set_value("Draw Entry", {"parent": draw.name, "drawn": 0}, "drawn", 1)
	assert frappe.get_doc("Draw", draw.name).verify()["result_matches"] is False


def test_places_default_to_the_remaining_yearly_capacity(programme):
	programme.yearly_capacity = 4
	programme.save()
	make_enrolled(programme)
	make_offered(programme)
	screened(programme, 5)
	assert remaining_capacity(programme.name) == 2
	draw = run_draw(programme)
	assert (draw.places, draw.drawn_count) == (2, 2)
	assert remaining_capacity(programme.name) == 0
	with pytest.raises(frappe.ValidationError, match="no places left"):
		run_draw(programme)


def test_a_draw_is_final_and_only_the_admin_runs_it(programme):
	screened(programme, 3)
	with pytest.raises(frappe.PermissionError):
		run_draw(programme, places=1, as_user="caseworker_a")
	draw = run_draw(programme, places=1)
	with pytest.raises(frappe.ValidationError):
		draw.cancel()
	draw.reload()
	draw.seed = "another seed"
	with pytest.raises(frappe.ValidationError):
		draw.save()


def test_a_caseworker_offer_records_the_designated_route(programme):
	participant = make_offered(programme)
	assert (participant.recruitment_route, participant.draw) == (rules.draw.DESIGNATED, None)
