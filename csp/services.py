"""Writes of the partnership core."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from .limits import text_limits_check
from .models import Agency, ArchivableModel, Group, Partnership, Person, ReportingPeriod
from .selectors import EDITOR_ROLES, has_role

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


def next_year_periods_due(today: dt.date) -> int | None:
    """The financial year whose periods should exist by `today` beyond the current one, or None yet.

    From `CSP_NEXT_YEAR_PERIODS_DAYS_BEFORE` days before 1 April (default 90: early January) next
    year's periods are made, so reminders and next year's plan can use them.
    """
    from django.conf import settings

    current = today.year if today.month >= 4 else today.year - 1
    next_start = dt.date(current + 1, 4, 1)
    if (next_start - today).days <= settings.CSP_NEXT_YEAR_PERIODS_DAYS_BEFORE:
        return current + 1
    return None


def reporting_periods_ensure_all(*, today: dt.date | None = None) -> int:
    """Ensure this year's periods, and next year's once due, for every partnership; the count of years ensured.

    Idempotent and safe to run twice at once: each period is a get_or_create under its unique constraint.
    """
    today = today or timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    years = [current] + ([nxt] if (nxt := next_year_periods_due(today)) else [])
    ensured = 0
    for partnership in Partnership.objects.order_by("pk").iterator():
        for financial_year in years:
            reporting_periods_ensure(partnership=partnership, financial_year=financial_year)
            ensured += 1
    return ensured


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


# Archive instead of delete


def record_partnership_id(record: models.Model) -> int | None:
    """The partnership a row belongs to, by the route its app declared (csp.admin_scoping.PARTNERSHIP_LOOKUPS)."""
    from .admin_scoping import PARTNERSHIP_LOOKUPS

    lookup = PARTNERSHIP_LOOKUPS.get(record._meta.label_lower)
    if lookup is None:
        return None
    if lookup == "pk":
        return record.pk
    return type(record)._default_manager.filter(pk=record.pk).values_list(lookup, flat=True).first()


def _locked_for_archive(*, user, record: ArchivableModel) -> ArchivableModel:
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    partnership_id = record_partnership_id(locked)
    if partnership_id is None or not has_role(user, partnership_id, *EDITOR_ROLES):
        raise PermissionDenied("Only a coordinator of the partnership can archive or restore its records.")
    return locked


@transaction.atomic
def record_archive(*, user, record: ArchivableModel, reason: str = "") -> ArchivableModel:
    """Archive a row instead of deleting it: who, when and why are kept, and its history says so."""
    return mark_archived(locked=_locked_for_archive(user=user, record=record), user=user, reason=reason)


def mark_archived(*, locked: ArchivableModel, user, reason: str = "") -> ArchivableModel:
    """The archiving step itself, on a row already locked by a caller that has checked the user's right.

    record_archive (coordinators) uses it; so does a service whose own rule says who may archive
    (a lead officer removing their evidence: plans.services.evidence).
    """
    if locked.is_archived:
        raise ValidationError(f"This {locked._meta.verbose_name} is already archived.")
    locked.archived_at = timezone.now()
    locked.archived_by = user
    locked.archive_reason = reason.strip()
    locked._change_reason = f"Archived: {locked.archive_reason}" if locked.archive_reason else "Archived"
    # Named here, not left to the request middleware: an API token is authenticated after it has run.
    locked._history_user = user
    locked.save()
    return locked


@transaction.atomic
def record_restore(*, user, record: ArchivableModel) -> ArchivableModel:
    """Bring an archived row back into lists, counts and reports."""
    locked = _locked_for_archive(user=user, record=record)
    if not locked.is_archived:
        raise ValidationError(f"This {locked._meta.verbose_name} is not archived.")
    locked.archived_at = None
    locked.archived_by = None
    locked.archive_reason = ""
    locked._change_reason = "Restored"
    locked._history_user = user
    locked.save()
    return locked


# Agencies, groups and people named in a plan (the plan importer creates those it does not know)


def _create_named(*, user, model: type[models.Model], partnership: Partnership, fields: dict) -> models.Model:
    # `user=None` is for trusted callers only (the plan import command run by an operator).
    if user is not None and not has_role(user, partnership.pk, *EDITOR_ROLES):
        raise PermissionDenied("Only a coordinator of this partnership can add to its records.")
    instance = model(partnership=partnership, **fields)
    text_limits_check(instance)
    if model._default_manager.filter(partnership=partnership, name=instance.name).exists():
        raise ValidationError(
            {"name": [f"The partnership already has a {model._meta.verbose_name} called {instance.name}"]}
        )
    if user is not None:
        instance._history_user = user
    instance._change_reason = "Created"
    instance.save()
    return instance


@transaction.atomic
def agency_create(*, user, partnership: Partnership, name: str, short_name: str = "") -> Agency:
    """Add an organisation to the partnership (kind 'other' until a coordinator says more)."""
    return _create_named(
        user=user, model=Agency, partnership=partnership, fields={"name": name.strip(), "short_name": short_name}
    )


@transaction.atomic
def group_create(*, user, partnership: Partnership, name: str, kind: str = Group.Kind.OTHER) -> Group:
    """Add a group (ODG, JAG, a thematic group) to the partnership."""
    return _create_named(user=user, model=Group, partnership=partnership, fields={"name": name.strip(), "kind": kind})


@transaction.atomic
def person_create(
    *, user, partnership: Partnership, name: str, job_title: str = "", agency: Agency | None = None
) -> Person:
    """Add someone named in a plan, without a login (one may be linked later)."""
    if agency is not None and agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": ["Choose an organisation of this partnership"]})
    return _create_named(
        user=user,
        model=Person,
        partnership=partnership,
        fields={"name": name.strip(), "job_title": job_title.strip(), "agency": agency},
    )
