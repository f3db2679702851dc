"""Pages of a group's meetings: the list, the pack (with the decisions taken from it) and the action log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from csp.kept_pages import Parts, kept_for, render_parts, respond

from ..forms.meetings import ActionItemForm, MeetingDecisionForm, MeetingForm
from ..models import Meeting
from ..selectors.access import (
    access_action_item,
    access_change_proposal,
    access_group,
    access_meeting,
    access_update,
    can_run_meeting,
)
from ..selectors.meetings import current_meeting_for, meeting_pack_for, meetings_of_group
from ..services.meetings import (
    action_item_create,
    action_item_mark_done,
    action_item_update,
    meeting_create,
    meeting_decide,
)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        for message in error.messages:
            form.add_error(None, message)


class MeetingListView(LoginRequiredMixin, View):
    """A group's meetings, and (for its chair or a coordinator) the form to set up the next one."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = access_group(request.user, pk)
        return self._render(request, group, MeetingForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = access_group(request.user, pk, for_change=True)
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = meeting_create(user=request.user, group=group, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Meeting of {group} on {meeting.date:%-d %B %Y} set up.")
                return redirect("plans:meeting_detail", pk=meeting.pk)
        return self._render(request, group, form, status=400)

    def _render(self, request, group, form, status=200):
        return render(
            request,
            "plans/meetings/meeting_list.html",
            {
                "page_title": f"Meetings: {group.name}",
                "group": group,
                "meetings": list(meetings_of_group(user=request.user, group=group)),
                "form": form if can_run_meeting(request.user, group) else None,
                "forms_with_errors": [form],
                "has_errors": bool(form.errors),
            },
            status=status,
        )


def render_pack(
    request: HttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    failed: tuple[str, MeetingDecisionForm] | None = None,
    action_form: ActionItemForm | None = None,
) -> HttpResponse:
    """The pack page; a decision form that came back with errors is shown beside its item.

    Without such forms it is kept per person, meeting and day (it says when it was prepared) under the
    partnership's content version (csp/kept_pages.py); the caller has run the access rule already.
    """
    if failed or action_form is not None:
        return respond(request, _pack_parts(request, meeting, failed=failed, action_form=action_form), status=status)
    which = meeting.pk or f"next-{meeting.group_id}-{meeting.date}"
    parts = kept_for(
        request,
        "meeting-pack",
        partnership_ids=[meeting.group.partnership_id],
        key=(which,),
        build=lambda: _pack_parts(request, meeting),
    )
    return respond(request, parts, status=status)


def _pack_parts(
    request: HttpRequest,
    meeting: Meeting,
    *,
    failed: tuple[str, MeetingDecisionForm] | None = None,
    action_form: ActionItemForm | None = None,
) -> Parts:
    pack = meeting_pack_for(user=request.user, meeting=meeting)
    if failed:
        key, form = failed
        for item in pack.items:
            targets = {f"update-{item.update.pk}"} if item.update else set()
            targets |= {f"proposal-{p.pk}" for p in item.proposals}
            if key in targets:
                item.failed_key, item.failed_form = key, form
    error_links = []
    if failed and failed[1].errors:
        key, form = failed
        for name, errors in form.errors.items():
            anchor = f"decision-{key}-{name}" if name in ("kind", "text") else f"item-{_objective_of(pack, key)}"
            error_links += [(anchor, message) for message in errors]
    if action_form is not None and action_form.errors:
        for name, errors in action_form.errors.items():
            anchor = action_form[name].id_for_label if name in action_form.fields else "action-add"
            error_links += [(anchor, message) for message in errors]
    return render_parts(
        {"content": "plans/meetings/_meeting_pack_content.html"},
        {
            "page_title": f"Meeting pack: {meeting.group.name}, {meeting.date:%-d %B %Y}",
            "meeting": meeting,
            "group": meeting.group,
            "pack": pack,
            "action_form": action_form or ActionItemForm(prefix="action"),
            "error_links": error_links,
            "has_errors": bool(error_links),
            "pack_may_set_up": can_run_meeting(request.user, meeting.group),
        },
    )


def _objective_of(pack, key: str) -> str:
    return next((str(item.objective.pk) for item in pack.items if getattr(item, "failed_key", "") == key), "agenda")


class MeetingPackView(LoginRequiredMixin, View):
    """The pack of one meeting: everyone in the partnership reads it; its chair takes decisions from it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render_pack(request, access_meeting(request.user, pk))


class CurrentMeetingPackView(LoginRequiredMixin, View):
    """The group's 'current' pack (its next meeting, else its latest), kept at the address packs always had."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = access_group(request.user, pk)
        meeting = current_meeting_for(group=group)
        if meeting.pk:
            return redirect("plans:meeting_detail", pk=meeting.pk)
        # No meeting set up yet: the pack of the group's next date, to read and print; decisions need a meeting.
        return render_pack(request, meeting)


class MeetingDecisionView(LoginRequiredMixin, View):
    """A decision on one item, taken from the pack and recorded against the meeting."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = access_meeting(request.user, pk, for_change=True)
        form = MeetingDecisionForm(request.POST)
        key = f"update-{request.POST.get('update')}" if request.POST.get("update") else ""
        key = key or f"proposal-{request.POST.get('proposal')}"
        if form.is_valid():
            data = form.cleaned_data
            update = access_update(request.user, data["update"]) if data["update"] else None
            proposal = access_change_proposal(request.user, data["proposal"]) if data["proposal"] else None
            try:
                decision = meeting_decide(
                    chair=request.user,
                    meeting=meeting,
                    kind=data["kind"],
                    text=data["text"],
                    update=update,
                    proposal=proposal,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, f"{decision.get_kind_display()}: {decision.objective}. Recorded for this meeting."
                )
                return redirect(reverse("plans:meeting_detail", args=[meeting.pk]) + f"#item-{decision.objective_id}")
        return render_pack(request, meeting, status=400, failed=(key, form))


class ActionItemCreateView(LoginRequiredMixin, View):
    """Add an action to the group's log, raised at this meeting."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = access_meeting(request.user, pk, for_change=True)
        form = ActionItemForm(request.POST, prefix="action")
        if form.is_valid():
            try:
                action_item_create(user=request.user, meeting=meeting, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Action added to the log.")
                return redirect(reverse("plans:meeting_detail", args=[meeting.pk]) + "#action-log")
        return render_pack(request, meeting, status=400, action_form=form)


class ActionItemEditView(LoginRequiredMixin, View):
    """Change an action of the log, or record when it was done."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = access_action_item(request.user, pk, for_change=True)
        initial = {"text": item.text, "owner_text": item.owner_name, "due_date": item.due_date, "done_on": item.done_on}
        return self._render(request, item, ActionItemForm(initial=initial, with_done=True))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = access_action_item(request.user, pk, for_change=True)
        form = ActionItemForm(request.POST, with_done=True)
        if form.is_valid():
            try:
                action_item_update(user=request.user, item=item, owner=item.owner, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Action saved.")
                return redirect(self._back(request, item))
        return self._render(request, item, form, status=400)

    def _back(self, request, item) -> str:
        return reverse("plans:meeting_detail", args=[item.raised_at_id]) + "#action-log"

    def _render(self, request, item, form, status=200):
        return render(
            request,
            "plans/meetings/action_edit.html",
            {
                "page_title": "Change an action",
                "item": item,
                "form": form,
                "back_url": self._back(request, item),
                "forms_with_errors": [form],
                "has_errors": bool(form.errors),
            },
            status=status,
        )


class ActionItemDoneView(LoginRequiredMixin, View):
    """Mark an action done today, from the pack."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = access_action_item(request.user, pk, for_change=True)
        meeting_id = request.POST.get("meeting", "")
        back = item.raised_at_id
        if meeting_id.isdigit():
            back = access_meeting(request.user, int(meeting_id)).pk
        try:
            action_item_mark_done(user=request.user, item=item)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Action marked done.")
        return redirect(reverse("plans:meeting_detail", args=[back]) + "#action-log")
