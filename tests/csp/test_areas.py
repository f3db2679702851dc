"""Areas: the migration from free text, the access policy's area role, the admin, provisioning and the demo."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from csp.models import AreaMembership, AreaRole, Role
from csp.selectors import (
    access_area,
    areas_visible_to,
    has_role,
    partnerships_visible_to,
    roles_by_partnership,
)
from tests.factories import AreaFactory, AreaMembershipFactory, MembershipFactory, PartnershipFactory, UserFactory

BEFORE = [("csp", "0004_notifications")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_one_area_per_distinct_text_and_reverses_to_the_names():
    old = _migrate(BEFORE)
    partnership = old.get_model("csp", "Partnership")
    for slug, area in [("a", "Hertfordshire"), ("b", "Hertfordshire "), ("c", "Sussex"), ("d", "")]:
        partnership.objects.create(name=f"CSP {slug}", slug=slug, area=area)

    new = _migrate(_latest())
    area = new.get_model("csp", "Area")
    partnership = new.get_model("csp", "Partnership")
    assert sorted(area.objects.values_list("name", "slug")) == [
        ("Hertfordshire", "hertfordshire"),
        ("Sussex", "sussex"),
    ]
    linked = dict(partnership.objects.values_list("slug", "area__name"))
    assert linked == {"a": "Hertfordshire", "b": "Hertfordshire", "c": "Sussex", "d": None}

    old = _migrate(BEFORE)
    partnership = old.get_model("csp", "Partnership")
    assert dict(partnership.objects.values_list("slug", "area")) == {
        "a": "Hertfordshire",
        "b": "Hertfordshire",
        "c": "Sussex",
        "d": "",
    }
    _migrate(_latest())


@pytest.fixture
def herts(db):
    area = AreaFactory(name="Hertfordshire", slug="hertfordshire")
    return area, [PartnershipFactory(area=area), PartnershipFactory(area=area)]


def test_an_area_analyst_sees_every_partnership_of_the_area_and_nothing_else(herts, django_assert_num_queries):
    area, partnerships = herts
    elsewhere = PartnershipFactory(area=AreaFactory(name="Sussex", slug="sussex"))
    no_area = PartnershipFactory()
    user = AreaMembershipFactory(area=area).user

    with django_assert_num_queries(1):
        assert roles_by_partnership(user) == {p.pk: {AreaRole.AREA_ANALYST} for p in partnerships}
        assert has_role(user, partnerships[0], AreaRole.AREA_ANALYST)
        assert not has_role(user, partnerships[0], Role.VIEWER, Role.COORDINATOR, Role.ANALYST)
        assert not has_role(user, elsewhere, AreaRole.AREA_ANALYST)
        assert not has_role(user, no_area, AreaRole.AREA_ANALYST)
    assert set(partnerships_visible_to(user)) == set(partnerships)
    assert list(areas_visible_to(user)) == [area]
    assert access_area(user, "hertfordshire") == area


def test_an_area_role_adds_to_a_partnership_membership(herts):
    area, partnerships = herts
    own = PartnershipFactory()
    user = MembershipFactory(partnership=own, roles=(Role.COORDINATOR,)).user
    AreaMembershipFactory(user=user, area=area)

    roles = roles_by_partnership(user)
    assert roles[own.pk] == {Role.COORDINATOR}
    assert roles[partnerships[0].pk] == {AreaRole.AREA_ANALYST}
    assert set(partnerships_visible_to(user)) == {own, *partnerships}


def test_access_area_is_404_for_another_area_or_for_a_partnership_member(herts):
    from django.http import Http404

    area, partnerships = herts
    AreaFactory(name="Sussex", slug="sussex")
    analyst = AreaMembershipFactory(area=area).user
    coordinator = MembershipFactory(partnership=partnerships[0], roles=(Role.COORDINATOR,)).user
    with pytest.raises(Http404):
        access_area(analyst, "sussex")
    with pytest.raises(Http404):
        access_area(coordinator, "hertfordshire")
    assert list(areas_visible_to(coordinator)) == []


def test_a_superuser_sees_every_area(herts):
    AreaFactory(name="Sussex", slug="sussex")
    assert areas_visible_to(UserFactory(is_superuser=True)).count() == 2


def _run(*args) -> dict:
    out = StringIO()
    call_command("provision_user", *args, stdout=out)
    return json.loads(out.getvalue())


def test_provision_user_gives_an_area_role(herts):
    result = _run("--area=hertfordshire", "--area-role=area_analyst", "--email=pcc@example.org", "--name=Priya Shah")

    grant = AreaMembership.objects.get(pk=result["area_membership"])
    assert grant.user.email == "pcc@example.org"
    assert grant.area.slug == "hertfordshire"
    assert grant.role == AreaRole.AREA_ANALYST
    assert result["created_user"] is True
    assert grant.history.get().history_change_reason == "manage.py provision_user"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area=nowhere", "--area-role=area_analyst"], "No area with the slug 'nowhere'"),
        (["--area=hertfordshire"], "Give the area role"),
        (["--area=hertfordshire", "--area-role=area_analyst", "--role=viewer"], "are for a partnership"),
        (["--area=hertfordshire", "--partnership=x", "--area-role=area_analyst"], "Give either"),
    ],
)
def test_provision_user_refuses_a_wrong_area_request(herts, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args, "--email=pcc@example.org", "--name=Priya Shah")
    assert not AreaMembership.objects.exists()


def test_a_partnership_coordinator_cannot_change_the_area_in_the_admin(herts, client):
    from csp.services import coordinator_admin_access_grant

    area, partnerships = herts
    other = AreaFactory(name="Sussex", slug="sussex")
    coordinator = MembershipFactory(partnership=partnerships[0], roles=(Role.COORDINATOR,)).user
    coordinator_admin_access_grant(user=coordinator)
    client.force_login(coordinator)

    page = client.get(reverse("admin:csp_partnership_change", args=[partnerships[0].pk]))
    assert page.status_code == 200
    assert 'name="area"' not in page.content.decode()
    assert client.get(reverse("admin:csp_area_changelist")).status_code == 403
    assert client.get(reverse("admin:csp_area_change", args=[other.pk])).status_code in (403, 404)
    partnerships[0].refresh_from_db()
    assert partnerships[0].area == area


def test_a_superuser_keeps_areas_in_the_admin(herts, admin_client):
    area, partnerships = herts
    response = admin_client.get(reverse("admin:csp_area_changelist"))
    assert response.status_code == 200
    assert "Hertfordshire" in response.content.decode()
    form = admin_client.get(reverse("admin:csp_partnership_change", args=[partnerships[0].pk])).content.decode()
    assert 'name="area"' in form


def test_the_demo_has_two_area_analysts_who_read_their_areas(db):
    from plans.demo import DEMO_PASSWORD, demo_load

    demo_load()
    demo_load()  # idempotent

    from django.contrib.auth import get_user_model

    herts = get_user_model().objects.get(username="herts-pcc-analyst")
    sussex = get_user_model().objects.get(username="sussex-pcc-analyst")
    assert herts.check_password(DEMO_PASSWORD)
    assert [p.area.name for p in partnerships_visible_to(herts)] == ["Hertfordshire", "Hertfordshire"]
    assert [p.area.name for p in partnerships_visible_to(sussex)] == ["Sussex"]
    assert AreaMembership.objects.count() == 2
