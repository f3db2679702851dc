"""Page numbers for GOV.UK pagination (csp/pagination.py): first, last, the current page and its neighbours."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from csp.pagination import page_numbers


@pytest.mark.parametrize(
    ("pages", "current", "shown"),
    [
        (1, 1, []),
        (2, 1, [1, 2]),
        (4, 3, [1, 2, 3, 4]),
        (10, 1, [1, 2, None, 10]),
        (10, 2, [1, 2, 3, None, 10]),
        (10, 5, [1, None, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 9, 10]),
    ],
)
def test_first_last_and_the_current_page_with_its_neighbours_with_gaps_between(pages, current, shown):
    page = Paginator(list(range(pages * 5)), 5).get_page(current)
    assert page_numbers(page) == shown
