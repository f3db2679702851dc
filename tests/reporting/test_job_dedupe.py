"""An identical report request while one is queued or rendering returns that job; the latest report is marked;
a job whose worker died says when it will be retried."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from reporting.models import ReportJob
from reporting.services import report_request, report_retry_at


def test_an_identical_request_while_queued_returns_the_same_job(partnership, make_member, report_plan):
    analyst, chair = make_member(partnership, "analyst"), make_member(partnership, "group_chair")
    first = report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2)
    second = report_request(user=chair, kind="board", plan=report_plan.plan, period=report_plan.q2)
    assert second.pk == first.pk
    assert second.already_asked is True
    assert ReportJob.objects.count() == 1


def test_a_request_while_rendering_returns_that_job(partnership, make_member, report_plan):
    analyst = make_member(partnership, "analyst")
    first = report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2)
    ReportJob.objects.filter(pk=first.pk).update(state=ReportJob.State.RENDERING, started_at=timezone.now())
    assert report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2).pk == first.pk


@pytest.mark.parametrize("state", [ReportJob.State.DONE, ReportJob.State.FAILED])
def test_a_finished_job_does_not_stop_a_new_request(partnership, make_member, report_plan, state):
    analyst = make_member(partnership, "analyst")
    first = report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2)
    ReportJob.objects.filter(pk=first.pk).update(state=state)
    assert report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2).pk != first.pk


def test_a_different_kind_or_period_is_a_new_job(partnership, make_member, report_plan):
    analyst = make_member(partnership, "analyst")
    board = report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2)
    rag = report_request(user=analyst, kind="rag", plan=report_plan.plan, period=report_plan.q2)
    earlier = report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q1)
    assert len({board.pk, rag.pk, earlier.pk}) == 3


def test_asking_twice_on_the_page_says_it_is_already_being_made(partnership, make_member, report_plan, client):
    client.force_login(make_member(partnership, "analyst"))
    form = {"kind": "board", "plan": report_plan.plan.pk, "period": report_plan.q2.pk}
    client.post(reverse("reporting:report_list"), form)
    page = client.post(reverse("reporting:report_list"), form, follow=True).content.decode()
    assert "is already being made" in page
    assert ReportJob.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_requests_make_one_job(make_member, postgres):
    from tests.factories import PartnershipFactory
    from tests.reporting.conftest import build_report_plan

    partnership = PartnershipFactory()
    report_plan = build_report_plan(partnership)
    users = [make_member(partnership, "analyst"), make_member(partnership, "coordinator")]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def ask(index):
        try:
            barrier.wait(timeout=10)
            results[index] = report_request(
                user=users[index], kind="board", plan=report_plan.plan, period=report_plan.q2
            ).pk
        except Exception as exc:  # the assertion below shows it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(pk, int) for pk in results), results
    assert results[0] == results[1]
    assert ReportJob.objects.filter(kind="board", plan=report_plan.plan, period=report_plan.q2).count() == 1


def _done(partnership, report_plan, user, *, period, kind="board", minutes_ago=0):
    return ReportJob.objects.create(
        kind=kind,
        partnership=partnership,
        plan=report_plan.plan,
        period=period,
        requested_by=user,
        state=ReportJob.State.DONE,
        finished_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def test_the_latest_done_report_of_each_kind_is_marked(
    partnership, make_member, report_plan, client, django_assert_max_num_queries
):
    analyst = make_member(partnership, "analyst")
    older = _done(partnership, report_plan, analyst, period=report_plan.q2, minutes_ago=60)
    newer = _done(partnership, report_plan, analyst, period=report_plan.q2, minutes_ago=5)
    rag = _done(partnership, report_plan, analyst, period=report_plan.q2, kind="rag", minutes_ago=90)
    client.force_login(analyst)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("reporting:report_list"))
    assert set(response.context["latest_ids"]) == {newer.pk, rag.pk}
    assert older.pk not in response.context["latest_ids"]
    assert response.content.decode().count(">Latest</strong>") == 2


def test_a_rendering_job_within_the_time_limit_has_no_retry_time(partnership, report_plan, settings):
    job = ReportJob(kind="board", partnership=partnership, state=ReportJob.State.RENDERING, started_at=timezone.now())
    assert report_retry_at(job) is None


def test_a_job_past_the_time_limit_will_be_retried_when_the_broker_redelivers(partnership, settings):
    settings.CELERY_TASK_TIME_LIMIT = 300
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    started = timezone.now() - dt.timedelta(seconds=400)
    job = ReportJob(kind="board", partnership=partnership, state=ReportJob.State.RENDERING, started_at=started)
    assert report_retry_at(job) == started + dt.timedelta(seconds=600)
    assert report_retry_at(job, now=started + dt.timedelta(seconds=601)) is None


def test_the_job_page_shows_the_retry_time_in_london_time(partnership, make_member, report_plan, client, settings):
    settings.CELERY_TASK_TIME_LIMIT = 300
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    analyst = make_member(partnership, "analyst")
    job = report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2)
    started = timezone.now() - dt.timedelta(seconds=400)
    ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.RENDERING, started_at=started, attempts=1)
    client.force_login(analyst)
    page = client.get(reverse("reporting:report_detail", args=[job.pk])).content.decode()
    expected = timezone.localtime(started + dt.timedelta(seconds=600)).strftime("%H:%M")
    assert f"It will be retried at {expected}." in page


def test_the_latest_marks_are_the_same_on_every_page_of_the_list(partnership, make_member, report_plan, client):
    """The list asks which reports are latest for its page's periods only: the same answer as over all reports."""
    from reporting.selectors import latest_report_ids, report_jobs_visible_to

    analyst = make_member(partnership, "analyst")
    # 30 reports, newest first in the list: Q2 ones on page 1, the older Q1 ones and one older Q2 on page 2.
    for minutes in range(0, 26):
        _done(partnership, report_plan, analyst, period=report_plan.q2, kind="rag" if minutes % 2 else "board")
    ReportJob.objects.filter(period=report_plan.q2).update(requested_at=timezone.now())
    oldest_q2 = _done(partnership, report_plan, analyst, period=report_plan.q2, minutes_ago=600)
    ReportJob.objects.filter(pk=oldest_q2.pk).update(requested_at=timezone.now() - dt.timedelta(days=2))
    for minutes in (100, 200, 300):
        _done(partnership, report_plan, analyst, period=report_plan.q1, minutes_ago=minutes)
    ReportJob.objects.filter(period=report_plan.q1).update(requested_at=timezone.now() - dt.timedelta(days=1))
    everywhere = latest_report_ids(analyst)
    client.force_login(analyst)
    shown = []
    for number in (1, 2):
        response = client.get(reverse("reporting:report_list"), {"page": number})
        jobs = list(response.context["jobs"])
        shown += [job.pk for job in jobs]
        assert response.context["latest_ids"] == everywhere & {job.pk for job in jobs}
    assert shown == list(report_jobs_visible_to(analyst).values_list("pk", flat=True))
    assert oldest_q2.pk in shown[25:]
    assert oldest_q2.pk not in everywhere
