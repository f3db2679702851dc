"""The yearly cycle's page: a coordinator starts next year's plan from this year's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from ..forms.rollover import StartNextYearForm
from ..selectors.access import access_plan
from ..services.rollover import financial_year_label, plan_rollover_preview, plan_start_next_year, plan_successor


class PlanStartNextYearView(LoginRequiredMixin, View):
    """GET: what would carry forward and what would not, and why. POST: start the draft and go to it."""

    template_name = "plans/rollover/start_next_year.html"

    def _render(self, request, plan, form, *, status=200):
        preview = plan_rollover_preview(plan)
        context = {
            "page_title": f"Start next year's plan – {plan.title}",
            "plan": plan,
            "form": form,
            "forms": [form],
            "preview": preview,
            "year_label": financial_year_label(preview.financial_year),
            "successor": plan_successor(plan),
            "has_errors": bool(form.errors),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        form = StartNextYearForm(initial={"title": plan_rollover_preview(plan).title})
        return self._render(request, plan, form)

    def post(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        form = StartNextYearForm(request.POST)
        if form.is_valid():
            try:
                new_plan = plan_start_next_year(plan, by=request.user, title=form.cleaned_data["title"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                carried = new_plan.objectives.count()
                messages.success(
                    request,
                    f"Next year's plan has been started as a draft with {carried} objective"
                    f"{'' if carried == 1 else 's'} carried forward.",
                )
                return redirect("plans:plan_detail", pk=new_plan.pk)
        return self._render(request, plan, form, status=400)
