"""Reads behind the chairs' inbox: the updates waiting for the signed-in reviewer, and those they returned.

Who reviews what is `objectives_reviewable_by` (the query twin of `can_review`); "late" is the update
service's late flag or the objective's overdue rule (`plans.rules`), never a rule of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from csp.selectors import REVIEWER_ROLES, User, roles_anywhere

from ..models import Milestone, QuarterlyUpdate
from ..rules import objective_overdue_from, overdue_reference_date
from .access import LIVE_UPDATE, objectives_reviewable_by, updates_visible_to
from .leads import lead_lines

WAITING = "waiting"
RETURNED = "returned"
LATE = "late"
INBOX_FILTERS = {
    WAITING: "Waiting for my review",
    RETURNED: "Returned, waiting for the lead officer",
    LATE: "Late",
}


# How many updates a page of the inbox lists (GOV.UK pagination below; the counts above are of them all).
INBOX_PAGE_SIZE = 50


@dataclass
class InboxRow:
    """One update in the inbox, with whether its item is overdue and whether it can be decided now."""

    update: QuarterlyUpdate
    objective_overdue: bool
    leads: str = ""  # as every page names them (plans.rules.leads_or_text)

    @property
    def is_waiting(self) -> bool:
        return self.update.state == QuarterlyUpdate.State.SUBMITTED


@dataclass
class Inbox:
    show: str
    rows: list[InboxRow]  # this page's
    counts: dict[str, int]  # of every update in the inbox, by filter
    page: Page


def may_use_inbox(user: User) -> bool:
    """Chairs and coordinators have an inbox."""
    return bool(roles_anywhere(user) & REVIEWER_ROLES)


class _Quarter(NamedTuple):
    end: dt.date


class _MilestoneDates(NamedTuple):
    due_date: dt.date
    completed_on: dt.date | None


def _shown_in(show: str, state: str, late: bool) -> bool:
    if show == WAITING:
        return state == QuarterlyUpdate.State.SUBMITTED
    if show == RETURNED:
        return state == QuarterlyUpdate.State.RETURNED
    return late


def review_inbox(*, user: User, show: str = WAITING, today: dt.date | None = None, page: int | str | None = 1) -> Inbox:
    """Submitted and returned updates of items the user reviews (not their own): the counts of each filter, and
    one page of those `show` names.

    Every update of the inbox is read as a row (what the filters and the overdue rule need), and only the page's
    as model instances with what the page shows.
    """
    today = today or timezone.localdate()
    show = show if show in INBOX_FILTERS else WAITING
    found = list(
        updates_visible_to(user)
        .filter(
            LIVE_UPDATE,
            objective__in=objectives_reviewable_by(user).values("pk"),
            state__in=[QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.RETURNED],
        )
        .exclude(Q(submitted_by=user) | Q(author=user))
        .order_by("period__start", "submitted_at", "pk")
        .values_list("pk", "state", "is_late", "period__end", "objective_id", "objective__state", "objective__due_date")
    )
    milestones: dict[int, list[_MilestoneDates]] = defaultdict(list)
    dated = Milestone.objects.filter(objective_id__in={row[4] for row in found}, due_date__isnull=False)
    for objective_id, due_date, completed_on in dated.order_by().values_list(
        "objective_id", "due_date", "completed_on"
    ):
        milestones[objective_id].append(_MilestoneDates(due_date, completed_on))

    overdue: dict[int, bool] = {}
    counts = dict.fromkeys(INBOX_FILTERS, 0)
    shown: list[int] = []
    for pk, state, is_late, period_end, objective_id, objective_state, due_date in found:
        # The overdue rule on the update's quarter's reference day (plans.rules), from rows.
        reference = overdue_reference_date(_Quarter(period_end), today=today)
        overdue[pk] = objective_overdue_from(objective_state, due_date, milestones[objective_id], reference)
        for name in INBOX_FILTERS:
            counts[name] += _shown_in(name, state, is_late or overdue[pk])
        if _shown_in(show, state, is_late or overdue[pk]):
            shown.append(pk)

    shown_page = Paginator(shown, INBOX_PAGE_SIZE).get_page(page)
    on_page = (
        QuarterlyUpdate.objects.filter(pk__in=shown_page.object_list)
        .select_related("objective__plan__partnership", "objective__section", "period", "submitted_by", "reviewed_by")
        .in_bulk()
    )
    # As label parts, not lead, person, agency and group rows.
    leads = lead_lines(update.objective for update in on_page.values())
    rows = [
        InboxRow(update=on_page[pk], objective_overdue=overdue[pk], leads=leads[on_page[pk].objective_id])
        for pk in shown_page.object_list
        if pk in on_page  # deleted since the rows were read
    ]
    return Inbox(show=show, rows=rows, counts=counts, page=shown_page)
