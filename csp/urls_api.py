"""The REST API under /api/: each app contributes its routes."""

urlpatterns: list = []
