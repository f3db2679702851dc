"""Schemathesis fuzzes every operation of the OpenAPI schema, with a token for each role.

Generated requests go to the Django WSGI app with the tokens of each role in turn (coordinator,
group chair, lead officer, analyst, viewer), so every operation is tried as every role; the checks:
no 5xx, and every documented response matches the schema.
Half of the generated object ids are swapped for real objects, so writes reach real rows too.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from csp.models import Role
from csp.tokens import api_token_create
from csp.wsgi import application
from tests.api.conftest import build_partnership_world
from tests.factories import MembershipFactory, PersonFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
ROLES = [role.value for role in Role]


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the WSGI app must not close the connection holding the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db, keep_test_connection):
    """Two partnerships' worth of objects, and a token per role in the first."""
    world = build_partnership_world()
    build_partnership_world()
    chair = PersonFactory(partnership=world.partnership)
    world.group.chair = chair
    world.group.save()
    # The lead officer leads the objective and the chair chairs its plan's group, so their writes get through.
    people = {Role.LEAD_OFFICER: world.person, Role.GROUP_CHAIR: chair}
    tokens = {}
    for role in ROLES:
        user = MembershipFactory(partnership=world.partnership, roles=(role,), person=people.get(role)).user
        tokens[role] = api_token_create(user=user, name="Schemathesis")[1]
    return world, tokens, itertools.cycle(ROLES)


def aim_at_real_objects(case, world) -> None:
    """Swap an even generated id for the id of a real object of that endpoint."""
    if "id" not in (case.path_parameters or {}):
        return
    endpoint = case.operation.path.strip("/").split("/")[1]
    obj = world.objects.get(endpoint)
    generated = str(case.path_parameters["id"])
    if obj is not None and generated.isdigit() and int(generated) % 2 == 0:
        case.path_parameters["id"] = obj.pk


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_every_role_within_its_schema(case, fuzz_world):
    world, tokens, roles = fuzz_world
    aim_at_real_objects(case, world)
    case.call_and_validate(headers={"Authorization": f"Token {tokens[next(roles)]}"}, checks=CHECKS)
