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


# The collector's first threshold: allocations (less deallocations) between young collections. Python's default
# of 700 made a national-scale page (10,000 to 50,000 objects: model rows, serializer fields, template nodes)
# run tens of young and several older collections per request, each walking what the request had built so far.
# Raised, a request triggers about one; cycles are still collected, only in larger batches (issue 15: measured
# with requests of both settings interleaved, p95 of the meeting pack 337 -> 293 ms, API objectives 226 -> 166,
# review dashboard 344 -> 218 on a slow 2-core machine; medians a few per cent lower).
GC_THRESHOLDS = (50_000, 20, 100)


def freeze_long_lived_objects() -> None:
    """Move everything loaded so far (Django, the apps, every view and URL pattern) out of the garbage
    collector's reach: its full collections walked all of it and added 150-250 ms to about one request
    in twenty at national scale (issue 15, docs/sizing.md). Objects made by requests are collected as before,
    in larger batches (`GC_THRESHOLDS`)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now, before the freeze)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


freeze_long_lived_objects()
