"""The chairs' inbox: updates waiting for my review, approved or returned several at a time."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from csp.kept_pages import Parts, kept_for, render_parts, respond
from csp.pagination import page_numbers
from csp.selectors import partnership_ids_visible_to

from ..forms.inbox import BulkReviewForm
from ..selectors.access import updates_visible_to
from ..selectors.inbox import INBOX_FILTERS, WAITING, may_use_inbox, review_inbox
from ..services.bulk_reviews import updates_bulk_approve, updates_bulk_return


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise Http404("No such update.") from None


INBOX_PARTS = {"content": "plans/review/_inbox_content.html"}


class ReviewInboxView(LoginRequiredMixin, View):
    """Updates waiting for the chair's review. Kept per person, filter and day under the content versions of the
    person's partnerships (csp/kept_pages.py); built afresh when a bulk action comes back with errors."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_use_inbox(request.user):
            raise PermissionDenied("Only group chairs and coordinators review updates.")
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, show: str, page, form: BulkReviewForm | None = None, status: int = 200):
        return respond(request, self._parts(request, show, page, form), status=status)

    def _parts(self, request: HttpRequest, show: str, page, form: BulkReviewForm | None = None) -> Parts:
        inbox = review_inbox(user=request.user, show=show, page=page)
        form = form or BulkReviewForm(update_ids=[row.update.pk for row in inbox.rows])
        checked = {str(v) for v in (form["update"].value() or [])} if form.is_bound else set()
        has_errors = form.is_bound and bool(form.errors)
        filters = [
            {"value": value, "label": label, "count": inbox.counts[value], "current": value == inbox.show}
            for value, label in INBOX_FILTERS.items()
        ]
        context = {
            "page_title": f"{'Error: ' if has_errors else ''}Review inbox",
            "inbox": inbox,
            "filters": filters,
            "form": form,
            "forms": [form],
            "has_errors": has_errors,
            "checked": checked,
            "show_label": INBOX_FILTERS[inbox.show],
            "page_obj": inbox.page,
            "pagination": page_numbers(inbox.page),
        }
        # The request: the pagination links carry the query string on ({% querystring %}).
        return render_parts(INBOX_PARTS, context, request=request)

    def get(self, request: HttpRequest) -> HttpResponse:
        show = request.GET.get("show", WAITING)
        show = show if show in INBOX_FILTERS else WAITING  # one kept page per filter, whatever else is asked
        parts = kept_for(  # "late" counts from today: kept for the day
            request,
            "review-inbox",
            partnership_ids=partnership_ids_visible_to(request.user),
            key=(show,),
            by_query=True,  # the page, and the pagination links carry the whole query string on
            build=lambda: self._parts(request, show, request.GET.get("page")),
        )
        return respond(request, parts)

    def post(self, request: HttpRequest) -> HttpResponse:
        show = request.POST.get("show", WAITING)
        ids = _ids(request.POST.getlist("update"))
        # The scoped lookup first: another partnership's update is a 404, as one that does not exist.
        updates = {u.pk: u for u in updates_visible_to(request.user).filter(pk__in=ids)}
        if len(updates) != len(set(ids)):
            raise Http404("No such update.")
        form = BulkReviewForm(request.POST, update_ids=list(updates))
        if form.is_valid():
            versions = form.versions(request.POST)
            selected = [(updates[pk], versions[pk]) for pk in form.cleaned_data["update"]]
            comment = form.cleaned_data["comment"]
            try:
                if form.cleaned_data["action"] == form.APPROVE:
                    decided = updates_bulk_approve(reviewer=request.user, selected=selected, comment=comment)
                    done = f"You approved {len(decided)} update{'s' if len(decided) != 1 else ''}."
                else:
                    decided = updates_bulk_return(reviewer=request.user, selected=selected, comment=comment)
                    done = (
                        f"You returned {len(decided)} update{'s' if len(decided) != 1 else ''} with your comment. "
                        "The lead officers have been e-mailed."
                    )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, done)
                return redirect(f"{reverse('plans:review_inbox')}?show={show if show in INBOX_FILTERS else WAITING}")
        return self._render(request, show, request.POST.get("page"), form, status=400)
