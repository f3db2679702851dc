"""Download a plan as Excel (the importer's layout) or Word (for publishing)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.views import View

from csp.errors import PAGES

from ..exporting import export_plan_docx, export_plan_xlsx
from ..selectors.access import access_plan

# format -> (how the file is made, its content type)
EXPORTS = {
    "xlsx": (export_plan_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (export_plan_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def export_filename(title: str, extension: str) -> str:
    """A file name safe on every system, from the plan's title: 'action-plan-2014-15.xlsx'."""
    return f"{slugify(title)[:100].strip('-') or 'plan'}.{extension}"


class PlanExportView(LoginRequiredMixin, View):
    """The plan as a file: `?format=xlsx` or `?format=docx`; anyone who may see the plan may download it."""

    def get(self, request, pk: int):
        plan = access_plan(request.user, pk)
        chosen = request.GET.get("format", "")
        if chosen not in EXPORTS:
            title, _paragraphs = PAGES[400]
            context = {"page_title": title, "plan": plan}
            return render(request, "plans/export_format_unknown.html", context, status=400)
        make, content_type = EXPORTS[chosen]
        response = HttpResponse(make(plan), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(plan.title, chosen)}"'
        # A partnership's plan, as the stored files are served (csp.storage): kept by no shared cache.
        patch_cache_control(response, private=True, no_store=True)
        return response
