"""Content versions (csp/content_version.py): every write renews the versions of what it changed, so no
cached fragment outlives a write; and My items, the first page built on them, shows each write at once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp.content_version import cached_fragment, content_key, content_tables
from csp.models import Notification, Partnership, Role
from plans.models import Objective, QuarterlyUpdate
from plans.services.updates import UpdateInput, update_save_draft
from tests.factories import (
    MembershipFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    PartnershipFactory,
    PersonFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
)

from ..plans.review_setup import build_review_world
from ..service_checks import service_missing

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    """Two partnerships, an objective in each."""
    first, second = PartnershipFactory(), PartnershipFactory()
    return (
        first,
        second,
        ObjectiveFactory(plan=PlanFactory(partnership=first)),
        ObjectiveFactory(plan=PlanFactory(partnership=second)),
    )


def _keys(*partnerships: Partnership) -> list[str]:
    return [content_key([p.pk]) for p in partnerships]


def test_a_row_saved_renews_its_partnership_only(two):
    first, second, objective, _ = two
    before = _keys(first, second)
    objective.title = "A new title"
    objective.save()
    after = _keys(first, second)
    assert after[0] != before[0]
    assert after[1] == before[1]


def test_a_row_found_by_its_route_renews_its_partnership(two):
    """An outcome status's partnership is three joins away, with nothing loaded: one lookup finds it."""
    first, second, objective, _ = two
    update = QuarterlyUpdateFactory(objective=objective)
    fresh = QuarterlyUpdate.objects.get(pk=update.pk)  # no objective or plan loaded
    before = _keys(first, second)
    fresh.progress = "Moved on"
    fresh.save()
    after = _keys(first, second)
    assert (after[0] != before[0], after[1] == before[1]) == (True, True)


def test_many_to_many_changes_renew_the_partnership(two):
    first, second, objective, _ = two
    from tests.factories import PriorityFactory

    priority = PriorityFactory(partnership=first)
    before = _keys(first, second)
    objective.priorities.add(priority)
    assert _keys(first, second)[0] != before[0]
    assert _keys(first, second)[1] == before[1]


def _a_save_refused_by_the_database(objective):
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(plan=objective.plan, ref=objective.ref, title="The same ref again")


def _a_save_failing_before_its_sql(objective):
    with pytest.raises((TypeError, ValueError)), transaction.atomic():
        Objective(plan=objective.plan, ref="N1", title="A bad position", position="not a number").save()


def _a_link_refused_by_the_database(objective):
    if connection.vendor != "postgresql":
        # SQLite checks foreign keys only at commit (Django declares them deferred there), so nothing refuses the
        # link inside the test's transaction: this case needs PostgreSQL's SET CONSTRAINTS.
        service_missing("a foreign key refused at once needs PostgreSQL")
    with transaction.atomic():
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys are checked at once
        with pytest.raises(IntegrityError), transaction.atomic():
            objective.priorities.add(987654321)  # no such priority: the foreign key refuses it


def _update_objectives(objective):
    Objective.objects.filter(pk=objective.pk).update(title="Bulk")


def _write_links_raw(objective):
    table = Objective.priorities.through._meta.db_table
    connection.cursor().execute(f"DELETE FROM {table} WHERE objective_id = %s", [objective.pk])  # noqa: S608


@pytest.mark.parametrize(
    ("fail", "write", "request_between"),
    [
        # Refused by the database: the cover ends with the failed statement, even within the same request.
        (_a_save_refused_by_the_database, _update_objectives, False),
        (_a_link_refused_by_the_database, _write_links_raw, False),
        # Failed before any SQL: the cover ends when the next request (or task) starts.
        (_a_save_failing_before_its_sql, _update_objectives, True),
    ],
    ids=["save-refused-by-the-database", "link-refused-by-the-database", "save-failing-before-its-sql"],
)
def test_a_write_that_failed_does_not_hide_the_next_unsignalled_write(two, client, fail, write, request_between):
    """A save's own statements are covered by its signals, from pre_save to post_save. A save that fails sends
    no post_save: the cover must not outlive it (it is kept on the connection object, which later requests
    reuse), or a later QuerySet.update of that table would renew nothing and kept pages would go stale."""
    first, second, objective, _ = two
    fail(objective)
    if request_between:
        client.get(reverse("health_ping"))
    before = _keys(first, second)
    write(objective)
    after = _keys(first, second)
    assert (after[0] != before[0], after[1] != before[1]) == (True, True)


@pytest.mark.parametrize(
    "write",
    [
        lambda objective: Objective.objects.filter(pk=objective.pk).update(title="Bulk"),
        lambda objective: Objective.objects.bulk_create([Objective(plan=objective.plan, ref="B1", title="Bulk made")]),
        lambda objective: connection.cursor().execute(
            "UPDATE plans_objective SET title = %s WHERE id = %s", ["Raw", objective.pk]
        ),
    ],
    ids=["queryset-update", "bulk-create", "raw-sql"],
)
def test_a_write_no_signal_covers_renews_everything(two, write):
    first, second, objective, _ = two
    before = _keys(first, second)
    write(objective)
    after = _keys(first, second)
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_a_delete_renews_everything(two):
    first, second, objective, _ = two
    before = _keys(first, second)
    objective.delete()
    after = _keys(first, second)
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_writes_no_page_fragment_shows_renew_nothing(two):
    first, second, *_ = two
    user = get_user_model().objects.create_user("someone", password="a long enough password")
    before = _keys(first, second)
    Notification.objects.create(user=user, kind="returned", title="Returned", key="test-event")
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])  # signing in
    assert _keys(first, second) == before
    assert "csp_notification" not in content_tables()
    assert "django_session" not in content_tables()
    assert not any("historical" in table for table in content_tables())


def test_a_name_change_renews_the_persons_partnerships():
    world = build_review_world()
    other = PartnershipFactory()
    before = _keys(world.partnership, other)
    chair = world.user("chair")
    chair.first_name = "Renamed"
    chair.save()
    after = _keys(world.partnership, other)
    assert after[0] != before[0]
    assert after[1] == before[1]


@pytest.mark.django_db(transaction=True)
def test_versions_are_renewed_again_when_the_transaction_commits(two):
    """A reader between the write and its commit may cache the old rows under the first new token."""
    first, _, objective, _ = two
    with transaction.atomic():
        objective.title = "Changed"
        objective.save()
        inside = content_key([first.pk])
    assert content_key([first.pk]) != inside


def test_a_rolled_back_write_leaves_no_renewal_behind(two):
    first, _, objective, _ = two
    inside = []

    def write_then_fail():
        with transaction.atomic():
            objective.title = "Changed"
            objective.save()
            inside.append(content_key([first.pk]))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    [inside] = inside
    assert content_key([first.pk]) == inside  # renewed once (at the write), not again: nothing committed


def test_the_watch_survives_a_connection_opened_inside_an_execute_wrapper_block(two):
    """`execute_wrapper()` pops the last wrapper; the watch is put first, so the block pops its own."""
    first, second, objective, _ = two
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        for alias in connections:
            connections[alias].ensure_connection()
    assert spy not in connection.execute_wrappers
    before = _keys(first, second)
    Objective.objects.filter(pk=objective.pk).update(title="After the block")
    assert _keys(first, second)[1] != before[1]


def test_a_fragment_is_kept_until_a_write(two, settings):
    settings.CSP_FRAGMENT_CACHE = True
    first, _, objective, _ = two
    calls = []

    def render():
        calls.append(1)
        return f"<p>{Objective.objects.get(pk=objective.pk).title}</p>"

    def fragment():
        return cached_fragment("test", partnership_ids=[first.pk], vary=("x",), render=render)

    assert fragment() == fragment()
    assert len(calls) == 1
    objective.title = "Renamed"
    objective.save()
    assert fragment() == "<p>Renamed</p>"
    assert len(calls) == 2
    settings.CSP_FRAGMENT_CACHE = False
    fragment()
    assert len(calls) == 3


# --- My items -----------------------------------------------------------------------------------------


@pytest.fixture
def world():
    world = build_review_world(update_state=QuarterlyUpdate.State.DRAFT)
    world.draft = QuarterlyUpdateFactory(objective=world.objective, period=world.q2, state="draft")
    return world


def _my_items(client):
    response = client.get(reverse("plans:my_items"))
    assert response.status_code == 200
    return response.content.decode()


def test_my_items_is_kept_and_shows_each_write(client, world):
    client.force_login(world.user("lead"))
    first = _my_items(client)
    assert "Draft" in first
    with CaptureQueriesContext(connection) as cold:
        _my_items(client)
    # Kept: only the request's own reads (session, user, roles, two-factor device, unread count).
    assert len(cold) <= 6

    # The lead's own save, through the service: the page says so at once.
    update_save_draft(
        user=world.user("lead"),
        objective=world.objective,
        period=world.q2,
        data=UpdateInput(progress="On track"),
        version=world.draft.version,
    )
    world.objective.title = "Run a renamed campaign"
    world.objective.save()
    assert "Run a renamed campaign" in _my_items(client)

    # A write in another partnership leaves the kept page alone.
    other = ObjectiveFactory(plan=PlanFactory(partnership=PartnershipFactory()))
    other.title = "Elsewhere"
    other.save()
    with CaptureQueriesContext(connection) as kept:
        _my_items(client)
    assert len(kept) <= 6


def _led_section(page: str) -> str:
    """The page's "Objectives I lead" section, without the agency's others below it."""
    return page.split("Objectives I lead", 1)[1].split("My agency", 1)[0]


def test_my_items_is_each_persons_own(client, world):
    """Two leads of two items in one partnership (one content version): each is shown their own, kept apart."""
    second_person = PersonFactory(partnership=world.partnership, name="Second Lead")
    second_item = ObjectiveFactory(plan=world.plan, ref="DA2", title="Train frontline staff in risk assessment")
    ObjectiveLeadFactory(objective=second_item, person=second_person)
    second_lead = MembershipFactory(
        partnership=world.partnership, roles=(Role.LEAD_OFFICER,), person=second_person, username="second-lead"
    ).user

    pages = {}
    for _ in range(2):  # built, then kept: the same each time
        for name, user in (("first", world.user("lead")), ("second", second_lead)):
            client.force_login(user)
            pages.setdefault(name, []).append(_led_section(_my_items(client)))
    for name in pages:
        assert pages[name][0] == pages[name][1]
    first, second = pages["first"][1], pages["second"][1]
    assert "Run a domestic abuse awareness campaign" in first
    assert "Train frontline staff in risk assessment" not in first
    assert "Train frontline staff in risk assessment" in second
    assert "Run a domestic abuse awareness campaign" not in second


# --- the other kept pages -----------------------------------------------------------------------------

KEPT_PAGES = {
    "item page": lambda w: reverse("plans:objective_detail", args=[w.objective.pk]),
    "plan page": lambda w: reverse("plans:plan_detail", args=[w.plan.pk]),
    "review dashboard": lambda w: reverse("plans:review_dashboard") + f"?period={w.q1.pk}&status=all",
    "meeting pack": lambda w: reverse("plans:meeting_pack", args=[w.odg.pk]),
    "update page": lambda w: reverse("plans:update_edit", args=[w.objective.pk, w.q1.pk]),
    "review inbox": lambda w: reverse("plans:review_inbox"),
}


def _without_tokens(response) -> str:
    """The page without what differs on every request: CSRF tokens (masked anew), the owner token, the clock."""
    html = response.content.decode()
    html = re.sub(r'(csrfmiddlewaretoken" value|name="owner" value|data-session-expires-in)="[^"]*"', r"\1", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


@pytest.mark.parametrize("page", KEPT_PAGES)
def test_each_kept_page_is_kept_and_shows_a_write_at_once(client, page):
    world = build_review_world()
    url = KEPT_PAGES[page](world)
    client.force_login(world.user("chair"))
    built = client.get(url)
    assert built.status_code == 200
    assert "Run a domestic abuse awareness campaign" in built.content.decode()
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url)
    assert len(kept) <= 8
    assert _without_tokens(again) == _without_tokens(built)

    world.objective.title = "Run a renamed campaign"
    world.objective.save()
    assert "Run a renamed campaign" in client.get(url).content.decode()


@pytest.mark.parametrize("page", KEPT_PAGES)
def test_building_a_page_runs_the_shells_lookups_once(client, page):
    """The parts are rendered without the context processors (the plan page and dashboard read the request for
    their links): the unread count and navigation belong to the shell, counted once per request."""
    world = build_review_world()
    client.force_login(world.user("chair"))
    with CaptureQueriesContext(connection) as built:
        response = client.get(KEPT_PAGES[page](world) + ("&" if "?" in KEPT_PAGES[page](world) else "?") + "x=1")
    assert response.status_code == 200
    assert sum('"csp_notification"' in query["sql"] for query in built.captured_queries) == 1
    assert response.content.decode().count('class="govuk-header__navigation-item') >= 2


@pytest.mark.parametrize("page", ["item page", "plan page", "meeting pack", "update page"])
def test_a_kept_page_of_another_partnership_is_still_a_404(client, page):
    """The access rule runs before anything kept is read."""
    ours, theirs = build_review_world(), build_review_world(prefix="b-")
    url = KEPT_PAGES[page](theirs)
    client.force_login(theirs.user("chair"))
    assert client.get(url).status_code == 200  # now kept for their chair
    client.force_login(ours.user("chair"))
    assert client.get(url).status_code == 404


def test_a_kept_page_carries_this_requests_csrf_token(client):
    world = build_review_world()
    url = KEPT_PAGES["item page"](world)
    client.force_login(world.user("chair"))
    client.get(url)
    client.cookies.clear()
    client.force_login(world.user("chair"))
    html = client.get(url).content.decode()
    token = client.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in html
    assert "csp-hole-" not in html
    # Each form's token is one the middleware accepts with this session's cookie (masked tokens differ).
    import re

    from django.middleware.csrf import _unmask_cipher_token

    for value in re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html):
        assert _unmask_cipher_token(value) == token


def test_a_row_whose_route_ends_in_no_partnership_renews_everything(two):
    """A row whose route to a partnership is empty (an unsaved objective of no plan) renews every version."""
    from csp.content_version import _bump_for

    first, second, *_ = two
    before = _keys(first, second)
    _bump_for(Objective(plan=None), "default")
    after = _keys(first, second)
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_renew_fragments_renews_everything(two):
    """After a write made outside Django (psql): `manage.py renew_fragments`."""
    from io import StringIO

    from django.core.management import call_command

    first, second, *_ = two
    before = _keys(first, second)
    out = StringIO()
    call_command("renew_fragments", stdout=out)
    after = _keys(first, second)
    assert after[0] != before[0]
    assert after[1] != before[1]
    assert "renew_fragments: every content version renewed" in out.getvalue()


def test_fragment_stats_count_kept_and_built_views(two, settings, redis_url):
    """`make surge` reports how often each fragment was served kept and built (CSP_FRAGMENT_STATS)."""
    from django.core.cache import caches

    from csp.cache import RedisCache
    from csp.content_version import fragment_stats, fragment_stats_reset

    assert isinstance(caches["default"], RedisCache)
    settings.CSP_FRAGMENT_CACHE = True
    settings.CSP_FRAGMENT_STATS = True
    first, _, objective, _ = two
    fragment_stats_reset()

    def fragment(name):
        return cached_fragment(name, partnership_ids=[first.pk], vary=("stats",), render=lambda: "<p>x</p>")

    for _ in range(3):
        fragment("stats-a")
    objective.save()  # a write: the next view is built again
    fragment("stats-a")
    fragment("stats-b|with a bar")
    assert fragment_stats() == {
        "stats-a": {"kept": 2, "built": 2},
        "stats-b|with a bar": {"kept": 0, "built": 1},
    }
    settings.CSP_FRAGMENT_STATS = False
    fragment("stats-a")
    assert fragment_stats()["stats-a"] == {"kept": 2, "built": 2}  # not counted when off
    fragment_stats_reset()
    assert fragment_stats() == {}
