"""Indicator pages: the figures behind statuses, entered by analysts and lead officers, charted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from csp.models import Partnership, ReportingPeriod
from csp.selectors import partnership_ids_with_role
from reporting.charts import indicator_trend_chart, sparkline

from .forms_indicators import ReadingForm, TargetsForm, UploadForm
from .models import Indicator
from .selectors import (
    READING_ROLES,
    access_indicator,
    can_record_readings,
    can_set_targets,
    indicator_summaries,
    indicator_summary,
    indicator_targets,
    indicators_visible_to,
)
from .services import UploadErrors, indicator_settings_update, reading_record, readings_upload


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class IndicatorListView(LoginRequiredMixin, View):
    def get(self, request):
        indicators = (
            indicators_visible_to(request.user)
            .select_related("partnership", "priority")
            .order_by("partnership__name", "code", "name")
        )
        summaries = indicator_summaries(indicators)
        for summary in summaries:
            summary.sparkline = sparkline(label=str(summary.indicator), points=summary.points)
        return render(
            request,
            "priorities/indicator_list.html",
            {
                "page_title": "Indicators",
                "summaries": summaries,
                "can_upload": bool(partnership_ids_with_role(request.user, *READING_ROLES)),
            },
        )


class IndicatorDetailView(LoginRequiredMixin, View):
    def _periods(self, indicator: Indicator):
        return ReportingPeriod.objects.filter(partnership_id=indicator.partnership_id).order_by("start", "kind")

    def _render(self, request, indicator: Indicator, form: ReadingForm | None, status: int = 200):
        summary = indicator_summary(indicator)
        return render(
            request,
            "priorities/indicator_detail.html",
            {
                "page_title": str(indicator),
                "indicator": indicator,
                "summary": summary,
                "targets": sorted(indicator_targets(indicator).items()),
                "chart": indicator_trend_chart(
                    title=f"{indicator}: figures against target",
                    points=summary.points,
                    unit=indicator.get_unit_display(),
                ),
                "form": form,
                "can_set_targets": can_set_targets(request.user, indicator.partnership_id),
            },
            status=status,
        )

    def get(self, request, pk: int):
        indicator = access_indicator(request.user, pk)
        form = (
            ReadingForm(periods=self._periods(indicator))
            if can_record_readings(request.user, indicator.partnership_id)
            else None
        )
        return self._render(request, indicator, form)

    def post(self, request, pk: int):
        indicator = access_indicator(request.user, pk, for_readings=True)
        form = ReadingForm(request.POST, periods=self._periods(indicator))
        if form.is_valid():
            try:
                reading, created = reading_record(
                    indicator=indicator,
                    period=form.cleaned_data["period"],
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                verb = "recorded" if created else "changed"
                messages.success(request, f"The figure for {reading.period.label} was {verb}.")
                return redirect(reverse("indicators:detail", args=[indicator.pk]))
        return self._render(request, indicator, form, status=400)


class IndicatorTargetsView(LoginRequiredMixin, View):
    def _years(self, indicator: Indicator) -> list[int]:
        return sorted(
            set(
                ReportingPeriod.objects.filter(partnership_id=indicator.partnership_id).values_list(
                    "financial_year", flat=True
                )
            )
        )

    def _indicator(self, request, pk: int) -> Indicator:
        indicator = access_indicator(request.user, pk)
        if not can_set_targets(request.user, indicator.partnership_id):
            raise PermissionDenied("Only coordinators and analysts of this partnership set targets.")
        return indicator

    def _render(self, request, indicator, form, status=200):
        return render(
            request,
            "priorities/indicator_targets.html",
            {"page_title": f"Targets: {indicator}", "indicator": indicator, "form": form},
            status=status,
        )

    def get(self, request, pk: int):
        indicator = self._indicator(request, pk)
        initial = {"tolerance_percent": indicator.tolerance_percent}
        initial |= {f"target_{year}": value for year, value in indicator_targets(indicator).items()}
        return self._render(request, indicator, TargetsForm(initial=initial, years=self._years(indicator)))

    def post(self, request, pk: int):
        indicator = self._indicator(request, pk)
        form = TargetsForm(request.POST, years=self._years(indicator))
        if form.is_valid():
            try:
                indicator_settings_update(
                    indicator=indicator,
                    tolerance_percent=form.cleaned_data["tolerance_percent"],
                    targets_by_year=form.targets(),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "The targets and tolerance were saved.")
                return redirect(reverse("indicators:detail", args=[indicator.pk]))
        return self._render(request, indicator, form, status=400)


class ReadingsUploadView(LoginRequiredMixin, View):
    def _partnerships(self, request):
        ids = partnership_ids_with_role(request.user, *READING_ROLES)
        if not ids:
            raise PermissionDenied("Only coordinators, analysts and lead officers record readings.")
        return Partnership.objects.filter(pk__in=ids).order_by("name")

    def _render(self, request, form, problems=(), status=200):
        return render(
            request,
            "priorities/readings_upload.html",
            {"page_title": "Upload indicator readings", "form": form, "problems": problems},
            status=status,
        )

    def get(self, request):
        return self._render(request, UploadForm(partnerships=self._partnerships(request)))

    def post(self, request):
        form = UploadForm(request.POST, request.FILES, partnerships=self._partnerships(request))
        if not form.is_valid():
            return self._render(request, form, status=400)
        upload = form.cleaned_data["file"]
        try:
            result = readings_upload(partnership=form.cleaned_data["partnership"], name=upload.name, data=upload.read())
        except UploadErrors as exc:
            form.add_error("file", "The file was not loaded: nothing was saved. Correct the rows listed and try again.")
            return self._render(request, form, problems=exc.messages, status=400)
        messages.success(
            request, f"{result.created} readings recorded and {result.updated} changed from {upload.name}."
        )
        return redirect(reverse("indicators:list"))
