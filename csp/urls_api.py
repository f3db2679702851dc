"""The REST API under /api/: each app contributes its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("csp.api.urls")),
    path("", include("priorities.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("reporting.api.urls")),
]
