"""Report pages: ask for a report, follow its progress, read and download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from csp.kept_pages import Parts, kept_for, render_parts, respond
from csp.selectors import partnership_ids_visible_to
from csp.storage import stored_file_response
from plans.selectors.access import access_meeting

from .content import area_coverage
from .exports import report_csv_lines, report_xlsx
from .forms import ReportRequestForm
from .models import ReportJob
from .selectors import (
    access_report_job,
    can_request_reports,
    latest_report_ids,
    report_jobs_page,
)
from .services import meeting_pack_request, report_is_stuck, report_request, report_retry, report_retry_at

JOBS_PER_PAGE = 25


class ReportListView(LoginRequiredMixin, View):
    """The reports of the user's partnerships, and the form to ask for one."""

    def get(self, request):
        # Kept per person, query string (the page) and content version of their partnerships: a report job's
        # every change of state is a write in its partnership (csp/kept_pages.py).
        parts = kept_for(
            request,
            "report-list",
            partnership_ids=partnership_ids_visible_to(request.user),
            by_query=True,
            daily=False,
            build=lambda: self._parts(request, ReportRequestForm(user=request.user)),
        )
        return respond(request, parts)

    def post(self, request):
        form = ReportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                job = report_request(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    plan=form.cleaned_data["plan"],
                    period=form.cleaned_data["period"],
                )
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                if getattr(job, "already_asked", False):
                    messages.info(request, f"{job.get_kind_display()} for {job.period.label} is already being made")
                else:
                    messages.success(request, f"{job.get_kind_display()} for {job.period.label} asked for")
                return redirect("reporting:report_detail", pk=job.pk)
        return self._render(request, form, status=200)

    def _render(self, request, form, status=200):
        return respond(request, self._parts(request, form), status=status)

    def _parts(self, request, form) -> Parts:
        page = report_jobs_page(request.user, request.GET.get("page"), JOBS_PER_PAGE)
        latest = latest_report_ids(request.user, page.object_list) if page.object_list else set()
        context = {
            "page_title": "Reports",
            "form": form,
            "can_request": form.can_request,
            "page_obj": page,
            "jobs": page.object_list,
            "latest_ids": latest,
        }
        return render_parts({"content": "reporting/_report_list_content.html"}, context, request=request)


class ReportJobMixin(LoginRequiredMixin):
    def get_job(self) -> ReportJob:
        return access_report_job(self.request.user, self.kwargs["pk"])


class ReportDetailView(ReportJobMixin, TemplateView):
    """One report: who asked, for what, its progress and its downloads."""

    template_name = "reporting/report_detail.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        if job.kind == ReportJob.Kind.AREA:
            kwargs["included"] = [p.name for p in job.covered_partnerships.order_by("name")]
            kwargs["coverage"] = area_coverage(job)
        return super().get_context_data(page_title=job.title, **_job_context(self.request, job), **kwargs)


def _job_context(request, job: ReportJob) -> dict:
    stuck = report_is_stuck(job)
    return {
        "job": job,
        "is_stuck": stuck,
        "retry_at": report_retry_at(job),
        "can_retry": (job.state == ReportJob.State.FAILED or stuck)
        and can_request_reports(request.user, job.partnership_id),
    }


class ReportStatusView(ReportJobMixin, View):
    """The progress partial that the job page polls (HTMX) until the report is done or failed."""

    def get(self, request, pk):
        job = self.get_job()
        response = render(request, "reporting/_job_status.html", _job_context(request, job))
        patch_vary_headers(response, ("HX-Request",))
        return response


class ReportPdfView(ReportJobMixin, View):
    def get(self, request, pk):
        job = self.get_job()
        if job.state != ReportJob.State.DONE or not job.pdf:
            raise Http404("This report is not ready")
        # Streamed from the storage every instance shares (or a signed-URL redirect), never a public object.
        return stored_file_response(job.pdf, content_type="application/pdf", filename=job.pdf.name.rsplit("/")[-1])


class ReportHtmlView(ReportJobMixin, TemplateView):
    """The report as an accessible web page: the same content the PDF was made from."""

    template_name = "reporting/report_html.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        if job.state != ReportJob.State.DONE:
            raise Http404("This report is not ready")
        return super().get_context_data(page_title=job.title, job=job, **kwargs)


class ReportExportView(ReportJobMixin, View):
    """The report's data, read now from the database, as XLSX or CSV."""

    def get(self, request, pk, fmt):
        job = self.get_job()
        name = slugify(f"{job.get_kind_display()} {job.plan or job.partnership} {job.period.label}")[:120]
        if fmt == "xlsx":
            content = ContentFile(report_xlsx(job))
            return FileResponse(
                content,
                as_attachment=True,
                filename=f"{name}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response = StreamingHttpResponse(report_csv_lines(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


class MeetingPackRequestView(LoginRequiredMixin, View):
    """Ask for a PDF of a meeting's pack (from the pack page); then follow it on the report's page."""

    def post(self, request, pk):
        meeting = access_meeting(request.user, pk)
        try:
            job = meeting_pack_request(user=request.user, meeting=meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:meeting_detail", pk=meeting.pk)
        messages.success(request, "A PDF of the meeting pack has been asked for")
        return redirect("reporting:report_detail", pk=job.pk)


class ReportRetryView(ReportJobMixin, View):
    def post(self, request, pk):
        job = self.get_job()
        try:
            report_retry(user=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The report has been queued again")
        return redirect("reporting:report_detail", pk=job.pk)

    def get(self, request, pk):
        return HttpResponse(status=405)
