"""Importing a plan from Word or Excel in four steps: upload, columns, preview, confirm.

Coordinators only: the start page answers 403 to anyone who coordinates no partnership; an import
is found through `access_plan_import` (404 for another partnership's, 403 for other roles). Each
step writes only the import's own row; the plan is written by the confirm step alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from ..forms.importing import ImportUploadForm, mapping_forms, mappings_checked
from ..models import PlanImport
from ..selectors.access import access_plan_import
from ..selectors.editor import partnerships_coordinated_by
from ..selectors.importing import import_preview, mapping_tables, recent_imports
from ..services import plan_imports as services
from .editor import _render, _require_coordinator


def _columns_url(plan_import: PlanImport) -> str:
    return reverse("plans:import_columns", args=[plan_import.pk])


def _preview_url(plan_import: PlanImport) -> str:
    return reverse("plans:import_preview", args=[plan_import.pk])


class ImportStartView(LoginRequiredMixin, View):
    """Step 1: upload the file; a refused file's message is the field's error, and nothing is kept."""

    template = "plans/import/start.html"

    def _form(self, request, data=None, files=None):
        _require_coordinator(request.user)
        return ImportUploadForm(data=data, files=files, partnerships=partnerships_coordinated_by(request.user))

    def _page(self, request, form, status=200):
        context = {
            "page_title": "Import a plan from Word or Excel",
            "form": form,
            "recent_imports": recent_imports(request.user),
            "several_partnerships": "partnership" in form.fields,
        }
        return _render(request, self.template, context, [form], status)

    def get(self, request):
        return self._page(request, self._form(request))

    def post(self, request):
        form = self._form(request, request.POST, request.FILES)
        if form.is_valid():
            try:
                plan_import = services.plan_import_upload(
                    user=request.user,
                    partnership=form.cleaned_data["partnership"],
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect(_columns_url(plan_import))
        return self._page(request, form, status=400)


class ImportColumnsView(LoginRequiredMixin, View):
    """Step 2: what each column holds, as recognised from the headings, for the user to correct."""

    template = "plans/import/columns.html"

    def _page(self, request, plan_import, forms_, status=200):
        context = {
            "page_title": f"Check the columns of {plan_import.filename}",
            "plan_import": plan_import,
            "mapping_forms": forms_,
        }
        return _render(request, self.template, context, forms_, status)

    def get(self, request, pk: int):
        plan_import = access_plan_import(request.user, pk)
        return self._page(request, plan_import, mapping_forms(mapping_tables(plan_import)))

    def post(self, request, pk: int):
        plan_import = access_plan_import(request.user, pk)
        forms_ = mapping_forms(mapping_tables(plan_import), request.POST)
        mappings = mappings_checked(forms_)
        if mappings is None:
            # Show the rows of the heading row the user chose, with their choices kept.
            return self._page(request, plan_import, forms_, status=400)
        try:
            services.plan_import_set_mappings(user=request.user, plan_import=plan_import, mappings=mappings)
        except ValidationError as error:
            forms_[0].add_error(None, error.messages)
            return self._page(request, plan_import, forms_, status=400)
        return redirect(_preview_url(plan_import))


class ImportPreviewView(LoginRequiredMixin, View):
    """Step 3: the plan as it would be written, with an error beside each faulty row; nothing written yet."""

    def get(self, request, pk: int):
        plan_import = access_plan_import(request.user, pk)
        preview = import_preview(request.user, plan_import)
        title = f"Check the plan before importing: {plan_import.filename}"
        context = {
            "page_title": f"Error: {title}" if preview.has_errors else title,
            "plan_import": plan_import,
            "preview": preview,
        }
        return render(request, "plans/import/preview.html", context)


class ImportConfirmView(LoginRequiredMixin, View):
    """Step 4 (POST only): write the plan once, then open it in the plan editor."""

    def post(self, request, pk: int):
        plan_import = access_plan_import(request.user, pk)
        try:
            outcome = services.plan_import_confirm(user=request.user, plan_import=plan_import)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_preview_url(plan_import))
        if outcome.plan is None:
            return redirect(_preview_url(plan_import))
        noun = "objective" if outcome.objectives == 1 else "objectives"
        messages.success(request, f"Plan imported: {outcome.objectives} {noun}")
        return redirect(reverse("plans:editor", args=[outcome.plan.pk]))
