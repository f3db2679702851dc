"""
WSGI config for csp project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings.dev")

application = get_wsgi_application()


def freeze_long_lived_objects() -> None:
    """Move everything loaded so far (Django, the apps, every view and URL pattern) out of the garbage
    collector's reach: its full collections walked all of it and added 150-250 ms to about one request
    in twenty at national scale (issue 15, docs/sizing.md). Objects made by requests are collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now, before the freeze)
    gc.collect()
    gc.freeze()


freeze_long_lived_objects()
