"""The lead officer's pages: my items, writing a quarterly update, and the reminders sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.generic import TemplateView

from csp.content_version import fragment_hole
from csp.kept_pages import Parts, kept_for, render_parts, respond
from csp.models import ReportingPeriod
from csp.selectors import partnership_ids_visible_to
from priorities.selectors import suggestions_for_outcomes

from ..forms.updates import (
    RAG_CHOICES,
    OutcomeStatusForm,
    UpdateForm,
    copy_previous_into,
    outcome_initial,
    previous_fields,
    update_initial,
    update_input_from,
)
from ..selectors.access import access_objective, can_edit_update
from ..selectors.pending_saves import pending_save_for
from ..selectors.update_diff import update_differences
from ..selectors.updates import (
    UPDATE_STATE_LABELS,
    UpdatePage,
    deadline_text,
    is_coordinator_anywhere,
    led_objective_ids,
    my_items,
    reminders_visible_to,
    returned_updates_for,
    update_page_for_user,
    update_page_of,
)
from ..services.pending_saves import owner_token, pending_save_keep, pending_saves_discard
from ..services.updates import StaleUpdate, UpdateLocked, update_save_draft, update_submit

STALE_MESSAGE = (
    "Someone else saved this update after you opened it, so your changes have not been saved. "
    "Your text is still in the form; their saved text is shown beside it. Merge the two, then save again."
)


class MyItemsView(LoginRequiredMixin, View):
    """The objectives I lead and my agency's others, with this quarter's update: kept per person and day."""

    def get(self, request):
        user = request.user
        today = timezone.localdate()  # the deadlines say "n days left": kept_for varies by the day
        parts = kept_for(
            request, "my-items", partnership_ids=partnership_ids_visible_to(user), build=lambda: self._parts(today)
        )
        return respond(request, parts)

    def _parts(self, today) -> Parts:
        user = self.request.user
        led_ids = led_objective_ids(user)
        mine, agency = my_items(user=user, led_ids=led_ids, today=today)
        context = {
            "page_title": "My items",
            "returned": list(returned_updates_for(user, led_ids=led_ids)),
            "mine": mine,
            "agency": agency,
            "show_reminders": is_coordinator_anywhere(user),
        }
        return render_parts({"content": "plans/updates/_my_items_body.html"}, context)


class UpdateEditView(LoginRequiredMixin, View):
    """One objective's update for one quarter: a form while editable, a read-only page otherwise.

    Nothing typed is lost: copying last quarter's text fills only empty fields unless the person
    confirms; a save posted after the session ended is kept and given back after sign-in; a save over
    someone else's shows who saved, when, and what differs.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            return self._keep_for_after_sign_in(request, kwargs["pk"], kwargs["period_pk"])
        return super().dispatch(request, *args, **kwargs)

    def _keep_for_after_sign_in(self, request, objective_pk: int, period_pk: int):
        fields = {name: request.POST.getlist(name) for name in request.POST}
        kept = pending_save_keep(
            token=request.POST.get("owner", ""), objective_pk=objective_pk, period_pk=period_pk, fields=fields
        )
        if kept is None:
            return self.handle_no_permission()
        messages.warning(
            request,
            "You were signed out after a time without activity, so your update has not been saved yet. "
            "Sign in again and we will put back what you typed.",
        )
        return redirect_to_login(f"{request.path}?{urlencode({'restore': kept.token})}")

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

    def _render(self, page: UpdatePage, form=None, outcome_forms=(), *, current=None, status=200, **extra):
        parts = self._parts(page, form, outcome_forms, current=current, **extra)
        return self._respond(page.objective, page.period.pk, parts, status=status)

    def _parts(self, page: UpdatePage, form=None, outcome_forms=(), *, current=None, **extra) -> Parts:
        """The page's title, breadcrumbs and body, with holes for the request's CSRF and owner tokens."""
        user = self.request.user
        may_edit = can_edit_update(user, page.objective)
        editable = may_edit and (page.update is None or page.update.is_editable)
        forms = [form, *outcome_forms] if form is not None else []
        has_errors = any(f.errors for f in forms)
        # What each outcome's indicator says for this period, shown beside its status (issue 14).
        suggestions = suggestions_for_outcomes(page.outcomes, page.period)
        for outcome in page.outcomes:
            outcome.suggestion = suggestions.get(outcome.pk)
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
            "previous_fields": previous_fields(page.previous, page.outcomes),
            "state_label": UPDATE_STATE_LABELS[page.update.state if page.update else None],
            "deadline": deadline_text(page.period.update_deadline, today=timezone.localdate()),
            "may_edit": may_edit,
            "editable": editable,
            "owner_token": fragment_hole("owner") if editable else "",
            "form": form,
            "outcome_rows": list(zip(page.outcomes, outcome_forms, strict=False)) if outcome_forms else [],
            "forms": forms,
            "has_errors": has_errors,
            "current": current,
            "copied": False,
            "restored": False,
            **extra,
        }
        return render_parts(UPDATE_PAGE_PARTS, context)

    def _respond(self, objective, period_pk: int, parts: Parts, *, status: int = 200):
        """The page around its parts, with this request's owner token (who opened it) in its hole."""
        owner = owner_token(user=self.request.user, objective=objective, period=ReportingPeriod(pk=period_pk))
        return respond(self.request, parts, status=status, owner=owner)

    def get(self, request, *args, **kwargs):
        if not request.GET.get("restore"):
            # The plain page is kept per person, day and content version of its partnership (the access rule
            # still runs on every request: another partnership's objective is a 404 before any cache is read).
            objective = access_objective(request.user, kwargs["pk"])
            parts = kept_for(
                request,
                "update-page",
                partnership_ids=[objective.plan.partnership_id],
                key=(objective.pk, kwargs["period_pk"]),
                # Built on the objective the access rule just read, not read a second time.
                build=lambda: self._plain_parts(update_page_of(objective, period_pk=kwargs["period_pk"])),
            )
            return self._respond(objective, kwargs["period_pk"], parts)
        page = self._page()
        kept = pending_save_for(
            user=request.user, token=request.GET.get("restore", ""), objective=page.objective, period=page.period
        )
        if kept is not None and can_edit_update(request.user, page.objective):
            if page.update is not None and not page.update.is_editable:
                # Locked meanwhile (submitted or approved): show the kept text to copy, rather than lose it.
                return self._render(page, kept_text=_kept_text(page, kept.fields))
            form, outcome_forms = self._forms(page, data=_query_dict(kept.fields))
            return self._render(page, form, outcome_forms, restored=True)
        # Nothing (of this person's) to restore: the plain page, built afresh.
        return self._respond(page.objective, page.period.pk, self._plain_parts(page))

    def _plain_parts(self, page: UpdatePage | None = None) -> Parts:
        """The page as saved: the forms filled from the update (or empty), nothing typed over them."""
        page = page or self._page()
        return self._parts(page, *self._forms(page, source=page.update, version=_version(page)))

    def post(self, request, *args, **kwargs):
        page = self._page()
        if not can_edit_update(request.user, page.objective):
            raise PermissionDenied("Only the objective's lead officers can write its updates.")
        action = request.POST.get("action")
        if action in COPY_ACTIONS:
            return self._copy(page, action)
        form, outcome_forms = self._forms(page, data=request.POST)
        # Validate every form, not just up to the first invalid one, so all errors show at once.
        if not all([form.is_valid(), *(f.is_valid() for f in outcome_forms)]):
            return self._render(page, form, outcome_forms)
        data = update_input_from(form, outcome_forms)
        version = form.cleaned_data["version"]
        submitting = action == "submit"
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
        pending_saves_discard(user=request.user, objective=page.objective, period=page.period)
        if submitting:
            messages.success(
                request, f"Your {page.period} update for {page.objective.ref or page.objective} was submitted."
            )
            return redirect(reverse("plans:my_items"))
        messages.success(request, "Draft saved. You can come back and submit it later.")
        return redirect(request.path)

    def _copy(self, page: UpdatePage, action: str):
        """Last quarter's text into the empty fields; over typed text only once the person confirms."""
        copied = previous_fields(page.previous, page.outcomes)
        merged, conflicts = copy_previous_into(request_data(self.request), copied, replace=action == "copy_replace")
        if conflicts and action == "copy":
            context = {
                "page_title": f"Copy last quarter's text: {page.period} update",
                "page": page,
                "objective": page.objective,
                "plan": page.objective.plan,
                "period": page.period,
                "previous": page.previous,
                "conflicts": [(field, _shown(page, field.name, self.request.POST)) for field in conflicts],
                "kept_fields": [
                    (name, value)
                    for name, values in self.request.POST.lists()
                    if name not in ("csrfmiddlewaretoken", "action")
                    for value in values
                ],
            }
            return render(self.request, "plans/updates/copy_confirm.html", context)
        form, outcome_forms = self._forms(page, data=merged)
        return self._render(
            page, form, outcome_forms, copied=True, kept_typed=bool(conflicts) and action == "copy_fill"
        )

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
        differences = update_differences(current, self.request.POST, page.outcomes)
        return self._render(page, form, outcome_forms, current=current, differences=differences, status=409)

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


COPY_ACTIONS = ("copy", "copy_replace", "copy_fill")
UPDATE_PAGE_PARTS = {
    "breadcrumbs": "plans/updates/_update_edit_breadcrumbs.html",
    "content": "plans/updates/_update_edit_body.html",
    "scripts": "plans/updates/_update_edit_scripts.html",
}


def _version(page: UpdatePage) -> int:
    return page.update.version if page.update else 0


def request_data(request) -> QueryDict:
    """The posted form without the button that was pressed."""
    data = request.POST.copy()
    data.pop("action", None)
    return data


def _shown(page: UpdatePage, name: str, data: QueryDict) -> str:
    """What was typed in a field, in words: statuses and milestones by name rather than by value."""
    values = [value for value in data.getlist(name) if value.strip()]
    if name.endswith("rag_status"):
        return ", ".join(str(dict(RAG_CHOICES).get(value, value)) for value in values)
    if name == "milestones_met":
        names = {str(m.pk): m.text for m in page.milestones}
        return "; ".join(names.get(value, value) for value in values)
    return "\n".join(values)


def _kept_text(page: UpdatePage, fields: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The text fields of a kept save, labelled, for a page that can no longer take them."""
    labels = {"progress": "Progress this quarter", "rag_note": "Why the overall status is amber or red"}
    labels |= {f"outcome-{o.pk}-note": f"Note on outcome {o.number}" for o in page.outcomes}
    found = [(label, "\n".join(fields.get(name, [])).strip()) for name, label in labels.items()]
    return [(label, text) for label, text in found if text]


def _query_dict(fields: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, values)
    return data


class RemindersView(LoginRequiredMixin, TemplateView):
    """Who was reminded to update, and when: coordinators only."""

    template_name = "plans/updates/reminders.html"

    def get_context_data(self, **kwargs):
        if not is_coordinator_anywhere(self.request.user):
            raise PermissionDenied("Only coordinators can see the reminders sent.")
        reminders = reminders_visible_to(self.request.user)[:500]
        return super().get_context_data(page_title="Reminders sent", reminders=reminders, **kwargs)
