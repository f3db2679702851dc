"""The lead officer's pages: my items, writing a quarterly update, and the reminders sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ..forms.updates import OutcomeStatusForm, UpdateForm, outcome_initial, update_initial, update_input_from
from ..selectors.access import can_edit_update
from ..selectors.updates import (
    UPDATE_STATE_LABELS,
    UpdatePage,
    deadline_text,
    is_coordinator_anywhere,
    my_items,
    reminders_visible_to,
    returned_updates_for,
    update_page_for_user,
)
from ..services.updates import StaleUpdate, UpdateLocked, update_save_draft, update_submit

STALE_MESSAGE = (
    "Someone else saved this update after you opened it, so your changes have not been saved. "
    "Your text is still in the form; their saved text is shown beside it. Merge the two, then save again."
)


class MyItemsView(LoginRequiredMixin, TemplateView):
    template_name = "plans/updates/my_items.html"

    def get_context_data(self, **kwargs):
        mine, agency = my_items(user=self.request.user)
        return super().get_context_data(
            page_title="My items",
            returned=list(returned_updates_for(self.request.user)),
            mine=mine,
            agency=agency,
            show_reminders=is_coordinator_anywhere(self.request.user),
            **kwargs,
        )


class UpdateEditView(LoginRequiredMixin, View):
    """One objective's update for one quarter: a form while editable, a read-only page otherwise."""

    template_name = "plans/updates/update_edit.html"

    def _page(self) -> UpdatePage:
        return update_page_for_user(
            user=self.request.user, objective_pk=self.kwargs["pk"], period_pk=self.kwargs["period_pk"]
        )

    def _forms(self, page: UpdatePage, *, data=None, source=None, version: int = 0):
        partnership = page.objective.plan.partnership
        initial = {**update_initial(source), "version": version}
        form = UpdateForm(data=data, initial=initial, partnership=partnership, milestones=page.milestones)
        outcome_values = outcome_initial(source)
        outcome_forms = [
            OutcomeStatusForm(data=data, initial=outcome_values.get(outcome.pk, {}), outcome=outcome)
            for outcome in page.outcomes
        ]
        return form, outcome_forms

    def _render(self, page: UpdatePage, form=None, outcome_forms=(), *, current=None, copied=False, status=200):
        user = self.request.user
        may_edit = can_edit_update(user, page.objective)
        editable = may_edit and (page.update is None or page.update.is_editable)
        forms = [form, *outcome_forms] if form is not None else []
        has_errors = any(f.errors for f in forms)
        context = {
            # GOV.UK: a page with errors says so in its title, for screen reader users.
            "page_title": f"{'Error: ' if has_errors else ''}{page.period} update: {page.objective}",
            "page": page,
            "objective": page.objective,
            "plan": page.objective.plan,
            "partnership": page.objective.plan.partnership,
            "period": page.period,
            "update": page.update,
            "previous": page.previous,
            "state_label": UPDATE_STATE_LABELS[page.update.state if page.update else None],
            "deadline": deadline_text(page.period.update_deadline, today=timezone.localdate()),
            "may_edit": may_edit,
            "editable": editable,
            "form": form,
            "outcome_rows": list(zip(page.outcomes, outcome_forms, strict=False)) if outcome_forms else [],
            "forms": forms,
            "has_errors": has_errors,
            "current": current,
            "copied": copied,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        page = self._page()
        version = page.update.version if page.update else 0
        copied = request.GET.get("copy") == "previous" and page.previous is not None
        source = page.previous if copied else page.update
        form, outcome_forms = self._forms(page, source=source, version=version)
        return self._render(page, form, outcome_forms, copied=copied)

    def post(self, request, *args, **kwargs):
        page = self._page()
        if not can_edit_update(request.user, page.objective):
            raise PermissionDenied("Only the objective's lead officers can write its updates.")
        form, outcome_forms = self._forms(page, data=request.POST)
        # Validate every form, not just up to the first invalid one, so all errors show at once.
        if not all([form.is_valid(), *(f.is_valid() for f in outcome_forms)]):
            return self._render(page, form, outcome_forms)
        data = update_input_from(form, outcome_forms)
        version = form.cleaned_data["version"]
        submitting = request.POST.get("action") == "submit"
        try:
            if submitting:
                update_submit(
                    user=request.user, objective=page.objective, period=page.period, data=data, version=version
                )
            else:
                update_save_draft(
                    user=request.user, objective=page.objective, period=page.period, data=data, version=version
                )
        except ValidationError as error:
            self._add_errors(error, form, outcome_forms)
            return self._render(page, form, outcome_forms)
        except StaleUpdate:
            return self._render_stale()
        except UpdateLocked as locked:
            messages.error(request, str(locked))
            return redirect(request.path)
        if submitting:
            messages.success(
                request, f"Your {page.period} update for {page.objective.ref or page.objective} was submitted."
            )
            return redirect(reverse("plans:my_items"))
        messages.success(request, "Draft saved. You can come back and submit it later.")
        return redirect(request.path)

    def _render_stale(self):
        # Re-read the page: the update now exists or has changed.
        page = self._page()
        current = page.update
        data = self.request.POST.copy()
        data["version"] = str(current.version if current else 0)
        form, outcome_forms = self._forms(page, data=data)
        form.is_valid()
        for f in outcome_forms:
            f.is_valid()
        form.add_error(None, STALE_MESSAGE)
        return self._render(page, form, outcome_forms, current=current, status=409)

    @staticmethod
    def _add_errors(error: ValidationError, form: UpdateForm, outcome_forms: list[OutcomeStatusForm]) -> None:
        by_prefix = {f.prefix: f for f in outcome_forms}
        for key, messages_ in error.message_dict.items():
            if key.startswith("outcome-"):
                prefix, _, field = key.rpartition("-")
                target, name = by_prefix[prefix], field
            else:
                target, name = form, key
            for message in messages_:
                target.add_error(name, message)


class RemindersView(LoginRequiredMixin, TemplateView):
    """Who was reminded to update, and when: coordinators only."""

    template_name = "plans/updates/reminders.html"

    def get_context_data(self, **kwargs):
        if not is_coordinator_anywhere(self.request.user):
            raise PermissionDenied("Only coordinators can see the reminders sent.")
        reminders = reminders_visible_to(self.request.user)[:500]
        return super().get_context_data(page_title="Reminders sent", reminders=reminders, **kwargs)
