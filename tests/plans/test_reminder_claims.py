"""Each reminder is claimed before it is sent: a live claim is respected, a stale one is taken over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from csp.models import Person
from plans.models import Reminder
from plans.services.reminders import claim_lease, reminders_send_batch
from tests.factories import PartnershipFactory, QuarterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminders():
    partnership = PartnershipFactory()
    period = QuarterFactory(partnership=partnership, number=2)
    people = [
        Person.objects.create(partnership=partnership, name=f"Lead {i}", email=f"l{i}@example.org") for i in (1, 2)
    ]
    return [
        Reminder.objects.create(person=p, period=period, kind=Reminder.Kind.BEFORE_DEADLINE, email=p.email)
        for p in people
    ]


def _ids(rows):
    return [r.pk for r in rows]


def test_a_batch_sends_each_pending_reminder_once_and_marks_it_sent(reminders):
    result = reminders_send_batch(reminder_ids=_ids(reminders), claim="a")
    assert (result.sent, result.unsent) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["l1@example.org", "l2@example.org"]
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SENT}


def test_a_second_run_of_the_same_batch_sends_nothing(reminders):
    reminders_send_batch(reminder_ids=_ids(reminders), claim="a")
    result = reminders_send_batch(reminder_ids=_ids(reminders), claim="b")
    assert (result.sent, result.unsent) == (0, 0)
    assert len(mail.outbox) == 2


def test_a_reminder_claimed_by_a_live_sender_is_left_to_it(reminders):
    Reminder.objects.filter(pk=reminders[0].pk).update(
        state=Reminder.State.SENDING, claimed_by="other", claimed_at=timezone.now()
    )
    result = reminders_send_batch(reminder_ids=_ids(reminders), claim="b")
    assert (result.sent, result.unsent) == (1, 1)
    assert [m.to[0] for m in mail.outbox] == ["l2@example.org"]


def test_a_claim_older_than_the_lease_is_taken_over(reminders):
    stale = timezone.now() - claim_lease() - dt.timedelta(seconds=1)
    Reminder.objects.filter(pk=reminders[0].pk).update(
        state=Reminder.State.SENDING, claimed_by="dead", claimed_at=stale
    )
    result = reminders_send_batch(reminder_ids=_ids(reminders), claim="b")
    assert (result.sent, result.unsent) == (2, 0)
    assert Reminder.objects.get(pk=reminders[0].pk).claimed_by == "b"
