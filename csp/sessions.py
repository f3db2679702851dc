"""The idle timeout without a database write on every request.

A session ends after SESSION_COOKIE_AGE seconds without activity. Saving the session on every request
(SESSION_SAVE_EVERY_REQUEST) kept that exact, at the price of an UPDATE and a commit on every page
view. Instead a request moves the expiry on only when the last move is older than
`touch_interval()` (a minute, or a tenth of a very short timeout), so a session may end up to that
much earlier than an hour after the last request. The page is told the true time left
(`session_seconds_left`), so the timeout warning is never late.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

TOUCHED_KEY = "_csp_touched"


def touch_interval() -> int:
    """Seconds between two moves of a session's expiry: a minute, or a tenth of a very short timeout."""
    return min(60, settings.SESSION_COOKIE_AGE // 10)


def session_touch(session, *, now: float | None = None) -> None:
    """Move the session's expiry on now: it is saved at the end of the request, ending AGE seconds later."""
    session[TOUCHED_KEY] = int(now if now is not None else time.time())


def session_seconds_left(session, *, now: float | None = None) -> int:
    """Seconds until the session ends unless another request moves its expiry on."""
    now = now if now is not None else time.time()
    touched = session.get(TOUCHED_KEY)
    if touched is None:
        return settings.SESSION_COOKIE_AGE
    return max(0, settings.SESSION_COOKIE_AGE - int(now - touched))


class SessionIdleTouchMiddleware:
    """After SessionMiddleware: move a signed-in session's expiry on when its last move is older than the interval."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        # Only a session the browser sent that holds something (a sign-in): never make one for a visitor.
        if session is not None and session.session_key is not None and len(session.keys()):
            now = time.time()
            touched = session.get(TOUCHED_KEY)
            if touched is None or now - touched >= touch_interval():
                session_touch(session, now=now)
        return self.get_response(request)


@receiver(user_logged_in)
def _signing_in_starts_the_idle_clock(sender, request, user, **kwargs):
    """Signing in is activity: the session's expiry is set from now (the sign-in saves the session anyway)."""
    session = getattr(request, "session", None)
    if session is not None:
        session_touch(session)
