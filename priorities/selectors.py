"""Reads of priorities, themes, indicators and readings, always scoped to the user."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from csp.models import PartnershipPopulation
from csp.selectors import User, partnership_ids_visible_to

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
