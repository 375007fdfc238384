"""Many people at work at once, in short (P3's full run is benchmarks/load.py): caseworkers,
finance and citizens on different participants against the real server, for BB_LOAD_SECONDS
(60) with BB_LOAD_CLIENTS (8) clients. No request may end in a server error."""

import os

import pytest

from tests.integration import load

SECONDS = int(os.environ.get("BB_LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("BB_LOAD_CLIENTS", "8"))


@pytest.fixture(scope="module")
def world(site):
	caseworkers = max(CLIENTS // 2, 1)
	finance = 1
	citizens = max(CLIENTS - caseworkers - finance, 1)
	built = load.build(caseworkers, finance, citizens, submitted_each=3)
	yield built
	load.remove(built)


def test_many_people_at_work_at_once_get_no_server_error(world, server_url, site):
	recorder = load.run(server_url, site, world, SECONDS)
	text, rows = load.table(recorder)
	print(f"\nLoad: {CLIENTS} clients for {SECONDS} s\n{text}")
	for op, example in recorder.examples.items():
		print(f"first refusal of {op}: {example[:300]}")
	assert not recorder.crashed, recorder.crashed
	assert sum(count for _op, count, *_ in rows) > CLIENTS * 5, "the clients hardly got through"
	assert not recorder.server_errors, f"server errors: {dict(recorder.server_errors)}\n{recorder.examples}"
	assert not recorder.deadlocks, f"deadlocks reached users: {dict(recorder.deadlocks)}"
