"""Notifications: recorded once per event, e-mailed on commit and never twice, digests, pages (issue 13 point 3)."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import transaction

from csp.models import Notification, NotificationPreference
from csp.notifications import (
    notification_preference_set,
    notifications_email,
    notifications_email_digests,
    notify,
)
from tests.factories import MembershipFactory, PartnershipFactory


@pytest.fixture
def people(db):
    partnership = PartnershipFactory()
    return [MembershipFactory(partnership=partnership, username=f"user{i}").user for i in range(2)]


def _notify(users, key="event:1", **kwargs):
    return notify(
        users=users, kind=Notification.Kind.UPDATE_APPROVED, title="DA1: Q1 update approved", key=key, **kwargs
    )


def test_notify_records_one_row_per_user_and_emails_after_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = _notify(people, url="/plans/objectives/1/")
    assert len(ids) == 2
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)
    assert "http://" in mail.outbox[0].body or "https://" in mail.outbox[0].body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {Notification.EmailState.SENT}


def test_the_same_key_twice_records_nothing_new(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people)
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(people) == []
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_rolled_back_transaction_records_and_sends_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _notify(people)
                raise RuntimeError("the event failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_sending_the_same_notifications_twice_sends_once(people):
    ids = _notify(people)
    assert notifications_email(ids=ids) == 2
    assert notifications_email(ids=ids) == 0
    assert len(mail.outbox) == 2


def test_a_daily_digest_user_gets_no_immediate_mail_then_one_digest(people, django_capture_on_commit_callbacks):
    daily, immediate = people
    notification_preference_set(user=daily, delivery=NotificationPreference.Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people, key="event:1")
        _notify([daily], key="event:2")
    assert [m.to for m in mail.outbox] == [[immediate.email]]
    mail.outbox.clear()
    assert notifications_email_digests() == 1
    assert notifications_email_digests() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [daily.email]
    assert mail.outbox[0].body.count("DA1: Q1 update approved") == 2


def test_a_notification_without_email_shows_in_the_app_only(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people, email=False)
    assert mail.outbox == []
    assert Notification.objects.filter(email_state=Notification.EmailState.SEPARATE).count() == 2


@pytest.mark.services
def test_the_email_task_run_twice_on_a_real_worker_sends_once(celery_worker):
    from csp.tasks import email_notifications

    partnership = PartnershipFactory()
    user = MembershipFactory(partnership=partnership, username="workeruser").user
    # A digest user: notify queues no mail of its own, so the two runs below are the only senders.
    notification_preference_set(user=user, delivery=NotificationPreference.Delivery.DAILY)
    ids = _notify([user], key="worker:1")
    first = email_notifications.delay(ids)
    second = email_notifications.delay(ids)
    results = sorted([first.get(timeout=60), second.get(timeout=60)])
    assert results == [0, 1]
    deadline = time.monotonic() + 10
    while Notification.objects.get(pk=ids[0]).email_state != Notification.EmailState.SENT:
        assert time.monotonic() < deadline
        time.sleep(0.2)


# Pages --------------------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_the_page_lists_them(people, client):
    _notify(people[:1], key="event:1")
    _notify(people[:1], key="event:2")
    client.force_login(people[0])
    page = client.get("/account/notifications/").content.decode()
    assert 'Notifications (2<span class="govuk-visually-hidden"> unread</span>)' in page
    assert page.count("<strong>DA1: Q1 update approved</strong>") == 2


def test_mark_one_read_then_all(people, client):
    first, second = _notify(people[:1], key="event:1") + _notify(people[:1], key="event:2")
    client.force_login(people[0])
    assert client.post("/account/notifications/", {"notification": first}).status_code == 302
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {second}
    client.post("/account/notifications/", {})
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_marking_someone_elses_notification_changes_nothing(people, client):
    (theirs,) = _notify(people[1:], key="event:1")
    client.force_login(people[0])
    client.post("/account/notifications/", {"notification": theirs})
    assert Notification.objects.get(pk=theirs).read_at is None
    assert "DA1" not in client.get("/account/notifications/").content.decode()


def test_the_notifications_pages_need_a_sign_in(client, db):
    for url in ("/account/notifications/", "/account/notifications/e-mails/"):
        assert client.get(url).status_code == 302


def test_choosing_the_daily_digest(people, client):
    client.force_login(people[0])
    assert client.get("/account/notifications/e-mails/").status_code == 200
    assert client.post("/account/notifications/e-mails/", {"delivery": "daily"}).status_code == 302
    assert NotificationPreference.objects.get(user=people[0]).delivery == "daily"


def test_a_bad_choice_shows_an_error_summary_and_changes_nothing(people, client):
    client.force_login(people[0])
    response = client.post("/account/notifications/e-mails/", {"delivery": "hourly"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Choose one of the options" in page
    assert not NotificationPreference.objects.exists()


def test_the_notifications_page_runs_a_constant_number_of_queries(people, client, django_assert_max_num_queries):
    client.force_login(people[0])
    for i in range(30):
        _notify(people[:1], key=f"event:{i}")
    with django_assert_max_num_queries(12):
        assert client.get("/account/notifications/").status_code == 200
