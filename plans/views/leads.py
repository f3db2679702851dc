"""The pages where a coordinator sets the leads of an objective or of a milestone, as the plan writes them.

One view serves both; an `OwnerKind` says how to find the owner (through the access policy), how to
name it, which service saves the set and where to go back to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from ..forms.leads import lead_formset, leads_from
from ..models import Milestone, Objective
from ..selectors.access import access_milestone, access_objective
from ..services.leads import milestone_leads_set, objective_leads_set


@dataclass(frozen=True)
class OwnerKind:
    """What differs between an objective's leads page and a milestone's."""

    url_name: str
    access: Callable  # (user, pk) -> owner: 404 for another partnership's, 403 for a role that may not change it
    objective_of: Callable[..., Objective]
    name: Callable[..., str]
    save: Callable  # (owner, leads, *, by) -> rows
    back_url: Callable[..., str]


OBJECTIVE = OwnerKind(
    url_name="plans:objective_leads",
    access=lambda user, pk: access_objective(user, pk, for_change=True),
    objective_of=lambda objective: objective,
    name=lambda objective: f"{objective.ref} {objective.short_title}".strip(),
    save=objective_leads_set,
    back_url=lambda objective: reverse("plans:objective_detail", args=[objective.pk]),
)
MILESTONE = OwnerKind(
    url_name="plans:milestone_leads",
    access=lambda user, pk: access_milestone(user, pk, for_change=True),
    objective_of=lambda milestone: milestone.objective,
    name=lambda milestone: f"the milestone ‘{milestone}’",
    save=milestone_leads_set,
    back_url=lambda milestone: reverse("plans:objective_detail", args=[milestone.objective_id]) + "#milestones",
)


def _file_error(formset, rows: list[int], key: str, text: str) -> None:
    """A service error beside its row's field ('leads-<row>-<field>'), else above the first row (a read-only plan)."""
    parts = key.split("-", 2)
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
        formset.forms[rows[int(parts[1])]].add_error(parts[2], text)
    else:
        formset.forms[0].add_error(None, text)


class LeadsView(LoginRequiredMixin, View):
    """GET shows the owner's leads as rows with blank rows to add; POST replaces them through the service."""

    kind: OwnerKind = OBJECTIVE

    def _formset(self, owner, data=None):
        return lead_formset(owner, data, partnership_id=self.kind.objective_of(owner).plan.partnership_id)

    def _render(self, request: HttpRequest, owner, formset, *, status: int = 200) -> HttpResponse:
        objective = self.kind.objective_of(owner)
        has_errors = bool(formset.non_form_errors()) or any(form.errors for form in formset.forms)
        title = f"Leads of {self.kind.name(owner)}"
        return render(
            request,
            "plans/editor/leads.html",
            {
                "page_title": f"Error: {title}" if has_errors else title,
                "heading": title,
                "owner": owner,
                "is_milestone": isinstance(owner, Milestone),
                "objective": objective,
                "plan": objective.plan,
                "lead_text": owner.lead_text,
                "action_url": reverse(self.kind.url_name, args=[owner.pk]),
                "back_url": self.kind.back_url(owner),
                "formset": formset,
                "forms": formset.forms,
                "has_errors": has_errors,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        owner = self.kind.access(request.user, pk)
        return self._render(request, owner, self._formset(owner))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        owner = self.kind.access(request.user, pk)
        formset = self._formset(owner, request.POST)
        if formset.is_valid():
            leads, rows = leads_from(formset)
            try:
                self.kind.save(owner, leads, by=request.user)
            except ValidationError as error:
                for key, texts in error.message_dict.items():
                    for text in texts:
                        _file_error(formset, rows, key, text)
            else:
                messages.success(request, f"The leads of {self.kind.name(owner)} are saved.")
                return redirect(self.kind.back_url(owner))
        return self._render(request, owner, formset, status=400)


class ObjectiveLeadsView(LeadsView):
    kind = OBJECTIVE


class MilestoneLeadsView(LeadsView):
    kind = MILESTONE
