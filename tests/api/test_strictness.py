"""The API refuses what it cannot honour: unknown ordering, bad filter values, impossible dates (400 saying why)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import ENDPOINTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(api_as):
    return api_as("viewer")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_unknown_ordering_field_is_a_400_listing_the_allowed_ones(endpoint, world, viewer):
    response = viewer.get(f"/api/{endpoint}/", {"ordering": "no_such_field"})

    assert response.status_code == 400
    message = response.json()["ordering"][0]
    assert "'no_such_field' is not a field you can order by" in message
    assert "Allowed:" in message


def test_one_unknown_field_among_known_ones_is_named(world, viewer):
    response = viewer.get("/api/agencies/", {"ordering": "-name,password"})

    assert response.status_code == 400
    assert response.json()["ordering"][0].startswith("'password' is not a field")
    assert "name, -name, short_name" in response.json()["ordering"][0]


def test_known_ordering_fields_order_the_list(world, viewer):
    world.agency.__class__.objects.create(partnership=world.partnership, name="AAA first")

    names = [row["name"] for row in viewer.get("/api/agencies/", {"ordering": "-kind,name"}).json()["results"]]

    assert names == sorted(names)


@pytest.mark.parametrize(
    ("endpoint", "params", "field", "expected"),
    [
        ("objectives", {"state": "finished"}, "state", "'finished' is not one of the allowed values: active"),
        ("objectives", {"status": "purple"}, "status", "'purple' is not one of the allowed values: "),
        ("objectives", {"overdue": "maybe"}, "overdue", "'maybe' is not one of the allowed values: true, false."),
        ("updates", {"is_late": "perhaps"}, "is_late", "'perhaps' is not one of the allowed values: true, false."),
        ("agencies", {"kind": "army"}, "kind", "'army' is not one of the allowed values: police, local_authority"),
        ("reporting-periods", {"contains": "2010-02-30"}, "contains", "'2010-02-30' is not a real date."),
        ("reporting-periods", {"contains": "30/02/2010"}, "contains", "'30/02/2010' is not a date: use YYYY-MM-DD."),
        ("objectives", {"plan": "0"}, "plan", "greater than or equal to 1"),
        ("objectives", {"plan": "abc"}, "plan", "Enter a number."),
    ],
)
def test_an_invalid_filter_value_is_a_400_saying_what_is_allowed(endpoint, params, field, expected, world, viewer):
    response = viewer.get(f"/api/{endpoint}/", params)

    assert response.status_code == 400
    assert expected in response.json()[field][0]


@pytest.mark.parametrize("value", ["true", "false", "1", "0", "True"])
def test_boolean_filters_take_true_and_false(value, world, viewer):
    assert viewer.get("/api/objectives/", {"overdue": value}).status_code == 200


def test_an_impossible_date_in_a_body_is_not_a_real_date(world, api_as):
    url = f"/api/groups/{world.group.pk}/"

    response = api_as("coordinator").patch(url, {"next_meeting": "2010-02-30"}, format="json")

    assert response.status_code == 400
    assert response.json()["next_meeting"] == ["'2010-02-30' is not a real date."]


def test_a_badly_written_date_in_a_body_says_the_format(world, api_as):
    url = f"/api/groups/{world.group.pk}/"

    response = api_as("coordinator").patch(url, {"next_meeting": "tomorrow"}, format="json")

    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["next_meeting"][0]


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_its_4xx_answers(openapi):
    missing = []
    for path, method, operation in _operations(openapi):
        wanted = {"401", "403"}
        if method == "get" and "{id}" not in path:
            wanted |= {"400"}
        if "{id}" in path:
            wanted |= {"404"}
        if method in ("put", "patch"):
            wanted |= {"400", "412", "428", "413"}
        if method == "delete":
            wanted |= {"412", "428"}
        absent = wanted - set(operation["responses"])
        if absent:
            missing.append((method, path, sorted(absent)))
    assert missing == []


def test_every_id_filter_declares_a_minimum_of_one(openapi):
    id_filters = [
        (method, path, parameter["name"], parameter["schema"])
        for path, method, operation in _operations(openapi)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and " id" in parameter.get("description", "")
    ]

    assert len(id_filters) > 20
    assert [f for f in id_filters if (f[3]["type"], f[3].get("minimum")) != ("integer", 1)] == []


def test_the_ordering_parameter_lists_its_allowed_values(openapi):
    parameters = openapi["paths"]["/api/agencies/"]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")

    assert ordering["schema"]["items"]["enum"][:2] == ["name", "-name"]
    assert ordering["explode"] is False
