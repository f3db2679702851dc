"""Serializers of report jobs: what was asked for, its progress, and where to download it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from csp.api.base import ScopedModelSerializer, VisibleRelatedField
from csp.models import Partnership, ReportingPeriod
from csp.selectors import partnerships_visible_to, reporting_periods_visible_to
from plans.models import Plan
from plans.selectors import plans_visible_to
from reporting.models import ReportJob


class ReportJobSerializer(ScopedModelSerializer):
    """A report: POST asks for one (queued for a worker); GET shows its state; `download_url` once done."""

    partnership = VisibleRelatedField(
        selector=partnerships_visible_to,
        queryset=Partnership.objects.all(),
        allow_null=True,
        required=False,
        help_text="Only for an area summary; otherwise the plan's partnership.",
    )
    plan = VisibleRelatedField(selector=plans_visible_to, queryset=Plan.objects.all(), allow_null=True, required=False)
    period = VisibleRelatedField(selector=reporting_periods_visible_to, queryset=ReportingPeriod.objects.all())
    title = serializers.CharField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "kind",
            "partnership",
            "plan",
            "period",
            "title",
            "state",
            "failure_reason",
            "attempts",
            "requested_by",
            "requested_at",
            "is_automatic",
            "started_at",
            "finished_at",
            "checksum",
            "download_url",
        ]
        read_only_fields = [
            "state",
            "failure_reason",
            "attempts",
            "requested_by",
            "requested_at",
            "is_automatic",
            "started_at",
            "finished_at",
            "checksum",
        ]

    def target_partnership_id(self, attrs) -> int | None:
        if attrs.get("plan") is not None:
            return attrs["plan"].partnership_id
        if attrs.get("partnership") is not None:
            return attrs["partnership"].pk
        return attrs["period"].partnership_id if attrs.get("period") is not None else None

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="Where to download the PDF, once done."))
    def get_download_url(self, job: ReportJob) -> str | None:
        if job.state != ReportJob.State.DONE or not job.pdf:
            return None
        return reverse("report-job-download", args=[job.pk], request=self.context.get("request"))
