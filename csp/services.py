"""Writes of the partnership core."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import Partnership, ReportingPeriod

QUARTER_START_MONTHS = (4, 7, 10, 1)  # Q1 April-June ... Q4 January-March


def _month_end(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def financial_quarter_bounds(financial_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter 1-4 of the financial year starting April `financial_year`."""
    month = QUARTER_START_MONTHS[quarter - 1]
    year = financial_year + (1 if quarter == 4 else 0)
    return dt.date(year, month, 1), _month_end(year, month + 2)


@transaction.atomic
def reporting_periods_ensure(*, partnership: Partnership, financial_year: int) -> list[ReportingPeriod]:
    """Create (or keep) the four quarters, two half-years and the year of a financial year.

    Each quarter's update deadline is the partnership's `update_deadline_days` after it ends.
    """
    wanted: list[tuple[str, int, dt.date, dt.date]] = []
    for quarter in range(1, 5):
        start, end = financial_quarter_bounds(financial_year, quarter)
        wanted.append((ReportingPeriod.Kind.QUARTER, quarter, start, end))
    wanted.append((ReportingPeriod.Kind.HALF_YEAR, 1, dt.date(financial_year, 4, 1), dt.date(financial_year, 9, 30)))
    wanted.append(
        (ReportingPeriod.Kind.HALF_YEAR, 2, dt.date(financial_year, 10, 1), dt.date(financial_year + 1, 3, 31))
    )
    wanted.append((ReportingPeriod.Kind.YEAR, 1, dt.date(financial_year, 4, 1), dt.date(financial_year + 1, 3, 31)))
    periods = []
    for kind, number, start, end in wanted:
        period, _ = ReportingPeriod.objects.get_or_create(
            partnership=partnership,
            kind=kind,
            financial_year=financial_year,
            number=number,
            defaults={
                "start": start,
                "end": end,
                "update_deadline": end + dt.timedelta(days=partnership.update_deadline_days),
            },
        )
        periods.append(period)
    return periods


COORDINATORS_GROUP = "Coordinators"


@transaction.atomic
def coordinator_admin_access_grant(*, user) -> None:
    """Let a coordinator correct their partnership's data in the admin (staff + 'Coordinators' permissions)."""
    from django.contrib.auth.models import Group as AuthGroup

    from .admin_scoping import coordinator_permissions

    group, _ = AuthGroup.objects.get_or_create(name=COORDINATORS_GROUP)
    group.permissions.set(coordinator_permissions())
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
