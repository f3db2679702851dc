"""The plan editor: coordinators write plans, sections and objectives here instead of in the Django admin.

Every page works without JavaScript. Each view finds its object through the access functions (404
for another partnership's, 403 for a role that may not change it), parses a form and calls one
service of plans.services.plans; a service's ValidationError goes back on the form's fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from csp.selectors import coordinated_partnership_ids

from ..forms.editor import (
    ArchiveForm,
    ObjectiveForm,
    PlanForm,
    SectionForm,
    StrikeForm,
    number_outcomes,
    part_formsets,
)
from ..models import Objective, Plan
from ..selectors.access import access_objective, access_plan, access_section
from ..selectors.editor import (
    groups_for,
    partnerships_coordinated_by,
    plan_contents,
    plan_for_check,
    plans_managed_by,
    priorities_of,
)
from ..services import plans as services


def _editor_url(plan: Plan) -> str:
    return reverse("plans:editor", args=[plan.pk])


def _leads_url(objective: Objective) -> str:
    return reverse("plans:objective_leads", args=[objective.pk])


def _render(request, template: str, context: dict, forms=(), status: int = 200):
    has_errors = any(form.errors or getattr(form, "non_form_errors", list)() for form in forms)
    title = context.get("page_title", "")
    context = {**context, "forms": forms, "has_errors": has_errors}
    context["page_title"] = f"Error: {title}" if has_errors else title
    return render(request, template, context, status=status)


def _require_coordinator(user) -> list[int]:
    ids = coordinated_partnership_ids(user)
    if not ids:
        raise PermissionDenied("Only a partnership's coordinators can manage its plans.")
    return ids


class ManagePlansView(LoginRequiredMixin, View):
    """The coordinator's list of plans to edit: drafts and live plans of the partnerships they coordinate."""

    def get(self, request):
        _require_coordinator(request.user)
        plans = list(plans_managed_by(request.user))
        return render(request, "plans/editor/manage.html", {"page_title": "Manage plans", "plans": plans})


class PlanCreateView(LoginRequiredMixin, View):
    template = "plans/editor/plan_form.html"

    def _form(self, request, data=None):
        ids = _require_coordinator(request.user)
        return PlanForm(
            data=data,
            partnerships=partnerships_coordinated_by(request.user),
            groups=groups_for(ids).select_related("partnership"),
            priorities=priorities_of(None, partnership_ids=ids),
            initial={"kind": Plan.Kind.ANNUAL},
        )

    def _page(self, request, form, status=200):
        return _render(request, self.template, {"page_title": "Create a plan", "form": form}, [form], status)

    def get(self, request):
        return self._page(request, self._form(request))

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            fields, m2m = form.service_input()
            try:
                plan = services.plan_create(user=request.user, fields=fields, m2m=m2m)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"‘{plan.title}’ created as a draft. Add its sections and objectives.")
                return redirect(_editor_url(plan))
        return self._page(request, form)


class PlanSettingsView(LoginRequiredMixin, View):
    template = "plans/editor/plan_form.html"

    def _form(self, request, plan, data=None):
        return PlanForm(
            data=data,
            instance=plan,
            partnerships=partnerships_coordinated_by(request.user),
            groups=groups_for([plan.partnership_id]),
            priorities=priorities_of(plan.partnership_id),
        )

    def _page(self, request, plan, form):
        context = {"page_title": f"Plan settings: {plan.title}", "form": form, "plan": plan}
        return _render(request, self.template, context, [form])

    def get(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        return self._page(request, plan, self._form(request, plan))

    def post(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        form = self._form(request, plan, request.POST)
        if form.is_valid():
            fields, m2m = form.service_input()
            try:
                services.plan_update(user=request.user, plan=plan, fields=fields, m2m=m2m)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Plan settings saved.")
                return redirect(_editor_url(plan))
        plan.refresh_from_db()
        return self._page(request, plan, form)


class PlanEditorView(LoginRequiredMixin, View):
    """One plan's contents to edit: its sections and objectives, in order, with what can be done to each."""

    def get(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        sections, objectives = plan_contents(plan)
        context = {
            "page_title": f"Edit plan: {plan.title}",
            "plan": plan,
            "sections": sections,
            "objectives": objectives,
        }
        return render(request, "plans/editor/plan_editor.html", context)


class SectionFormView(LoginRequiredMixin, View):
    """Add a section to a plan (pk is the plan's) or change one (section_pk)."""

    template = "plans/editor/section_form.html"

    def _objects(self, request, kwargs):
        if "section_pk" in kwargs:
            section = access_section(request.user, kwargs["section_pk"], for_change=True)
            return section.plan, section
        return access_plan(request.user, kwargs["pk"], for_change=True), None

    def _page(self, request, plan, section, form):
        title = f"Change section: {section.title}" if section else "Add a section"
        return _render(
            request, self.template, {"page_title": title, "plan": plan, "section": section, "form": form}, [form]
        )

    def get(self, request, **kwargs):
        plan, section = self._objects(request, kwargs)
        form = SectionForm(instance=section, priorities=priorities_of(plan.partnership_id))
        return self._page(request, plan, section, form)

    def post(self, request, **kwargs):
        plan, section = self._objects(request, kwargs)
        form = SectionForm(data=request.POST, instance=section, priorities=priorities_of(plan.partnership_id))
        if form.is_valid():
            try:
                if section is None:
                    services.section_create(user=request.user, plan=plan, fields=form.cleaned_data)
                else:
                    services.section_update(user=request.user, section=section, fields=form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Section saved.")
                return redirect(_editor_url(plan))
        return self._page(request, plan, section, form)


class SectionMoveView(LoginRequiredMixin, View):
    def post(self, request, section_pk: int):
        section = access_section(request.user, section_pk, for_change=True)
        try:
            services.section_move(user=request.user, section=section, direction=request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(_editor_url(section.plan) + "#sections")


class ObjectiveFormView(LoginRequiredMixin, View):
    """Add an objective to a plan (pk is the plan's) or change one (objective_pk), with its parts as formsets."""

    template = "plans/editor/objective_form.html"

    def _objects(self, request, kwargs):
        if "objective_pk" in kwargs:
            objective = access_objective(request.user, kwargs["objective_pk"], for_change=True)
            if objective.is_archived:
                raise PermissionDenied("An archived objective cannot be changed.")
            return objective.plan, objective
        plan = access_plan(request.user, kwargs["pk"], for_change=True)
        if plan.is_archived:
            raise PermissionDenied("An archived plan cannot be changed.")
        return plan, None

    def _form(self, plan, objective, data=None):
        return ObjectiveForm(
            data=data,
            instance=objective,
            sections=plan.sections.order_by("position", "id"),
            priorities=priorities_of(plan.partnership_id),
        )

    def _page(self, request, plan, objective, form, formsets):
        title = f"Change objective {objective.ref}".strip() if objective else "Add an objective"
        context = {
            "page_title": title,
            "plan": plan,
            "objective": objective,
            "form": form,
            "formsets": formsets,
            "leads_url": _leads_url(objective) if objective else None,
        }
        return _render(request, self.template, context, [form, *formsets.values()])

    def get(self, request, **kwargs):
        plan, objective = self._objects(request, kwargs)
        return self._page(request, plan, objective, self._form(plan, objective), part_formsets(objective))

    def post(self, request, **kwargs):
        plan, objective = self._objects(request, kwargs)
        form = self._form(plan, objective, request.POST)
        formsets = part_formsets(objective, request.POST)
        valid = all([form.is_valid(), *(fs.is_valid() for fs in formsets.values())])
        if valid:
            fields, m2m = form.service_input()
            parts = {
                "actions": formsets["actions"].parts(),
                "outcomes": number_outcomes(formsets["outcomes"].parts()),
                "milestones": formsets["milestones"].parts(),
            }
            try:
                if objective is None:
                    saved = services.objective_create(
                        user=request.user, fields={"plan": plan, **fields}, m2m=m2m, parts=parts
                    )
                else:
                    saved = services.objective_update(
                        user=request.user, objective=objective, fields=fields, m2m=m2m, parts=parts
                    )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Objective {saved.ref} saved.".replace("  ", " "))
                return redirect(_editor_url(plan) + f"#objective-{saved.pk}")
        return self._page(request, plan, objective, form, formsets)


class ObjectiveMoveView(LoginRequiredMixin, View):
    def post(self, request, objective_pk: int):
        objective = access_objective(request.user, objective_pk, for_change=True)
        try:
            services.objective_move(user=request.user, objective=objective, direction=request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(_editor_url(objective.plan) + f"#objective-{objective.pk}")


class ObjectiveStrikeView(LoginRequiredMixin, View):
    template = "plans/editor/objective_strike.html"

    def _page(self, request, objective, form):
        context = {"page_title": f"Strike objective {objective.ref}".strip(), "objective": objective, "form": form}
        return _render(request, self.template, context, [form])

    def get(self, request, objective_pk: int):
        objective = access_objective(request.user, objective_pk, for_change=True)
        return self._page(request, objective, StrikeForm())

    def post(self, request, objective_pk: int):
        objective = access_objective(request.user, objective_pk, for_change=True)
        form = StrikeForm(data=request.POST)
        if form.is_valid():
            try:
                services.objective_strike(
                    user=request.user,
                    objective=objective,
                    reason=form.cleaned_data["struck_reason"],
                    on=form.cleaned_data["struck_on"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request, "The objective is struck from the plan. It stays in the plan, struck through."
                )
                return redirect(_editor_url(objective.plan) + f"#objective-{objective.pk}")
        return self._page(request, objective, form)


class ObjectiveArchiveView(LoginRequiredMixin, View):
    """A confirmation page: archiving takes the objective out of the plan, its lists and reports."""

    template = "plans/editor/objective_archive.html"

    def _page(self, request, objective, form):
        context = {"page_title": f"Archive objective {objective.ref}".strip(), "objective": objective, "form": form}
        return _render(request, self.template, context, [form])

    def get(self, request, objective_pk: int):
        objective = access_objective(request.user, objective_pk, for_change=True)
        return self._page(request, objective, ArchiveForm())

    def post(self, request, objective_pk: int):
        objective = access_objective(request.user, objective_pk, for_change=True)
        form = ArchiveForm(data=request.POST)
        if form.is_valid():
            try:
                services.objective_archive(user=request.user, objective=objective, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Objective {objective.ref} archived.".replace("  ", " "))
                return redirect(_editor_url(objective.plan))
        return self._page(request, objective, form)


class PlanCheckView(LoginRequiredMixin, View):
    """Check your answers before a new plan is published; publishing makes it live."""

    template = "plans/editor/plan_check.html"

    def _page(self, request, plan, problems, status=200):
        sections, objectives = plan_for_check(plan)
        context = {
            "page_title": f"Check the plan before publishing: {plan.title}",
            "plan": plan,
            "sections": sections,
            "objectives": objectives,
            "problems": problems,
            "has_errors": bool(problems) and request.method == "POST",
        }
        return render(request, self.template, context, status=status)

    def get(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        return self._page(request, plan, services.plan_publish_problems(plan))

    def post(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        try:
            services.plan_publish(user=request.user, plan=plan)
        except ValidationError as error:
            return self._page(request, plan, error.message_dict.get("status", error.messages))
        messages.success(request, f"‘{plan.title}’ is published. Lead officers can now update its objectives.")
        return redirect(reverse("plans:plan_detail", args=[plan.pk]))
