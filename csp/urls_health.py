"""Health endpoints for load balancers and orchestrators (no login, no session)."""

from django.urls import path

from . import health

urlpatterns = [
    path("live/", health.LivenessView.as_view(), name="health_live"),
    path("ready/", health.ReadinessView.as_view(), name="health_ready"),
    path("ping/", health.ping, name="health_ping"),
]
