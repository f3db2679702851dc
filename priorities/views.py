"""Priority pages for coordinators: a priority from the strategic assessment, its narratives, themes and indicators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from csp.models import Partnership
from csp.selectors import coordinated_partnership_ids

from . import services
from .forms import PriorityForm, row_formsets
from .selectors import access_priority


def _back_url(request) -> str:
    """Back to the plan settings the coordinator came from (that page checks access), else the plans list."""
    plan = request.GET.get("plan", "")
    if plan.isdigit() and len(plan) < 16:
        return reverse("plans:plan_settings", args=[int(plan)])
    return reverse("plans:manage")


class PriorityFormView(LoginRequiredMixin, View):
    """Add a priority (to a partnership the user coordinates) or change one (pk)."""

    template = "priorities/priority_form.html"

    def _priority(self, request, kwargs):
        if "pk" in kwargs:
            return access_priority(request.user, kwargs["pk"], for_change=True)
        if not coordinated_partnership_ids(request.user):
            raise PermissionDenied("Only a partnership's coordinators can add its priorities.")
        return None

    def _partnerships(self, request):
        return Partnership.objects.filter(pk__in=coordinated_partnership_ids(request.user)).order_by("name")

    def _page(self, request, priority, form, formsets):
        forms = [form, *formsets.values()]
        has_errors = any(f.errors or getattr(f, "non_form_errors", list)() for f in forms)
        title = f"Change priority {priority}" if priority else "Add a priority"
        context = {
            "page_title": f"Error: {title}" if has_errors else title,
            "priority": priority,
            "form": form,
            "formsets": formsets,
            "forms": forms,
            "has_errors": has_errors,
            "back_url": _back_url(request),
        }
        return render(request, self.template, context)

    def get(self, request, **kwargs):
        priority = self._priority(request, kwargs)
        form = PriorityForm(instance=priority, partnerships=self._partnerships(request))
        return self._page(request, priority, form, row_formsets(priority))

    def post(self, request, **kwargs):
        priority = self._priority(request, kwargs)
        form = PriorityForm(data=request.POST, instance=priority, partnerships=self._partnerships(request))
        formsets = row_formsets(priority, request.POST)
        if all([form.is_valid(), *(fs.is_valid() for fs in formsets.values())]):
            rows = {"themes": formsets["themes"].rows(), "indicators": formsets["indicators"].rows()}
            try:
                if priority is None:
                    saved = services.priority_create(user=request.user, fields=form.cleaned_data, **rows)
                else:
                    saved = services.priority_update(
                        user=request.user, priority=priority, fields=form.cleaned_data, **rows
                    )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Priority ‘{saved}’ saved.")
                return redirect(_back_url(request))
        return self._page(request, priority, form, formsets)
