"""API of reports: ask for one, follow its progress, download the PDF. The reporting services decide who may."""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from csp.api.base import Conflict, ScopedModelViewSet
from csp.selectors import REPORT_ROLES
from reporting.models import ReportJob
from reporting.selectors import report_jobs_visible_to
from reporting.services import report_request, report_retry

from . import filters, serializers


class PdfRenderer(BaseRenderer):
    """Lets a client ask for application/pdf; the PDF itself is streamed as a file, errors stay JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class ReportJobViewSet(ScopedModelViewSet):
    """Reports of your partnerships. Coordinators, analysts and group chairs ask for them; everyone reads them."""

    serializer_class = serializers.ReportJobSerializer
    filterset_class = filters.ReportJobFilter
    write_roles = REPORT_ROLES
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["requested_at", "finished_at"]
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        return report_jobs_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with transaction.atomic():
            job = report_request(
                user=self.request.user,
                kind=data["kind"],
                period=data["period"],
                plan=data.get("plan"),
                partnership=data.get("partnership"),
            )
        serializer.instance = self.get_queryset().get(pk=job.pk)

    @extend_schema(request=None, responses=serializers.ReportJobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue a failed report again."""
        job = report_retry(user=request.user, job=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The report as a PDF"),
            (409, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="Not rendered yet"),
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request, pk=None):
        """The report's PDF, once it is done."""
        job = self.get_object()
        if job.state != ReportJob.State.DONE or not job.pdf:
            raise Conflict(f"The report is {job.get_state_display().lower()}, not ready to download.")
        return FileResponse(job.pdf.open("rb"), content_type="application/pdf", filename=job.pdf.name.rsplit("/")[-1])
