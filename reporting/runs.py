"""How a run of automatic board reports went: jobs done and failed, and the run's total time."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q

from .models import ReportJob

FINISHED = (ReportJob.State.DONE, ReportJob.State.FAILED)


def report_run_summary(*, job_ids: list[int], started: dt.datetime) -> dict[str, int | float] | None:
    """Totals of a run once every job is done or failed; None while some are still queued or rendering."""
    totals = ReportJob.objects.filter(pk__in=job_ids).aggregate(
        jobs=Count("pk"),
        done=Count("pk", filter=Q(state=ReportJob.State.DONE)),
        failed=Count("pk", filter=Q(state=ReportJob.State.FAILED)),
        last=Max("finished_at"),
    )
    if totals["done"] + totals["failed"] < totals["jobs"]:
        return None
    seconds = (totals["last"] - started).total_seconds() if totals["last"] else 0.0
    return {"jobs": totals["jobs"], "done": totals["done"], "failed": totals["failed"], "seconds": round(seconds, 1)}
