"""The admin permission matrix: a coordinator of one partnership, every admin and every kind of admin URL.

Another partnership's object is never shown, listed, offered or changed: object URLs answer 404 or 403,
lists and pickers leave it out, and the object (and its partnership's row count) is the same after
every request, POSTs included.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from csp.admin_scoping import PARTNERSHIP_LOOKUPS
from csp.models import Area, AreaMembership
from csp.services import coordinator_admin_access_grant
from csp.tokens import api_token_create
from tests.admin_world import one_of_everything_in_a_partnership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODELS = [model for model, _ in REGISTERED]
OBJECT_URLS = ["change", "delete", "history"]
# django-simple-history's detail page (GET) and its revert form (the same URL, POST).
HISTORY_URLS = ["history_detail"]
OBJECT_CASES = [
    (model, kind, method)
    for model, model_admin in REGISTERED
    for kind in OBJECT_URLS + (HISTORY_URLS if isinstance(model_admin, SimpleHistoryAdmin) else [])
    for method in ("get", "post")
]
LIST_URLS = ["changelist", "changelist_filtered", "raw_id_popup"]
REFUSED = (403, 404)


def _autocomplete_sources() -> list[tuple[type[models.Model], str, type[models.Model]]]:
    """(source model, field, target model) of every autocomplete picker in the admin."""
    sources = []
    for model, model_admin in REGISTERED:
        for name in model_admin.autocomplete_fields:
            sources.append((model, name, model._meta.get_field(name).related_model))
    return sources


AUTOCOMPLETES = _autocomplete_sources()


class World:
    """Two partnerships with one of everything; `coordinator` coordinates only the first."""

    def __init__(self) -> None:
        self.ours = one_of_everything_in_a_partnership()
        self.theirs = one_of_everything_in_a_partnership()
        self.coordinator = MembershipFactory(partnership=self.ours, roles=("coordinator",)).user
        coordinator_admin_access_grant(user=self.coordinator)
        their_coordinator = MembershipFactory(partnership=self.theirs, roles=("coordinator",)).user
        coordinator_admin_access_grant(user=their_coordinator)
        self.their_user = their_coordinator
        api_token_create(user=their_coordinator, name="their token")
        TOTPDevice.objects.create(user=their_coordinator, name="their phone")
        StaticDevice.objects.create(user=their_coordinator, name="their recovery codes")
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        seen = {"username": their_coordinator.username, "ip_address": "192.0.2.1"}
        AccessAttempt.objects.create(**seen, failures_since_start=1)
        AccessLog.objects.create(**seen)
        AccessFailureLog.objects.create(**seen)

    def theirs_of(self, model: type[models.Model]) -> models.Model:
        """An object of `model` that belongs to the other partnership (or, outside our apps, to its users)."""
        label = model._meta.label_lower
        if label in PARTNERSHIP_LOOKUPS:
            return model.objects.filter(**{PARTNERSHIP_LOOKUPS[label]: self.theirs.pk}).order_by("pk").first()
        if model is get_user_model():
            return self.their_user
        # Areas are no partnership's rows (operators keep them): the other partnership's area, and a role in it.
        if model is Area:
            return self.theirs.area
        if model is AreaMembership:
            return AreaMembership.objects.filter(area=self.theirs.area).order_by("pk").first()
        if model is AuthGroup:
            return AuthGroup.objects.get(name="Coordinators")
        if any(f.name == "user" for f in model._meta.get_fields()):
            return model.objects.filter(user=self.their_user).order_by("pk").first()
        return model.objects.filter(username=self.their_user.username).first()

    def count_of_theirs(self, model: type[models.Model]) -> int:
        label = model._meta.label_lower
        if label in PARTNERSHIP_LOOKUPS:
            return model.objects.filter(**{PARTNERSHIP_LOOKUPS[label]: self.theirs.pk}).count()
        return model.objects.count()


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


def _snapshot(obj: models.Model) -> dict:
    pk = obj._meta.pk
    fresh = type(obj)._default_manager.filter(**{pk.name: getattr(obj, pk.attname)}).first()
    assert fresh is not None, f"{obj._meta.label} {obj.pk} was deleted"
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def _hostile_form(obj: models.Model) -> dict:
    """The object's own values with every text changed: what an attacker would post to change it."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if value is None or isinstance(value, models.fields.files.FieldFile):
            continue
        if isinstance(value, list):
            data[name] = [item.pk if isinstance(item, models.Model) else item for item in value]
        elif isinstance(value, str):
            data[name] = "Changed from another partnership"
        else:
            data[name] = value
    return data


def _object_url(kind: str, obj: models.Model) -> str:
    opts = obj._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    if kind == "history_detail":
        history_id = obj.history.order_by("history_id").first().history_id
        return reverse(f"{base}_simple_history", args=[obj.pk, history_id])
    return reverse(f"{base}_{kind}", args=[obj.pk])


@pytest.mark.parametrize(
    ("model", "kind", "method"), OBJECT_CASES, ids=[f"{m._meta.label}-{k}-{v}" for m, k, v in OBJECT_CASES]
)
def test_another_partnerships_object_url_is_refused_and_changes_nothing(model, kind, method, world, coordinator_client):
    obj = world.theirs_of(model)
    assert obj is not None, f"no other partnership's {model._meta.label} to attack"
    before = _snapshot(obj)
    count_before = world.count_of_theirs(model)
    url = _object_url(kind, obj)
    response = getattr(coordinator_client, method)(url, _hostile_form(obj) if method == "post" else None)

    assert response.status_code in REFUSED
    assert _snapshot(obj) == before
    assert world.count_of_theirs(model) == count_before


@pytest.mark.parametrize("kind", LIST_URLS)
@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_lists_and_raw_id_popups_leave_out_another_partnerships_objects(model, kind, world, coordinator_client):
    obj = world.theirs_of(model)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    params = {}
    if kind == "raw_id_popup":
        params = {"_popup": "1", "_to_field": "id"}
    elif kind == "changelist_filtered":
        params = {"id__exact": obj.pk}

    response = coordinator_client.get(url, params)

    if response.status_code == 403:
        return
    assert response.status_code == 200
    assert obj.pk not in {row.pk for row in response.context["cl"].result_list}
    html = response.content.decode()
    assert world.theirs.name not in html  # nor in the list filters' choices


@pytest.mark.parametrize(
    ("source", "field", "target"), AUTOCOMPLETES, ids=[f"{s._meta.label}.{f}" for s, f, _ in AUTOCOMPLETES]
)
def test_autocomplete_offers_only_the_coordinators_partnerships(source, field, target, world, coordinator_client):
    obj = world.theirs_of(target)
    params = {"app_label": source._meta.app_label, "model_name": source._meta.model_name, "field_name": field}

    response = coordinator_client.get(reverse("admin:autocomplete"), {**params, "term": ""})

    if response.status_code == 403:
        return
    assert response.status_code == 200
    assert str(obj.pk) not in {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_add_cannot_put_a_row_into_another_partnership(model, world, coordinator_client):
    obj = world.theirs_of(model)
    opts = model._meta
    count_before = world.count_of_theirs(model)

    response = coordinator_client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), _hostile_form(obj))

    assert response.status_code in (200, 403)  # the form again with "Select a valid choice", or refused
    assert world.count_of_theirs(model) == count_before


@pytest.mark.parametrize("action", ["archive_selected", "restore_selected", "delete_selected"])
@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_actions_cannot_touch_another_partnerships_objects(model, action, world, coordinator_client):
    obj = world.theirs_of(model)
    opts = model._meta
    before = _snapshot(obj)

    response = coordinator_client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk], "post": "yes"},
    )

    assert response.status_code in (200, 302, 403)
    assert _snapshot(obj) == before
