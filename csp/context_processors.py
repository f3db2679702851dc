"""Template context shared by every page."""

from django.conf import settings


def site(request):
    return {"SERVICE_NAME": "Community safety plans", "DEMO_MODE": settings.DEMO_MODE}
