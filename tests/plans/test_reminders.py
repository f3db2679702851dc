"""Reminders to lead officers: who, when, what the e-mail says, and never twice."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.urls import reverse

from plans.models import Objective, Plan, QuarterlyUpdate, Reminder
from plans.services.reminders import reminders_send_due
from plans.tasks import send_update_reminders
from tests.factories import ObjectiveFactory, ObjectiveLeadFactory, QuarterlyUpdateFactory
from tests.plans.test_updates_services import domestic_abuse_item

pytestmark = pytest.mark.services

# Q2 2014/15 ends 30 September; the factories put its deadline 14 days later; reminders go 7 days before.
DEADLINE = dt.date(2014, 10, 14)
BEFORE = DEADLINE - dt.timedelta(days=7)
AFTER = DEADLINE + dt.timedelta(days=1)


@pytest.fixture
def item(db, settings):
    settings.SITE_URL = "https://csp.example.org"
    return domestic_abuse_item()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send_due(today=today)

    return _run


def test_a_lead_officer_is_reminded_before_the_deadline_with_absolute_links(item, run):
    run(BEFORE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [item.lead_user.email]
    assert message.subject == "Reminder: your Q2 2014/15 updates are due by 14 October 2014"
    link = "https://csp.example.org" + reverse("plans:update_edit", args=[item.objective.pk, item.q2.pk])
    assert link in message.body
    assert "2.1 Raise awareness of domestic abuse" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html


def test_the_reminder_is_recorded(item, run):
    run(BEFORE)
    reminder = Reminder.objects.get()
    assert (reminder.person, reminder.period, reminder.kind) == (item.lead, item.q2, Reminder.Kind.BEFORE_DEADLINE)
    assert list(reminder.objectives.all()) == [item.objective]


def test_no_reminder_before_the_reminder_day(item, run):
    run(BEFORE - dt.timedelta(days=1))
    assert mail.outbox == []


def test_a_second_reminder_goes_the_day_after_the_deadline(item, run):
    run(BEFORE)
    run(AFTER)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Overdue: your Q2 2014/15 updates were due on 14 October 2014"
    assert "A late update is still accepted" in mail.outbox[1].body


def test_running_the_job_twice_sends_nothing_twice(item, run):
    run(BEFORE)
    run(BEFORE)
    run(BEFORE + dt.timedelta(days=1))
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


@pytest.mark.parametrize("state", [QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED])
def test_items_with_a_submitted_update_are_not_chased(item, run, state):
    QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state=state)
    run(BEFORE)
    assert mail.outbox == []


@pytest.mark.parametrize("state", [QuarterlyUpdate.State.DRAFT, QuarterlyUpdate.State.RETURNED])
def test_items_with_a_draft_or_returned_update_are_still_chased(item, run, state):
    QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state=state)
    run(BEFORE)
    assert len(mail.outbox) == 1


def test_one_email_lists_all_of_a_leads_outstanding_items(item, run):
    second = ObjectiveFactory(plan=item.objective.plan, ref="2.2", title="Support the MARAC")
    ObjectiveLeadFactory(objective=second, person=item.lead)
    run(BEFORE)
    assert len(mail.outbox) == 1
    assert "2.1 Raise awareness" in mail.outbox[0].body
    assert "2.2 Support the MARAC" in mail.outbox[0].body


def test_the_persons_own_address_is_preferred_to_their_logins(item, run):
    item.lead.email = "debbie.barker@stevenage.example"
    item.lead.save()
    run(BEFORE)
    assert mail.outbox[0].to == ["debbie.barker@stevenage.example"]


def test_a_lead_with_no_address_is_not_reminded(item, run):
    item.lead_user.email = ""
    item.lead_user.save()
    run(BEFORE)
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_archived_items_are_not_chased(item, run):
    Objective.objects.filter(pk=item.objective.pk).update(archived_at=dt.datetime(2014, 9, 1, tzinfo=dt.UTC))
    run(BEFORE)
    assert mail.outbox == []


def test_an_archived_submitted_update_does_not_count_as_done(item, run):
    QuarterlyUpdateFactory(
        objective=item.objective,
        period=item.q2,
        state=QuarterlyUpdate.State.SUBMITTED,
        archived_at=dt.datetime(2014, 9, 1, tzinfo=dt.UTC),
    )
    run(BEFORE)
    assert len(mail.outbox) == 1


def test_struck_objectives_and_plans_that_are_not_live_are_not_chased(item, run):
    Objective.objects.filter(pk=item.objective.pk).update(
        state=Objective.State.STRUCK, struck_on=dt.date(2014, 9, 1), struck_reason="Moved to strike"
    )
    other = ObjectiveFactory(plan__partnership=item.partnership, plan__status=Plan.Status.DRAFT)
    ObjectiveLeadFactory(objective=other, person=item.lead)
    run(BEFORE)
    assert mail.outbox == []


def test_the_reminder_day_follows_the_partnerships_setting(item, run):
    item.partnership.reminder_days_before = 3
    item.partnership.save()
    run(BEFORE)
    assert mail.outbox == []
    run(DEADLINE - dt.timedelta(days=3))
    assert len(mail.outbox) == 1


def _wait_until_sent(count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while Reminder.objects.filter(state=Reminder.State.SENT).count() < count:
        if time.monotonic() > deadline:
            pytest.fail(f"fewer than {count} reminders sent after {timeout} s")
        time.sleep(0.1)


def test_reminders_go_through_a_real_celery_worker_on_redis_once(celery_worker, settings):
    settings.SITE_URL = "https://csp.example.org"
    item = domestic_abuse_item()
    assert send_update_reminders.delay(BEFORE.isoformat()).get(timeout=30) == 1  # one partnership fanned out
    _wait_until_sent(1)
    send_update_reminders.delay(BEFORE.isoformat()).get(timeout=30)
    time.sleep(1)  # give a wrongly queued second e-mail the time to arrive
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [item.lead_user.email]
    assert message.subject == "Reminder: your Q2 2014/15 updates are due by 14 October 2014"
    assert "https://csp.example.org/plans/objectives/" in message.body
    assert Reminder.objects.get().kind == Reminder.Kind.BEFORE_DEADLINE


def test_a_jobholder_or_organisation_lead_is_not_reminded_and_a_two_organisation_lead_gets_the_item_once(item, run):
    from plans.models import ObjectiveLead
    from tests.factories import AgencyFactory

    partnership = item.objective.plan.partnership
    ObjectiveLead.objects.create(
        objective=item.objective, job_title="Chief Inspector", agency=AgencyFactory(partnership=partnership)
    )
    ObjectiveLead.objects.create(
        objective=item.objective, person=item.lead, agency=AgencyFactory(partnership=partnership)
    )
    run(BEFORE)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("2.1 Raise awareness") == 1
