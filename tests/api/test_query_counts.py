"""API lists cost the same number of queries for a page of 5 rows as for a page of 50."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import ENDPOINTS, build_partnership_world, client_for

pytestmark = pytest.mark.django_db

# Session/token lookup, roles, count, page, and one query per prefetched relation.
MAX_QUERIES = 14


@pytest.fixture(scope="module")
def fifty_worlds(django_db_setup, django_db_blocker):
    """50 partnerships, each with one of everything, and a superuser who sees them all."""
    from tests.factories import UserFactory

    with django_db_blocker.unblock(), transaction.atomic():
        worlds = [build_partnership_world() for _ in range(50)]
        admin = UserFactory(username="query-count-admin", is_superuser=True)
        yield worlds, admin
        transaction.set_rollback(True)


def queries_for(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_queries_do_not_grow_with_the_page_size(endpoint, fifty_worlds, django_assert_max_num_queries):
    _, admin = fifty_worlds
    client = client_for(admin)
    client.get(f"/api/{endpoint}/?page_size=1")  # warm the token and role caches alike for both pages

    small, small_rows = queries_for(client, f"/api/{endpoint}/?page_size=5")
    with django_assert_max_num_queries(MAX_QUERIES):
        large, large_rows = queries_for(client, f"/api/{endpoint}/?page_size=50")

    assert (small_rows, large_rows) == (5, 50)
    assert large == small
