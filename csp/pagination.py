"""Page numbers for `templates/includes/pagination.html` (GOV.UK pagination), shared by every paged page."""

from __future__ import annotations

from django.core.paginator import Page


def page_numbers(page: Page) -> list[int | None]:
    """Page numbers to show, None for a gap: first, last, and the current page with its neighbours."""
    count = page.paginator.num_pages
    if count <= 1:
        return []
    wanted = {1, count, page.number - 1, page.number, page.number + 1}
    shown: list[int | None] = []
    for number in range(1, count + 1):
        if number in wanted:
            shown.append(number)
        elif shown and shown[-1] is not None:
            shown.append(None)
    return shown
