"""Area pages: the areas a user reads, an area's dashboard, and an area summary over chosen partnerships."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from csp.kept_pages import kept_for, render_parts, respond
from csp.models import ReportingPeriod
from csp.selectors import (
    access_area,
    areas_visible_to,
    partnership_ids_visible_to,
    partnerships_visible_to,
    reporting_periods_visible_to,
)

from .areas import area_dashboard
from .forms import AreaReportForm
from .models import ReportJob
from .services import report_request


class AreaListView(LoginRequiredMixin, TemplateView):
    """The areas whose partnerships the user reads (an area role); none for a partnership's own members."""

    template_name = "reporting/areas/area_list.html"

    def get_context_data(self, **kwargs):
        areas = areas_visible_to(self.request.user).order_by("name")
        return super().get_context_data(page_title="Areas", areas=areas, **kwargs)


AREA_DASHBOARD_PARTS = {
    "breadcrumbs": "reporting/areas/_area_dashboard_breadcrumbs.html",
    "content": "reporting/areas/_area_dashboard_content.html",
}


class AreaDashboardView(LoginRequiredMixin, View):
    """An area's partnerships side by side: plan, priorities, status counts and key indicators per 1,000.

    Kept per person, area and day under the content versions of the person's partnerships (csp/kept_pages.py).
    """

    def get(self, request, slug):
        area = access_area(request.user, slug)
        parts = kept_for(
            request,
            "area-dashboard",
            partnership_ids=partnership_ids_visible_to(request.user),
            key=(area.pk,),
            build=lambda: render_parts(
                AREA_DASHBOARD_PARTS,
                {
                    "page_title": f"{area.name} area",
                    "area": area,
                    "dashboard": area_dashboard(user=request.user, area=area),
                },
            ),
        )
        return respond(request, parts)


class AreaReportView(LoginRequiredMixin, View):
    """Ask for an area summary: tick the area's partnerships to include (all at first) and a quarter."""

    template_name = "reporting/areas/area_report.html"

    def _form(self, request, area, data=None):
        partnerships = list(partnerships_visible_to(request.user).filter(area=area).order_by("name"))
        quarters = list(
            reporting_periods_visible_to(request.user).filter(
                partnership__in=[p.pk for p in partnerships], kind=ReportingPeriod.Kind.QUARTER
            )
        )
        return AreaReportForm(data, partnerships=partnerships, quarters=quarters)

    def get(self, request, slug):
        area = access_area(request.user, slug)
        return self._render(request, area, self._form(request, area))

    def post(self, request, slug):
        area = access_area(request.user, slug)
        form = self._form(request, area, request.POST)
        if form.is_valid():
            period = form.cleaned_data["period"]
            try:
                job = report_request(
                    user=request.user,
                    kind=ReportJob.Kind.AREA,
                    period=period,
                    partnership=period.partnership,
                    partnerships=form.cleaned_data["chosen"],
                )
            except ValidationError as error:
                for name, field_errors in error.message_dict.items():
                    target = {"period": "quarter"}.get(name, name)
                    form.add_error(target if target in form.fields else None, field_errors)
            else:
                if getattr(job, "already_asked", False):
                    messages.info(request, f"This area summary for {period.label} is already being made")
                else:
                    messages.success(request, f"Area summary for {period.label} asked for")
                return redirect("reporting:report_detail", pk=job.pk)
        return self._render(request, area, form)

    def _render(self, request, area, form):
        context = {"page_title": f"Area summary: {area.name}", "area": area, "form": form}
        return render(request, self.template_name, context)
