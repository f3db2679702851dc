"""Reads behind the chairs' inbox: the updates waiting for the signed-in reviewer, and those they returned.

Who reviews what is `objectives_reviewable_by` (the query twin of `can_review`); "late" is the update
service's late flag or the objective's overdue rule (`plans.rules`), never a rule of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from csp.selectors import REVIEWER_ROLES, User, roles_anywhere

from ..models import ObjectiveLead, QuarterlyUpdate
from ..rules import LEAD_LABEL_RELATED, leads_or_text, objective_is_overdue, overdue_reference_date
from .access import LIVE_UPDATE, objectives_reviewable_by, updates_visible_to

WAITING = "waiting"
RETURNED = "returned"
LATE = "late"
INBOX_FILTERS = {
    WAITING: "Waiting for my review",
    RETURNED: "Returned, waiting for the lead officer",
    LATE: "Late",
}


@dataclass
class InboxRow:
    """One update in the inbox, with whether it is late and whether it can be decided now."""

    update: QuarterlyUpdate
    objective_overdue: bool
    leads: str = ""  # as every page names them (plans.rules.leads_or_text)

    @property
    def is_late(self) -> bool:
        return self.update.is_late or self.objective_overdue

    @property
    def is_waiting(self) -> bool:
        return self.update.state == QuarterlyUpdate.State.SUBMITTED

    def shown_in(self, show: str) -> bool:
        if show == WAITING:
            return self.is_waiting
        if show == RETURNED:
            return self.update.state == QuarterlyUpdate.State.RETURNED
        return self.is_late


@dataclass
class Inbox:
    show: str
    rows: list[InboxRow]
    counts: dict[str, int]


def may_use_inbox(user: User) -> bool:
    """Chairs and coordinators have an inbox."""
    return bool(roles_anywhere(user) & REVIEWER_ROLES)


def review_inbox(*, user: User, show: str = WAITING, today: dt.date | None = None) -> Inbox:
    """Submitted and returned updates of items the user reviews (not their own), filtered by `show`."""
    today = today or timezone.localdate()
    show = show if show in INBOX_FILTERS else WAITING
    updates = (
        updates_visible_to(user)
        .filter(
            LIVE_UPDATE,
            objective__in=objectives_reviewable_by(user).values("pk"),
            state__in=[QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.RETURNED],
        )
        .exclude(Q(submitted_by=user) | Q(author=user))
        .select_related("objective__plan__partnership", "objective__section", "period", "submitted_by", "reviewed_by")
        .prefetch_related(
            "objective__milestones",
            # A list (to_attr), not a manager per row: each manager clones the prefetch's queryset.
            Prefetch(
                "objective__leads",
                queryset=ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED),
                to_attr="inbox_leads",
            ),
        )
        .order_by("period__start", "submitted_at", "pk")
    )
    rows = []
    for update in updates:
        reference = overdue_reference_date(update.period, today=today)
        rows.append(
            InboxRow(
                update=update,
                objective_overdue=objective_is_overdue(update.objective, reference),
                leads=leads_or_text(update.objective.inbox_leads, update.objective.lead_text),
            )
        )
    counts = {name: sum(1 for row in rows if row.shown_in(name)) for name in INBOX_FILTERS}
    return Inbox(show=show, rows=[row for row in rows if row.shown_in(show)], counts=counts)
