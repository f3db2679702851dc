"""Coordinator pages of a partnership: its audit trail, and its archived records with a way to restore them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from .audit import (
    AuditFilters,
    archived_record_get,
    audited_models,
    partnership_archived_records,
    partnership_audit,
    partnership_get_for_coordinator,
    partnerships_coordinated_by,
)
from .models import Partnership
from .services import record_restore
from .widgets import Select

SELECT = {"class": "govuk-select"}


class AuditFilterForm(forms.Form):
    """Narrow the audit trail to a person, a kind of record and dates."""

    person = forms.TypedChoiceField(
        label="Person",
        required=False,
        coerce=int,
        empty_value=None,
        widget=Select(attrs={"class": "govuk-select"}),
    )
    kind = forms.ChoiceField(label="Type of record", required=False, widget=Select(attrs={"class": "govuk-select"}))
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input"})
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        members = get_user_model().objects.filter(memberships__partnership=partnership).order_by("username")
        self.fields["person"].choices = [("", "Anyone")] + [
            (user.pk, user.get_full_name() or user.get_username()) for user in members
        ]
        self.fields["kind"].choices = [("", "Any")] + [
            (model._meta.label_lower, model._meta.verbose_name.capitalize()) for model in audited_models()
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            user_id=data.get("person"),
            model_label=data.get("kind") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


class PartnershipAuditView(LoginRequiredMixin, View):
    """Who changed what and when in one partnership, role grants included; coordinators only."""

    def get(self, request, pk: int):
        partnership = partnership_get_for_coordinator(user=request.user, pk=pk)
        form = AuditFilterForm(request.GET or None, partnership=partnership)
        entries, has_next, page = [], False, _page_number(request)
        if not form.is_bound or form.is_valid():
            filters = form.filters() if form.is_bound else AuditFilters()
            entries, has_next = partnership_audit(partnership=partnership, filters=filters, page=page)
        return render(
            request,
            "csp/audit.html",
            {
                "page_title": f"Audit trail: {partnership}",
                "partnership": partnership,
                "form": form,
                "has_errors": form.is_bound and bool(form.errors),
                "entries": entries,
                "page": page,
                "has_next": has_next,
            },
        )


class AuditHomeView(LoginRequiredMixin, View):
    """The navigation's 'Audit' link: the audit trail of the first partnership the user coordinates."""

    def get(self, request):
        partnership = partnerships_coordinated_by(request.user).first()
        if partnership is None:
            raise Http404("You coordinate no partnership.")
        return redirect(reverse("coordinator:audit", args=[partnership.pk]))


class ArchivedRecordsView(LoginRequiredMixin, View):
    """The partnership's archived records, each with a button to restore it; coordinators only."""

    def get(self, request, pk: int):
        partnership = partnership_get_for_coordinator(user=request.user, pk=pk)
        records = partnership_archived_records(partnership=partnership)
        return render(
            request,
            "csp/archived.html",
            {"page_title": f"Archived records: {partnership}", "partnership": partnership, "records": records},
        )


class RestoreRecordView(LoginRequiredMixin, View):
    """Restore one archived record (POST only)."""

    def post(self, request, pk: int, model_label: str, record_pk: int):
        partnership = partnership_get_for_coordinator(user=request.user, pk=pk)
        record = archived_record_get(partnership=partnership, model_label=model_label, pk=record_pk)
        try:
            record_restore(user=request.user, record=record)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"{record._meta.verbose_name.capitalize()} '{record}' is restored.")
        return redirect(reverse("coordinator:archived", args=[partnership.pk]))
