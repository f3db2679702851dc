"""Writes of reports: ask for one, render it in a worker, retry it, produce the due board reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from csp.models import Notification, Partnership, ReportingPeriod, Role
from csp.notifications import notify
from csp.selectors import User, partnerships_visible_to, users_with_role
from plans.models import Meeting, Plan
from plans.selectors.browse import current_period_for

from .content import area_partnerships_for
from .models import ReportJob
from .rendering import html_to_pdf, report_templates
from .selectors import can_request_reports

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step at INFO; a worker log needs its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# A job whose worker died is re-rendered by the next delivery; after this many tries it is failed.
MAX_ATTEMPTS = 3
PERIOD_KIND_OF = {
    ReportJob.Kind.MEETING_PACK: ReportingPeriod.Kind.QUARTER,
    ReportJob.Kind.BOARD: ReportingPeriod.Kind.QUARTER,
    ReportJob.Kind.RAG: ReportingPeriod.Kind.QUARTER,
    ReportJob.Kind.PCC: ReportingPeriod.Kind.HALF_YEAR,
    ReportJob.Kind.AREA: ReportingPeriod.Kind.QUARTER,
}


def meeting_pack_period(meeting: Meeting) -> ReportingPeriod | None:
    """The quarter a meeting falls in (else the latest quarter before it): what the pack's job is filed under."""
    quarters = ReportingPeriod.objects.filter(
        partnership_id=meeting.group.partnership_id, kind=ReportingPeriod.Kind.QUARTER, start__lte=meeting.date
    )
    return quarters.order_by("-start").first()


@transaction.atomic
def meeting_pack_request(*, user: User, meeting: Meeting) -> ReportJob:
    """Queue a PDF of a meeting's pack, rendered by the same pipeline as every report."""
    partnership = meeting.group.partnership
    if not partnerships_visible_to(user).filter(pk=partnership.pk).exists():
        raise PermissionDenied("You are not a member of this partnership")
    if not can_request_reports(user, partnership):
        raise PermissionDenied("Only coordinators, analysts and group chairs can ask for reports")
    period = meeting_pack_period(meeting)
    if period is None:
        raise ValidationError(
            f"{partnership} has no quarter on or before {meeting.date:%-d %B %Y} to file the pack under."
        )
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.MEETING_PACK, partnership=partnership, meeting=meeting, period=period, requested_by=user
    )
    _queue_render(job)
    return job


def _queue_render(job: ReportJob) -> None:
    from .tasks import render_report

    transaction.on_commit(lambda: render_report.delay(job.pk))


@transaction.atomic
def report_request(
    *,
    user: User,
    kind: str,
    period: ReportingPeriod,
    plan: Plan | None = None,
    partnership: Partnership | None = None,
    partnerships: list[Partnership] | None = None,
) -> ReportJob:
    """Queue a report of a plan (or, for an area summary, of a partnership's area) for a period.

    An area summary covers the chosen `partnerships` of the area (all the area's partnerships the user
    sees when none are given) and names those of them left out.
    """
    if kind not in ReportJob.Kind.values:
        raise ValidationError({"kind": "Choose a kind of report"})
    if kind == ReportJob.Kind.MEETING_PACK:
        raise ValidationError({"kind": "A meeting pack is asked for from its meeting's page"})
    partnership = plan.partnership if plan is not None else partnership or period.partnership
    if not partnerships_visible_to(user).filter(pk=partnership.pk).exists():
        raise PermissionDenied("You are not a member of this partnership")
    if not can_request_reports(user, partnership):
        raise PermissionDenied("Only coordinators, analysts and group chairs can ask for reports")
    wanted_kind = PERIOD_KIND_OF[kind]
    if period.partnership_id != partnership.pk or period.kind != wanted_kind:
        label = "a half-year" if wanted_kind == ReportingPeriod.Kind.HALF_YEAR else "a quarter"
        raise ValidationError({"period": f"Choose {label} of {partnership}"})
    if kind != ReportJob.Kind.AREA:
        if plan is None:
            raise ValidationError({"plan": "Choose the plan to report on"})
        if plan.period_start > period.end or plan.period_end < period.start:
            raise ValidationError({"period": f"Choose a period within the plan ({plan.period_label or plan})"})
    plan = plan if kind != ReportJob.Kind.AREA else None
    covered, left_out = _area_choice(user, partnership, partnerships) if kind == ReportJob.Kind.AREA else ([], [])
    # Identical requests queue one job: the partnership's row lock makes a second request wait
    # until the first has committed its job, then find it.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    waiting = report_job_waiting(kind=kind, partnership=partnership, plan=plan, period=period, covered=covered)
    if waiting is not None:
        waiting.already_asked = True
        return waiting
    job = ReportJob.objects.create(
        kind=kind,
        partnership=partnership,
        plan=plan,
        period=period,
        requested_by=user,
        area=partnership.area if kind == ReportJob.Kind.AREA else None,
    )
    if covered:
        job.covered_partnerships.set(covered)
        job.left_out_partnerships.set(left_out)
    _queue_render(job)
    return job


def _area_choice(
    user: User, partnership: Partnership, chosen: list[Partnership] | None
) -> tuple[list[Partnership], list[Partnership]]:
    """(covered, left out) of an area summary: the chosen partnerships of the area, each one the user sees."""
    of_area = area_partnerships_for(partnership, partnerships_visible_to(user))
    if chosen is None:
        return of_area, []
    allowed = {p.pk for p in of_area}
    wanted = {p.pk for p in chosen}
    if not wanted:
        raise ValidationError({"partnerships": "Choose at least one partnership to include"})
    if not wanted <= allowed:
        raise ValidationError({"partnerships": f"Choose only partnerships of {partnership.area or partnership}"})
    if partnership.pk not in wanted:
        raise ValidationError({"partnerships": f"The report's period belongs to {partnership}: include it"})
    return [p for p in of_area if p.pk in wanted], [p for p in of_area if p.pk not in wanted]


def report_job_waiting(
    *, kind: str, partnership: Partnership, plan: Plan | None, period: ReportingPeriod, covered: list[Partnership]
) -> ReportJob | None:
    """A queued or rendering job for the same report (same area for an area summary), if there is one."""
    jobs = ReportJob.objects.filter(
        kind=kind,
        partnership=partnership,
        plan=plan,
        period=period,
        state__in=(ReportJob.State.QUEUED, ReportJob.State.RENDERING),
    ).prefetch_related("covered_partnerships")
    wanted = {p.pk for p in covered}
    for job in jobs:
        if kind != ReportJob.Kind.AREA or {p.pk for p in job.covered_partnerships.all()} == wanted:
            return job
    return None


@transaction.atomic
def report_retry(*, user: User, job: ReportJob) -> ReportJob:
    """Queue a failed (or stuck) report again."""
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if not can_request_reports(user, job.partnership_id):
        raise PermissionDenied("Only coordinators, analysts and group chairs can retry reports")
    if not (job.state == ReportJob.State.FAILED or report_is_stuck(job)):
        raise ValidationError("Only a failed report can be tried again")
    job.state = ReportJob.State.QUEUED
    job.failure_reason = ""
    job.attempts = 0
    job.save(update_fields=["state", "failure_reason", "attempts"])
    _queue_render(job)
    return job


def report_is_stuck(job: ReportJob, *, now: dt.datetime | None = None) -> bool:
    """Rendering for longer than a worker may take and than the broker waits before redelivering."""
    if job.state != ReportJob.State.RENDERING or job.started_at is None:
        return False
    limit = settings.CELERY_TASK_TIME_LIMIT + settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 0)
    return (now or timezone.now()) - job.started_at > dt.timedelta(seconds=limit)


def report_retry_at(job: ReportJob, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When a job whose worker seems to have died will be tried again; None while its render may still be running.

    A render outlives the hard time limit only if its worker died; the broker then hands the job
    to another worker once the visibility timeout (counted from the start) has passed. If that
    time has gone by too, the beat sweep fails it at the stuck limit and it can be retried by hand.
    """
    if job.state != ReportJob.State.RENDERING or job.started_at is None:
        return None
    now = now or timezone.now()
    if now - job.started_at <= dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT):
        return None
    redelivery = job.started_at + dt.timedelta(
        seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 0)
    )
    return redelivery if redelivery > now else None


def report_jobs_fail_stuck(*, now: dt.datetime | None = None) -> list[int]:
    """Mark failed (with a reason, so they can be retried) the jobs left 'rendering' past every time limit.

    A worker killed by its hard time limit acknowledges the message, so nobody redelivers it; this
    sweep, run by Celery beat, means no job stays 'rendering' for ever.
    """
    stuck = [
        job.pk for job in ReportJob.objects.filter(state=ReportJob.State.RENDERING) if report_is_stuck(job, now=now)
    ]
    for job_id in stuck:
        _fail(
            job_id,
            "The report took longer than the time limit and was stopped. Try again, or ask for a shorter period.",
        )
    return stuck


def _claim(job_id: int) -> ReportJob | None:
    """Lock the job and mark it rendering; None when there is nothing to do."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state == ReportJob.State.DONE:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.state = ReportJob.State.FAILED
            job.failure_reason = (
                job.failure_reason or f"The report was started {job.attempts} times and never finished."
            )
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "failure_reason", "finished_at"])
            return None
        # A job found 'rendering' was left by a worker that died: this delivery renders it again.
        job.state = ReportJob.State.RENDERING
        job.attempts += 1
        job.started_at = timezone.now()
        job.failure_reason = ""
        job.save(update_fields=["state", "attempts", "started_at", "failure_reason"])
        return job


def _fail(job_id: int, reason: str) -> None:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state == ReportJob.State.DONE:
            return
        job.state = ReportJob.State.FAILED
        job.failure_reason = reason
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "failure_reason", "finished_at"])


def report_filename(job: ReportJob) -> str:
    if job.meeting_id:
        return f"{slugify(f'Meeting pack {job.meeting.group} {job.meeting.date:%Y-%m-%d}')[:150]}.pdf"
    return f"{slugify(f'{job.get_kind_display()} {job.subject} {job.period.label}')[:150]}.pdf"


def report_render(*, job_id: int) -> ReportJob:
    """Render a job's report to PDF and keep it; running it twice leaves one report."""
    job = _claim(job_id)
    if job is None:
        return ReportJob.objects.get(pk=job_id)
    try:
        delay = getattr(settings, "REPORTING_TEST_RENDER_DELAY", 0)
        if delay:
            time.sleep(delay)  # test hook: a slow render, so a test can kill the worker mid-way
        document, body = report_templates(job)
        pdf = html_to_pdf(document)
    except Exception as exc:  # the reason is shown to the person who asked; the trace goes to the log
        logger.exception("report %s failed", job_id)
        _fail(job_id, _reason(exc))
        return ReportJob.objects.get(pk=job_id)
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state == ReportJob.State.DONE:
            return job
        if job.pdf:
            job.pdf.delete(save=False)
        job.pdf.save(report_filename(job), ContentFile(pdf), save=False)
        job.checksum = hashlib.sha256(pdf).hexdigest()
        job.html_snapshot = body
        job.state = ReportJob.State.DONE
        job.failure_reason = ""
        job.finished_at = timezone.now()
        job.save()
        _notify_ready(job)
    return job


def _reason(exc: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return f"The report took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} seconds to make."
    return f"{type(exc).__name__}: {exc}"[:1000]


def _notify_ready(job: ReportJob) -> None:
    """Tell whoever asked for the report (the partnership's analysts for a scheduled one) that it is ready."""
    if job.is_automatic:
        users = list(users_with_role(job.partnership_id, Role.ANALYST))
        text = f"The {job.get_kind_display().lower()} for {job.period.label} was produced after the update deadline."
    else:
        users = [job.requested_by] if job.requested_by_id else []
        text = f"The {job.get_kind_display().lower()} you asked for is ready to read or download."
    notify(
        users=users,
        kind=Notification.Kind.REPORT_READY,
        title=f"{job.title} is ready",
        text=text,
        url=reverse("reporting:report_detail", args=[job.pk]),
        key=f"report:{job.pk}:ready",
    )


def board_reports_produce_due(*, today: dt.date | None = None) -> list[ReportJob]:
    """Queue the board report of each live plan whose current quarter's deadline has passed, once."""
    today = today or timezone.localdate()
    jobs = []
    for plan in Plan.objects.filter(status=Plan.Status.LIVE).select_related("current_period", "partnership"):
        period = current_period_for(plan, today=today)
        if period is None or period.update_deadline is None or period.update_deadline >= today:
            continue
        already = ReportJob.objects.filter(kind=ReportJob.Kind.BOARD, plan=plan, period=period).exclude(
            state=ReportJob.State.FAILED
        )
        if already.exists():
            continue
        with transaction.atomic():
            job, created = ReportJob.objects.get_or_create(
                kind=ReportJob.Kind.BOARD,
                plan=plan,
                period=period,
                is_automatic=True,
                defaults={"partnership": plan.partnership},
            )
            if created:
                _queue_render(job)
                jobs.append(job)
    return jobs
