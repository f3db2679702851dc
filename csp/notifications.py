"""Notifications: tell users about events in the app and by e-mail (at once, or in a daily digest).

`notify` is called by the services inside their transaction; the rows commit or roll back with the
event, and the e-mail task is queued on commit only (a rolled-back event tells nobody). One row per
user and event key, so an event told twice is recorded once. Each e-mail is claimed by one UPDATE
that only succeeds on a pending row (or one whose claim has gone stale) before it is sent, and is
marked sent when the mail server takes it: two runs of the task send it once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Notification, NotificationPreference

# A sender that has held a claim this long is taken to be dead; its e-mails may be claimed again.
CLAIM_SECONDS = 300
TITLE_LIMIT = Notification._meta.get_field("title").max_length


def _immediate_user_ids(user_ids: Iterable[int]) -> set[int]:
    daily = set(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, delivery=NotificationPreference.Delivery.DAILY
        ).values_list("user_id", flat=True)
    )
    return set(user_ids) - daily


def notify(
    *, users: Iterable, kind: str, title: str, key: str, text: str = "", url: str = "", email: bool = True
) -> list[int]:
    """Record a notification per active user (once per user and key) and e-mail it on commit; returns the new ids.

    email=False: the event sends its own e-mail (reminders), so the notification only shows in the app.
    """
    user_ids = sorted({user.pk for user in users if user is not None and user.is_active})
    if not user_ids:
        return []
    already = set(Notification.objects.filter(user_id__in=user_ids, key=key).values_list("user_id", flat=True))
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            title=title[:TITLE_LIMIT],
            text=text,
            url=url,
            key=key,
            email_state=Notification.EmailState.PENDING if email else Notification.EmailState.SEPARATE,
        )
        for user_id in user_ids
        if user_id not in already
    ]
    # A concurrent writer of the same event loses to the unique constraint instead of adding a row.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    new = Notification.objects.filter(user_id__in=[row.user_id for row in rows], key=key)
    ids = list(new.values_list("pk", flat=True))
    if not email:
        return ids
    immediate = list(new.filter(user_id__in=_immediate_user_ids(user_ids)).values_list("pk", flat=True))
    if immediate:
        from .tasks import email_notifications

        transaction.on_commit(lambda: email_notifications.delay(immediate))
    return ids


def notifications_of(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one query)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ids is None); others' ids are ignored."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user, delivery: str) -> NotificationPreference:
    """Choose between an e-mail per notification and a daily digest."""
    if delivery not in NotificationPreference.Delivery.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"delivery": "Choose how you want to be e-mailed"})
    preference, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"delivery": delivery})
    return preference


def delivery_of(user) -> str:
    """The user's chosen delivery (immediate when never chosen)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.delivery if preference else NotificationPreference.Delivery.IMMEDIATE


def _free() -> Q:
    stale = timezone.now() - dt.timedelta(seconds=CLAIM_SECONDS)
    return Q(email_state=Notification.EmailState.PENDING) | Q(
        email_state=Notification.EmailState.SENDING, email_claimed_at__lt=stale
    )


def _claim(ids: list[int], claim: str) -> list[Notification]:
    """Claim unsent notifications for this sender in one committed UPDATE; returns the ones it got."""
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(_free(), pk__in=ids).update(
            email_state=Notification.EmailState.SENDING, email_claimed_by=claim, email_claimed_at=now
        )
    return list(Notification.objects.filter(pk__in=ids, email_claimed_by=claim).select_related("user"))


def _address(user) -> str:
    if user.email:
        return user.email
    person = user.people.exclude(email="").first()
    return person.email if person else ""


def _link(notification: Notification) -> str:
    return settings.SITE_URL.rstrip("/") + notification.url if notification.url else ""


def _mark(notifications: list[Notification], claim: str, state: str) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notifications], email_claimed_by=claim).update(
        email_state=state, emailed_at=timezone.now() if state == Notification.EmailState.SENT else None
    )


def notifications_email(*, ids: list[int], claim: str | None = None) -> int:
    """E-mail each of these notifications once (one message each); returns how many this call sent."""
    claim = claim or f"immediate-{uuid.uuid4().hex}"
    claimed = _claim(ids, claim)
    sent = 0
    connection = None
    try:
        for notification in claimed:
            address = _address(notification.user)
            if not address:
                _mark([notification], claim, Notification.EmailState.NOT_SENT)
                continue
            if connection is None:
                connection = get_connection()
                connection.open()
            body = "\n\n".join(part for part in (notification.text, _link(notification)) if part)
            message = EmailMessage(subject=notification.title, body=body + "\n", to=[address], connection=connection)
            if message.send():
                _mark([notification], claim, Notification.EmailState.SENT)
                sent += 1
    finally:
        if connection is not None:
            connection.close()
    return sent


def notifications_email_digests(*, claim: str | None = None) -> int:
    """E-mail each daily-digest user one message with all their unsent notifications; returns messages sent."""
    claim = claim or f"digest-{uuid.uuid4().hex}"
    daily_users = NotificationPreference.objects.filter(delivery=NotificationPreference.Delivery.DAILY).values(
        "user_id"
    )
    ids = list(Notification.objects.filter(_free(), user_id__in=daily_users).values_list("pk", flat=True))
    by_user: dict = defaultdict(list)
    for notification in _claim(ids, claim):
        by_user[notification.user].append(notification)
    sent = 0
    for user, notifications in by_user.items():
        address = _address(user)
        if not address:
            _mark(notifications, claim, Notification.EmailState.NOT_SENT)
            continue
        lines = []
        for notification in sorted(notifications, key=lambda n: n.created_at):
            lines.append(f"- {notification.title}")
            if notification.text:
                lines.append(f"  {notification.text}")
            if notification.url:
                lines.append(f"  {_link(notification)}")
        subject = f"Community safety plans: {len(notifications)} notification{'s' if len(notifications) > 1 else ''}"
        if EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[address]).send():
            _mark(notifications, claim, Notification.EmailState.SENT)
            sent += 1
    return sent


def users_of_people(people: Iterable) -> list:
    """The active users linked to these people (people named in a plan may have no login)."""
    user_ids = {person.user_id for person in people if person is not None and person.user_id}
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))
