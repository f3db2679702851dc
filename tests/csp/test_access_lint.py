"""A lint (zulip's custom_check idea): views and API modules never fetch an object by bare id.

They go through the access functions and selectors (plans.selectors.access.access_objective,
*_visible_to(user)...), which decide who may see what; a bare `Objective.objects.get(pk=...)`
would skip the partnership check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("csp", "plans", "priorities", "reporting")
FORBIDDEN = [
    (re.compile(r"\b[A-Z]\w*\.(objects|_default_manager)\.(get|get_or_create|in_bulk)\("), "Model.objects.get("),
    (re.compile(r"\bget_object_or_404\(\s*[A-Z]\w*\s*[,)]"), "get_object_or_404(Model, ...)"),
    (re.compile(r"\bget_list_or_404\(\s*[A-Z]\w*\s*[,)]"), "get_list_or_404(Model, ...)"),
]


def view_and_api_modules() -> list[Path]:
    modules = []
    for app in APPS:
        base = ROOT / app
        modules += list(base.glob("views*.py")) + list(base.glob("views/*.py")) + list(base.glob("api/*.py"))
    return sorted(modules)


def offences(source: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        for pattern, name in FORBIDDEN:
            if pattern.search(line):
                found.append((number, name))
    return found


def test_there_are_views_and_api_modules_to_check():
    names = {str(p.relative_to(ROOT)) for p in view_and_api_modules()}
    assert {"plans/views/reviews.py", "plans/api/views.py", "reporting/views.py", "csp/api/views.py"} <= names


@pytest.mark.parametrize("module", view_and_api_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_and_api_modules_do_not_fetch_by_bare_id(module):
    assert offences(module.read_text()) == []


@pytest.mark.parametrize(
    "line",
    [
        "objective = Objective.objects.get(pk=pk)",
        "plan = Plan._default_manager.get(pk=1)",
        "update = get_object_or_404(QuarterlyUpdate, pk=pk)",
        "rows = get_list_or_404(Plan)",
    ],
)
def test_the_lint_catches_a_bare_fetch(line):
    assert offences(line)


@pytest.mark.parametrize(
    "line",
    [
        "objective = access_objective(request.user, pk)",
        "update = get_object_or_404(updates_visible_to(user), pk=pk)",
        "serializer.instance = self.get_queryset().get(pk=job.pk)",
    ],
)
def test_the_lint_allows_scoped_fetches(line):
    assert offences(line) == []
