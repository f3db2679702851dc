"""Evidence on a quarterly update: the list with the upload form, downloads, removal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from csp.storage import stored_file_response

from ..selectors.access import access_evidence, access_update, can_edit_update
from ..services.evidence import EVIDENCE_TYPES, evidence_attach, evidence_remove


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word or Excel document, or a PNG, JPEG or GIF image.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )


def _page(request, update, form, status=200):
    evidence = list(update.evidence.filter(archived_at__isnull=True).select_related("uploaded_by"))
    for item in evidence:
        item.kind = EVIDENCE_TYPES.get(item.content_type, item.content_type)
    may_attach = can_edit_update(request.user, update.objective) and update.is_editable
    return render(
        request,
        "plans/evidence/evidence.html",
        {
            "page_title": f"{'Error: ' if form.errors else ''}Evidence: {update.period} update, {update.objective}",
            "update": update,
            "objective": update.objective,
            "evidence": evidence,
            "form": form if may_attach else None,
            "update_url": reverse("plans:update_edit", args=[update.objective_id, update.period_id]),
        },
        status=status,
    )


class EvidenceView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return _page(request, access_update(request.user, pk), EvidenceForm())

    def post(self, request, pk: int):
        update = access_update(request.user, pk, for_change=True)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = evidence_attach(user=request.user, update=update, upload=form.cleaned_data["file"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{evidence.filename} is attached to the update.")
                return redirect(reverse("plans:update_evidence", args=[update.pk]))
        return _page(request, update, form, status=400)


class EvidenceDownloadView(LoginRequiredMixin, View):
    """Only through here, to someone who may see the update, and always as an attachment."""

    def get(self, request, pk: int):
        evidence = access_evidence(request.user, pk)
        return stored_file_response(
            evidence.file, filename=evidence.filename, content_type=evidence.content_type, as_attachment=True
        )


class EvidenceRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        evidence = access_evidence(request.user, pk)
        try:
            evidence_remove(user=request.user, evidence=evidence)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            raise
        else:
            messages.success(request, f"{evidence.filename} is removed from the update.")
        return redirect(reverse("plans:update_evidence", args=[evidence.update_id]))
