"""Reads of priorities, themes, indicators and readings, always scoped to the user."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from csp.models import PartnershipPopulation
from csp.selectors import EDITOR_ROLES, User, has_role, partnership_ids_visible_to

from .models import Indicator, IndicatorReading, Priority, Theme


def priorities_visible_to(user: User, *, include_archived: bool = False) -> QuerySet[Priority]:
    """Priorities of the user's partnerships (archived ones only when asked: detail lookups, restore)."""
    priorities = Priority.objects.filter(partnership__in=partnership_ids_visible_to(user))
    return priorities if include_archived else priorities.filter(archived_at__isnull=True)


def themes_visible_to(user: User) -> QuerySet[Theme]:
    """Themes of the priorities of the user's partnerships."""
    return Theme.objects.filter(priority__partnership__in=partnership_ids_visible_to(user))


def indicators_visible_to(user: User) -> QuerySet[Indicator]:
    """Indicators of the user's partnerships."""
    return Indicator.objects.filter(partnership__in=partnership_ids_visible_to(user))


def readings_visible_to(user: User) -> QuerySet[IndicatorReading]:
    """Indicator readings of the user's partnerships."""
    return IndicatorReading.objects.filter(indicator__partnership__in=partnership_ids_visible_to(user))


def reading_figure(reading: IndicatorReading) -> Decimal | None:
    """The figure to show for a reading: a rate per 1,000 from the year's population, else the value.

    None when a rate is asked for and the partnership has no population for that financial year.
    """
    if reading.indicator.unit != Indicator.Unit.RATE_PER_1000:
        return reading.value
    population = (
        PartnershipPopulation.objects.filter(
            partnership_id=reading.indicator.partnership_id, financial_year=reading.period.financial_year
        )
        .values_list("population", flat=True)
        .first()
    )
    if not population:
        return None
    return (reading.value * 1000 / population).quantize(Decimal("0.01"))


def access_priority(user: User, pk: int, *, for_change: bool = False) -> Priority:
    """A priority the user may see (else 404); with for_change, one they may also change (else 403)."""
    priority = get_object_or_404(
        priorities_visible_to(user, include_archived=True).select_related("partnership"), pk=pk
    )
    if for_change and not has_role(user, priority.partnership_id, *EDITOR_ROLES):
        raise PermissionDenied("Only a coordinator of this partnership can change its priorities.")
    return priority
