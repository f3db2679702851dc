"""Asking for reports, rendering them (eagerly here), failure, retry, idempotence and the schedule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from reporting import services
from reporting.models import ReportJob
from reporting.selectors import plan_status_totals, report_jobs_visible_to, status_counts_by_priority
from reporting.services import board_reports_produce_due, report_render, report_request, report_retry
from tests.factories import AreaFactory, PartnershipFactory
from tests.reporting.conftest import build_report_plan, pdf_text


def _request(django_capture_on_commit_callbacks, **kwargs) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = report_request(**kwargs)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("coordinator", True), ("analyst", True), ("group_chair", True), ("lead_officer", False), ("viewer", False)],
)
def test_who_may_ask_for_a_report(partnership, make_member, report_plan, role, allowed):
    user = make_member(partnership, role)
    if allowed:
        assert report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.q2).state == "queued"
    else:
        with pytest.raises(PermissionDenied):
            report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.q2)


def test_another_partnerships_plan_cannot_be_reported(make_member, report_plan):
    stranger = make_member(PartnershipFactory(), "analyst")
    with pytest.raises(PermissionDenied):
        report_request(user=stranger, kind="board", plan=report_plan.plan, period=report_plan.q2)


def test_pcc_report_needs_a_half_year(partnership, make_member, report_plan):
    user = make_member(partnership, "analyst")
    with pytest.raises(ValidationError, match="half-year"):
        report_request(user=user, kind="pcc", plan=report_plan.plan, period=report_plan.q2)


def test_board_report_needs_a_quarter(partnership, make_member, report_plan):
    user = make_member(partnership, "analyst")
    with pytest.raises(ValidationError, match="quarter"):
        report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.h1)


def test_status_counts_skip_struck_objectives_and_drafts(report_plan):
    rows = status_counts_by_priority(report_plan.plan, report_plan.q1)
    by_label = {row.label: row.counts for row in rows}
    assert by_label["1 Domestic abuse"] == {"red": 0, "amber": 1, "green": 1, "no_update": 0, "no_status": 0}
    # 2.1's Q1 update is a draft, 2.2 is struck: one objective, with no (counted) update.
    assert by_label["2 Anti-social behaviour"] == {"red": 0, "amber": 0, "green": 0, "no_update": 1, "no_status": 0}
    assert plan_status_totals(report_plan.plan, report_plan.q1)["amber"] == 1


def test_board_report_pdf_holds_objectives_statuses_exceptions_and_struck(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    user = make_member(partnership, "analyst")
    job = _request(
        django_capture_on_commit_callbacks, user=user, kind="board", plan=report_plan.plan, period=report_plan.q2
    )
    assert job.state == "done"
    text = pdf_text(job)
    assert "Exceptions: red and amber" in text
    assert "Red 1.1 Run a domestic abuse awareness campaign" in text
    assert "Event scaled down due to resourcing issues." in text
    assert "1.2 Train frontline staff in DASH risk checks" in text
    assert "Site no longer available" in text
    assert "1 August 2014" in text
    # Columns: red, amber, no update, update gives no status, green; each objective counted once.
    assert "All objectives (each counted once) 1 1 0 0 1 3" in text
    assert "Page 3 of" in text


def test_pdf_is_tagged_for_screen_readers(partnership, make_member, report_plan, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    user = make_member(partnership, "analyst")
    job = _request(
        django_capture_on_commit_callbacks, user=user, kind="board", plan=report_plan.plan, period=report_plan.q2
    )
    with job.pdf.open("rb") as handle:
        root = PdfReader(handle).trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/MarkInfo"]["/Marked"]
        assert root["/Lang"] == "en-GB"


def test_rag_report_shows_each_quarters_status(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    user = make_member(partnership, "coordinator")
    job = _request(
        django_capture_on_commit_callbacks, user=user, kind="rag", plan=report_plan.plan, period=report_plan.q2
    )
    text = pdf_text(job)
    assert "Q1 Q2" in text
    assert "Amber Red" in text  # 1.1 went from amber in Q1 to red in Q2
    assert "No update Amber" in text  # 2.1: a draft in Q1 (never counted), amber in Q2


def test_pcc_report_totals_cost_and_latest_spend(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    user = make_member(partnership, "analyst")
    job = _request(
        django_capture_on_commit_callbacks, user=user, kind="pcc", plan=report_plan.plan, period=report_plan.h1
    )
    text = pdf_text(job)
    # 1.1 cost 2,500 + 1.2 cost 1,200.50; spend is 1.1's latest (Q2) figure; struck 2.2 is left out.
    assert "Plan total £3,700.50 £800.25" in text
    assert "Total for 1 Domestic abuse £3,700.50 £800.25" in text
    assert "PCC grant" in text
    assert "£9,999.00" in text  # shown on its line, not in the totals


def test_area_summary_covers_only_partnerships_the_user_sees(make_member, django_capture_on_commit_callbacks):
    herts = [
        PartnershipFactory(area=AreaFactory(name="Hertfordshire"), name=f"{n} CSP")
        for n in ("Stevenage", "East Herts", "Watford")
    ]
    plans = [build_report_plan(p, title=f"{p.name} plan") for p in herts]
    user = make_member(herts[0], "analyst")
    membership = user.memberships.create(partnership=herts[1])
    assert membership
    job = _request(django_capture_on_commit_callbacks, user=user, kind="area", period=plans[0].q2)
    text = pdf_text(job)
    assert "Stevenage CSP plan" in text
    assert "East Herts CSP plan" in text
    assert "Watford" not in text
    assert set(job.covered_partnerships.all()) == {herts[0], herts[1]}


def test_area_summary_is_hidden_from_a_member_who_cannot_see_every_partnership_in_it(
    make_member, django_capture_on_commit_callbacks
):
    one, two = PartnershipFactory(area=AreaFactory(name="Kent")), PartnershipFactory(area=AreaFactory(name="Kent"))
    period = build_report_plan(one).q2
    build_report_plan(two)
    analyst = make_member(one, "analyst")
    analyst.memberships.create(partnership=two)
    colleague = make_member(one, "viewer")
    job = _request(django_capture_on_commit_callbacks, user=analyst, kind="area", period=period)
    assert job in report_jobs_visible_to(analyst)
    assert job not in report_jobs_visible_to(colleague)


def test_a_failed_render_is_marked_with_its_reason(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    user = make_member(partnership, "analyst")
    with mock.patch.object(services, "html_to_pdf", side_effect=RuntimeError("fonts missing")):
        job = _request(
            django_capture_on_commit_callbacks, user=user, kind="board", plan=report_plan.plan, period=report_plan.q2
        )
    assert job.state == "failed"
    assert job.failure_reason == "RuntimeError: fonts missing"
    assert job.finished_at is not None


def test_a_failed_report_can_be_retried_and_then_succeeds(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    user = make_member(partnership, "analyst")
    with mock.patch.object(services, "html_to_pdf", side_effect=RuntimeError("boom")):
        job = _request(
            django_capture_on_commit_callbacks, user=user, kind="board", plan=report_plan.plan, period=report_plan.q2
        )
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(user=user, job=job)
    job.refresh_from_db()
    assert job.state == "done"
    assert job.failure_reason == ""
    assert job.pdf


def test_a_done_report_cannot_be_retried(partnership, make_member, report_plan, django_capture_on_commit_callbacks):
    user = make_member(partnership, "analyst")
    job = _request(
        django_capture_on_commit_callbacks, user=user, kind="board", plan=report_plan.plan, period=report_plan.q2
    )
    with pytest.raises(ValidationError):
        report_retry(user=user, job=job)


def test_rendering_a_done_job_again_changes_nothing(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    user = make_member(partnership, "analyst")
    job = _request(
        django_capture_on_commit_callbacks, user=user, kind="board", plan=report_plan.plan, period=report_plan.q2
    )
    first = (job.pdf.name, job.checksum, job.attempts, job.finished_at)
    again = report_render(job_id=job.pk)
    assert (again.pdf.name, again.checksum, again.attempts, again.finished_at) == first
    assert len(list(Path(job.pdf.path).parent.iterdir())) == 1


def test_a_job_left_rendering_by_a_dead_worker_is_rendered_by_the_next_delivery(partnership, make_member, report_plan):
    user = make_member(partnership, "analyst")
    job = report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.q2)
    ReportJob.objects.filter(pk=job.pk).update(state="rendering", attempts=1)
    job = report_render(job_id=job.pk)
    assert job.state == "done"
    assert job.attempts == 2


def test_a_job_that_keeps_killing_its_worker_is_failed_not_left_rendering(partnership, make_member, report_plan):
    user = make_member(partnership, "analyst")
    job = report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.q2)
    ReportJob.objects.filter(pk=job.pk).update(state="rendering", attempts=services.MAX_ATTEMPTS)
    job = report_render(job_id=job.pk)
    assert job.state == "failed"
    assert "never finished" in job.failure_reason


def test_soft_time_limit_fails_the_job_with_a_reason(partnership, make_member, report_plan):
    from celery.exceptions import SoftTimeLimitExceeded

    user = make_member(partnership, "analyst")
    job = report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.q2)
    with mock.patch.object(services, "html_to_pdf", side_effect=SoftTimeLimitExceeded()):
        job = report_render(job_id=job.pk)
    assert job.state == "failed"
    assert "took longer than" in job.failure_reason


def test_render_task_has_hard_and_soft_time_limits():
    from reporting.tasks import render_report

    assert render_report.time_limit
    assert render_report.soft_time_limit < render_report.time_limit
    assert render_report.acks_late
    assert render_report.reject_on_worker_lost


def test_schedule_produces_the_board_report_once_after_the_deadline_and_tells_analysts(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    make_member(partnership, "analyst", email="analyst@example.org")
    make_member(partnership, "viewer", email="viewer@example.org")
    after_deadline = report_plan.q2.update_deadline + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = board_reports_produce_due(today=after_deadline)
    with django_capture_on_commit_callbacks(execute=True):
        again = board_reports_produce_due(today=after_deadline)
    assert len(jobs) == 1
    assert again == []
    job = ReportJob.objects.get()
    assert (job.kind, job.plan, job.period, job.state, job.is_automatic) == (
        "board",
        report_plan.plan,
        report_plan.q2,
        "done",
        True,
    )
    assert [m.to for m in mail.outbox] == [["analyst@example.org"]]
    assert f"/reports/{job.pk}/" in mail.outbox[0].body


def test_schedule_waits_for_the_deadline(report_plan):
    assert board_reports_produce_due(today=report_plan.q2.update_deadline) == []


def test_schedule_skips_a_plan_that_already_has_its_board_report(partnership, make_member, report_plan):
    user = make_member(partnership, "analyst")
    report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.q2)
    assert board_reports_produce_due(today=report_plan.q2.update_deadline + dt.timedelta(days=1)) == []


def test_pcc_report_shows_the_latest_quarter_with_updates_when_the_half_is_not_complete(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    from plans.models import QuarterlyUpdate

    QuarterlyUpdate.objects.filter(period=report_plan.q2).delete()
    user = make_member(partnership, "analyst")
    job = _request(
        django_capture_on_commit_callbacks, user=user, kind="pcc", plan=report_plan.plan, period=report_plan.h1
    )
    text = pdf_text(job)
    assert "Status Q1 2014/15" in text
    assert "First event planned." in text
    assert "Plan total £3,700.50 £300.00" in text


def test_the_sweep_fails_jobs_left_rendering_past_every_time_limit(partnership, make_member, report_plan, settings):
    from django.utils import timezone

    user = make_member(partnership, "analyst")
    limit = settings.CELERY_TASK_TIME_LIMIT + settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    stuck = report_request(user=user, kind="board", plan=report_plan.plan, period=report_plan.q2)
    recent = report_request(user=user, kind="rag", plan=report_plan.plan, period=report_plan.q2)
    now = timezone.now()
    ReportJob.objects.filter(pk=stuck.pk).update(
        state="rendering", attempts=1, started_at=now - dt.timedelta(seconds=limit + 60)
    )
    ReportJob.objects.filter(pk=recent.pk).update(state="rendering", attempts=1, started_at=now)

    assert services.report_jobs_fail_stuck(now=now) == [stuck.pk]

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.state == "failed"
    assert "time limit" in stuck.failure_reason
    assert recent.state == "rendering"
    assert report_retry(user=user, job=stuck).state == "queued"
