"""The page where a coordinator sets an objective's leads as the plan writes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from ..forms.leads import lead_formset, leads_from
from ..selectors.access import access_objective
from ..services.leads import objective_leads_set


def _objective(request: HttpRequest, pk: int):
    # 404 for another partnership's objective, 403 for someone who may see but not change it.
    return access_objective(request.user, pk, for_change=True)


def _render(request: HttpRequest, objective, formset, *, status: int = 200) -> HttpResponse:
    has_errors = bool(formset.non_form_errors()) or any(form.errors for form in formset.forms)
    return render(
        request,
        "plans/editor/leads.html",
        {
            "page_title": f"Leads of {objective.ref or objective.short_title}",
            "objective": objective,
            "plan": objective.plan,
            "formset": formset,
            "forms": formset.forms,
            "has_errors": has_errors,
        },
        status=status,
    )


class ObjectiveLeadsView(LoginRequiredMixin, View):
    """GET shows the objective's leads as rows with blank rows to add; POST replaces them through the service."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        objective = _objective(request, pk)
        return _render(request, objective, lead_formset(objective))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        objective = _objective(request, pk)
        formset = lead_formset(objective, request.POST)
        if formset.is_valid():
            leads, rows = leads_from(formset)
            try:
                objective_leads_set(objective, leads, by=request.user)
            except ValidationError as error:
                for key, texts in error.message_dict.items():
                    _, row, field = key.split("-", 2)
                    for text in texts:
                        formset.forms[rows[int(row)]].add_error(field, text)
            else:
                messages.success(request, f"The leads of {objective.ref or objective.short_title} are saved.")
                return redirect("plans:objective_detail", pk=objective.pk)
        return _render(request, objective, formset, status=400)
