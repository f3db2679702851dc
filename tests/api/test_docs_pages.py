"""The API's own documentation: the schema, Swagger UI and Redoc, served without any CDN."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_api_documentation_pages_use_only_our_static_files(name, client):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html


def test_schema_is_openapi_3(client):
    response = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/api/objectives/" in response.json()["paths"]
