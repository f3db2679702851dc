"""Reports produced by the workers: who asked for which report, its progress and its files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csp.models import Area, Partnership, ReportingPeriod
from plans.models import Meeting, Plan


def report_pdf_path(job: ReportJob, filename: str) -> str:
    # The job id in the path keeps each report's file apart; a re-render overwrites nothing else.
    return f"reports/{job.partnership_id}/{job.pk}/{filename}"


class ReportJob(models.Model):
    """One requested report: queued, rendered to PDF by a worker, then kept for download."""

    class Kind(models.TextChoices):
        BOARD = "board", "Quarterly board report"
        RAG = "rag", "Responsible Authorities Group quarterly report"
        PCC = "pcc", "Police and Crime Commissioner half-yearly report"
        AREA = "area", "Area summary across partnerships"
        MEETING_PACK = "meeting_pack", "Meeting pack"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="report_jobs")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="report_jobs")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="report_jobs")
    # An area summary shows several partnerships: only people who may see all of them may see it.
    # A meeting pack's meeting: its group, date and decisions.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="report_jobs")
    covered_partnerships = models.ManyToManyField(Partnership, blank=True, related_name="+")
    # An area summary's area, and the partnerships of it (among those the requester saw) left out of the chosen set.
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="report_jobs")
    left_out_partnerships = models.ManyToManyField(Partnership, blank=True, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    is_automatic = models.BooleanField(default=False, help_text="Produced by the schedule after the deadline.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=report_pdf_path, blank=True, max_length=300)
    html_snapshot = models.TextField(blank=True, help_text="The HTML the PDF was made from.")
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the PDF.")

    history = HistoricalRecords(excluded_fields=["html_snapshot"])

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # The schedule makes at most one board report per plan and quarter, even if it runs twice.
            models.UniqueConstraint(
                fields=["plan", "period"],
                condition=Q(kind="board", is_automatic=True),
                name="one_automatic_board_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def title(self) -> str:
        if self.meeting_id:
            return f"{self.get_kind_display()}: {self.meeting.group}, {self.meeting.date:%-d %B %Y}"
        return f"{self.get_kind_display()}: {self.subject}, {self.period.label}"

    @property
    def subject(self) -> str:
        """What the report is about: its plan, or for an area summary its area (a partnership with no area: itself)."""
        if self.plan_id:
            return self.plan.title
        return f"{self.area or self.partnership} area"
