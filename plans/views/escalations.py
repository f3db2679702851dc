"""Pages of the board (Responsible Authorities Group): its open escalations, and resolving one with a minute."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from csp.limits import text_limit

from ..models import Escalation
from ..selectors.access import access_escalation, can_resolve_escalation, open_escalations_visible_to
from ..services.escalations import escalation_resolve


class EscalationResolveForm(forms.Form):
    """The board's decision on an escalated item and the minute that records it."""

    decision = forms.CharField(
        label="The board's decision",
        widget=forms.Textarea,
        error_messages={"required": "Enter the board's decision"},
    )
    minute_reference = forms.CharField(
        label="Minute reference",
        help_text="Where the board's minutes record it, for example 'RAG 14/07 item 5'.",
        error_messages={"required": "Enter the minute reference"},
    )

    def clean_decision(self):
        value = self.cleaned_data["decision"].strip()
        limit = text_limit(Escalation, "resolution")
        if limit and len(value) > limit:
            raise ValidationError(f"The decision must be {limit:,} characters or fewer")
        return value

    def clean_minute_reference(self):
        value = self.cleaned_data["minute_reference"].strip()
        limit = text_limit(Escalation, "minute_reference")
        if limit and len(value) > limit:
            raise ValidationError(f"The minute reference must be {limit:,} characters or fewer")
        return value


class EscalationListView(LoginRequiredMixin, View):
    """Items escalated to the board and not yet resolved, in the user's partnerships; resolve links for who may."""

    def get(self, request: HttpRequest) -> HttpResponse:
        escalations = list(open_escalations_visible_to(request.user))
        for escalation in escalations:
            escalation.may_resolve = can_resolve_escalation(request.user, escalation)
        return render(
            request,
            "plans/escalations/list.html",
            {"page_title": "Escalations to the board", "escalations": escalations},
        )


class EscalationResolveView(LoginRequiredMixin, View):
    """The board's chair (or a coordinator) records the board's decision and minute reference."""

    def _escalation(self, request: HttpRequest, pk: int) -> Escalation:
        escalation = access_escalation(request.user, pk)
        if not can_resolve_escalation(request.user, escalation):
            raise PermissionDenied("Only the chair of the board, or a coordinator, may resolve this escalation.")
        return escalation

    def _render(self, request, escalation, form, status=200) -> HttpResponse:
        return render(
            request,
            "plans/escalations/resolve.html",
            {
                "page_title": f"Resolve the escalation of {escalation.objective}",
                "escalation": escalation,
                "form": form,
                "forms": [form],
                "has_errors": bool(form.errors),
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        escalation = self._escalation(request, pk)
        return self._render(request, escalation, EscalationResolveForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        escalation = self._escalation(request, pk)
        form = EscalationResolveForm(request.POST)
        if form.is_valid():
            try:
                escalation = escalation_resolve(
                    user=request.user,
                    escalation=escalation,
                    decision=form.cleaned_data["decision"],
                    minute_reference=form.cleaned_data["minute_reference"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    f"You recorded the board's decision on {escalation.objective} "
                    f"(minute {escalation.minute_reference}).",
                )
                return redirect("plans:escalation_list")
        return self._render(request, escalation, form, status=400)
