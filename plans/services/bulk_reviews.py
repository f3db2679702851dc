"""Decide several updates at once from the chairs' inbox: all of them, or none.

Each update goes through the single-update services (plans.services.reviews), so the rules of the
review (who may, not your own, only submitted) and their side effects are the same; the whole batch
is one transaction, so one refusal undoes the others. An update saved since the page was loaded
(its version moved on) is refused rather than decided unseen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ..models import QuarterlyUpdate
from .reviews import update_approve, update_return

# (update, the version the reviewer saw)
Selection = Sequence[tuple[QuarterlyUpdate, int]]


def _label(update: QuarterlyUpdate) -> str:
    return f"{update.objective.ref or update.objective.short_title} ({update.period})"


def _decide_all(
    *, reviewer: AbstractBaseUser, selected: Selection, decide: Callable[..., QuarterlyUpdate], verb: str, comment: str
) -> list[QuarterlyUpdate]:
    if not selected:
        raise ValidationError("Select at least one update.")
    seen = {update.pk: version for update, version in selected}
    # Lock in one order so two chairs deciding overlapping batches cannot deadlock.
    locked = (
        QuarterlyUpdate.objects.select_for_update(of=("self",))  # the updates' rows only, not their plan's
        .select_related("objective__plan", "period")
        .filter(pk__in=seen)
        .order_by("pk")
    )
    decided = []
    for update in locked:
        if update.version != seen[update.pk]:
            raise ValidationError(
                f"{_label(update)} was changed since you loaded this page. Nothing was {verb}: "
                "check that update, then try again."
            )
        try:
            decided.append(decide(reviewer=reviewer, update=update, comment=comment))
        except ValidationError as error:
            raise ValidationError(f"{_label(update)}: {' '.join(error.messages)} Nothing was {verb}.") from error
        except PermissionDenied as error:
            raise PermissionDenied(f"{_label(update)}: {error} Nothing was {verb}.") from error
    if len(decided) != len(seen):
        raise ValidationError(f"One of the selected updates no longer exists. Nothing was {verb}.")
    return decided


@transaction.atomic
def updates_bulk_approve(
    *, reviewer: AbstractBaseUser, selected: Selection, comment: str = ""
) -> list[QuarterlyUpdate]:
    """Approve every selected update, or none if one cannot be approved."""
    return _decide_all(reviewer=reviewer, selected=selected, decide=update_approve, verb="approved", comment=comment)


@transaction.atomic
def updates_bulk_return(*, reviewer: AbstractBaseUser, selected: Selection, comment: str) -> list[QuarterlyUpdate]:
    """Return every selected update with one comment, or none if one cannot be returned."""
    if not comment.strip():
        raise ValidationError("Enter a comment saying what the lead officers need to change.")
    return _decide_all(reviewer=reviewer, selected=selected, decide=update_return, verb="returned", comment=comment)
