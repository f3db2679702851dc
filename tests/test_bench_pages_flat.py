"""The pages and API lists that `make bench-scale` measures run the same number of queries whatever the
number of partnerships and the size of their plans (issue 15: "queries flat in N").

The bench data is written small here (the shape is the national one, fewer rows); the benchmark
itself measures N=300.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.services.national_data import Shape, national_generate
from scripts.bench_scale import bench_clients, bench_pages

pytestmark = pytest.mark.django_db


def _query_counts(number: int) -> dict[str, int]:
    pages = bench_pages(number)
    clients, _ = bench_clients({who for _, who, _ in pages})
    counts = {}
    for name, who, url in pages:
        client = clients[who]
        assert client.get(url).status_code == 200, name  # the first request may set up the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


@pytest.mark.parametrize("kept", [False, True], ids=["built", "kept"])
def test_bench_pages_run_as_many_queries_for_a_big_partnership_as_a_small_one_bar_skipped_prefetches(settings, kept):
    """Built: every page built from the database. Kept: the second request of a page kept as a fragment."""
    settings.CSP_FRAGMENT_CACHE = kept
    national_generate(partnerships=2, shape=Shape(objectives=12, quarters=4))
    small = _query_counts(1)
    # Two more partnerships, each with three times the objectives and twice the quarters of updates.
    national_generate(partnerships=4, shape=Shape(objectives=36, quarters=8))
    big = _query_counts(3)
    assert big.keys() == small.keys()
    # Equal up to the prefetches Django skips when a list is empty (no returned update, no earlier
    # quarter): a query per row would add dozens here (three times the objectives, twice the quarters).
    grew = {name: (small[name], big[name]) for name in small if abs(big[name] - small[name]) > 2}
    assert grew == {}
