"""The garbage collector in a web worker (issue 15): what is loaded with the app is frozen, and a request's
garbage is collected after its response has gone, not in the middle of the next one.

Nothing here runs on import: `csp/wsgi.py` freezes once the app is loaded, and gunicorn's `post_request` hook
(`gunicorn.conf.py`) collects between requests.
"""

from __future__ import annotations

import gc

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


def collect_between_requests() -> int:
    """Collect what the request just answered left behind, as the collector would have, but now.

    With `GC_THRESHOLDS` a young collection came every 50,000 allocations: in about one request in six, in the
    middle of it, walking everything the requests since the last one had left (15-20 ms at national scale, the
    gap between the built pages' median and p95). Run after each response has been sent (gunicorn's
    `post_request`), the same work happens while no one waits for it, and the count starts from nothing for
    the next request, so only a request that itself makes 50,000 objects meets a collection. The generation
    is chosen as the collector chooses it: the oldest whose count passed its threshold.

    Returns the number of unreachable objects found (`gc.collect`'s answer).
    """
    counts, thresholds = gc.get_count(), gc.get_threshold()
    generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
    return gc.collect(generation)
