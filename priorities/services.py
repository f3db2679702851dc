"""Writes of the priorities app, for pages, API and importers alike.

Priorities with their narratives, themes and indicators (the editor pages and the API).

Themes given replace the set (an item with the id of one of the priority's themes keeps and changes
it; one without is new; one left out is removed). Indicators given are added or changed but never
removed here: an indicator carries its readings, so it leaves only by its own deliberate change.

Indicators' figures: readings one at a time or from a CSV/XLSX file, and yearly targets.

Every write path (the indicator pages, the upload, `/api/indicator-readings/`) calls these; each
is atomic and kept in the history (django-simple-history). A file is checked whole before
anything is written: one bad row and nothing is saved, with each problem named by row.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from csp.limits import text_length_check, text_limits_check
from csp.models import Partnership, ReportingPeriod
from csp.selectors import EDITOR_ROLES, User, has_role
from plans.importing import files as upload_checks
from plans.importing.drafts import ImportFileError

from .models import Indicator, IndicatorReading, IndicatorTarget, Priority, Theme

PRIORITY_M2M_FIELDS = ("lead_agencies",)


def _require_editor(user: User | None, partnership_id: int) -> None:
    # `user=None` is for trusted callers only (importers, the demo loader): pages and API always pass one.
    if user is not None and not has_role(user, partnership_id, *EDITOR_ROLES):
        raise PermissionDenied("Only a coordinator of this partnership can change its priorities.")


def _save(instance: models.Model, user: User | None) -> None:
    text_limits_check(instance)
    if user is not None:
        instance._history_user = user
    instance.save()


def _check_priority(priority: Priority) -> None:
    if priority.period_start and priority.period_end and priority.period_end < priority.period_start:
        raise ValidationError({"period_end": ["The end of the period must be the same as or after the start"]})
    clash = Priority.objects.filter(
        partnership_id=priority.partnership_id, period_start=priority.period_start, code=priority.code
    ).exclude(pk=priority.pk)
    if clash.exists():
        raise ValidationError({"code": ["Another priority of this period has this code"]})


def _replace_themes(*, user: User | None, priority: Priority, themes: Sequence[Mapping[str, Any]]) -> None:
    titles = Counter(item["title"] for item in themes)
    if any(count > 1 for count in titles.values()):
        raise ValidationError({"themes": ["Each theme of a priority needs its own title"]})
    existing = {theme.pk: theme for theme in priority.themes.all()}
    unknown = [item["id"] for item in themes if item.get("id") and item["id"] not in existing]
    if unknown:
        raise ValidationError({"themes": [f"Theme {unknown[0]} is not a theme of this priority."]})
    kept = {item["id"] for item in themes if item.get("id")}
    for theme in existing.values():
        if theme.pk not in kept:
            if user is not None:
                theme._history_user = user
            theme.delete()
    for position, item in enumerate(themes):
        fields = {key: value for key, value in item.items() if key != "id"}
        fields.setdefault("position", position)
        theme = existing[item["id"]] if item.get("id") else Theme(priority=priority)
        for key, value in fields.items():
            setattr(theme, key, value)
        _save(theme, user)


def _save_indicators(*, user: User | None, priority: Priority, indicators: Sequence[Mapping[str, Any]]) -> None:
    existing = {indicator.pk: indicator for indicator in priority.indicators.all()}
    unknown = [item["id"] for item in indicators if item.get("id") and item["id"] not in existing]
    if unknown:
        raise ValidationError({"indicators": [f"Indicator {unknown[0]} is not an indicator of this priority."]})
    names = Counter(item["name"] for item in indicators)
    if any(count > 1 for count in names.values()):
        raise ValidationError({"indicators": ["Each indicator of a priority needs its own name"]})
    for item in indicators:
        fields = {key: value for key, value in item.items() if key != "id"}
        indicator = (
            existing[item["id"]] if item.get("id") else Indicator(partnership=priority.partnership, priority=priority)
        )
        for key, value in fields.items():
            setattr(indicator, key, value)
        _save(indicator, user)


def _apply(
    *,
    user: User | None,
    priority: Priority,
    m2m: Mapping[str, Any],
    themes: Sequence[Mapping[str, Any]] | None,
    indicators: Sequence[Mapping[str, Any]] | None,
) -> Priority:
    for name in PRIORITY_M2M_FIELDS:
        if name in m2m:
            if any(value.partnership_id != priority.partnership_id for value in m2m[name]):
                raise ValidationError({name: ["Choose from this partnership's own records"]})
            getattr(priority, name).set(m2m[name])
    if themes is not None:
        _replace_themes(user=user, priority=priority, themes=themes)
    if indicators is not None:
        _save_indicators(user=user, priority=priority, indicators=indicators)
    return priority


@transaction.atomic
def priority_create(
    *,
    user: User | None,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Any] | None = None,
    themes: Sequence[Mapping[str, Any]] | None = None,
    indicators: Sequence[Mapping[str, Any]] | None = None,
) -> Priority:
    """Create a priority with its narratives, themes and indicators."""
    priority = Priority(**fields)
    _require_editor(user, priority.partnership_id)
    _check_priority(priority)
    _save(priority, user)
    return _apply(user=user, priority=priority, m2m=m2m or {}, themes=themes, indicators=indicators)


@transaction.atomic
def priority_update(
    *,
    user: User | None,
    priority: Priority,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Any] | None = None,
    themes: Sequence[Mapping[str, Any]] | None = None,
    indicators: Sequence[Mapping[str, Any]] | None = None,
) -> Priority:
    """Change a priority; themes given replace the set, indicators given are added or changed."""
    priority = Priority.objects.select_for_update().get(pk=priority.pk)
    _require_editor(user, priority.partnership_id)
    if "partnership" in fields and fields["partnership"].pk != priority.partnership_id:
        raise ValidationError({"partnership": ["A priority cannot move to another partnership"]})
    for key, value in fields.items():
        setattr(priority, key, value)
    _check_priority(priority)
    _save(priority, user)
    return _apply(user=user, priority=priority, m2m=m2m or {}, themes=themes, indicators=indicators)


# --- Indicator readings and targets ---------------------------------------------------------

# The hostile-file rules are plans.importing.files' (one rule for every upload); these are the limits.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = upload_checks.MAX_ROWS
# Uncompressed size an XLSX may claim before we refuse it (a zip bomb is small on disk).
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
VALUE_LIMIT = Decimal("99999999999")

# Headings recognised in an upload (lower case, spaces collapsed) -> our column.
HEADINGS = {
    "indicator": "indicator",
    "indicator code": "indicator",
    "code": "indicator",
    "indicator name": "indicator",
    "period": "period",
    "quarter": "period",
    "reporting period": "period",
    "value": "value",
    "figure": "value",
    "count": "value",
    "note": "note",
    "notes": "note",
    "comment": "note",
}


def _validate_value(indicator: Indicator, value: Decimal) -> None:
    if value < 0:
        raise ValidationError({"value": "Enter a figure of 0 or more"})
    if value > VALUE_LIMIT:
        raise ValidationError({"value": "Enter a smaller figure"})
    if indicator.unit == Indicator.Unit.PERCENTAGE and value > 100:
        raise ValidationError({"value": "Enter a percentage of 100 or less"})


def reading_record(
    *, indicator: Indicator, period: ReportingPeriod, value: Decimal, note: str = ""
) -> tuple[IndicatorReading, bool]:
    """Record the indicator's figure for a period (a second figure for the same period replaces the first).

    Returns (reading, created). The caller has checked the user may record readings for the
    indicator's partnership (priorities.selectors.can_record_readings).
    """
    if period.partnership_id != indicator.partnership_id:
        raise ValidationError({"period": "Choose a reporting period of this partnership"})
    _validate_value(indicator, value)
    text_length_check(IndicatorReading, "note", note, "Note")
    with transaction.atomic():
        reading = IndicatorReading.objects.select_for_update().filter(indicator=indicator, period=period).first()
        if reading is None:
            # A concurrent first reading for the same period meets the unique constraint: the
            # savepoint lets us read the winner's row and update it instead.
            try:
                with transaction.atomic():
                    reading = IndicatorReading.objects.create(
                        indicator=indicator, period=period, value=value, note=note
                    )
                    return reading, True
            except IntegrityError:
                reading = IndicatorReading.objects.select_for_update().get(indicator=indicator, period=period)
        reading.value = value
        reading.note = note
        text_limits_check(reading)
        reading.save(update_fields=["value", "note", "updated_at"])
        return reading, False


def indicator_settings_update(
    *, indicator: Indicator, tolerance_percent: Decimal, targets_by_year: dict[int, Decimal | None]
) -> Indicator:
    """Set the amber tolerance and the target of each financial year (None removes a year's target)."""
    if tolerance_percent < 0 or tolerance_percent > 100:
        raise ValidationError({"tolerance_percent": "Enter a tolerance between 0 and 100"})
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        indicator.tolerance_percent = tolerance_percent
        indicator.save(update_fields=["tolerance_percent", "updated_at"])
        for year, value in targets_by_year.items():
            if value is None:
                for target in IndicatorTarget.objects.filter(indicator=indicator, financial_year=year):
                    target.delete()  # kept in the history
                continue
            _validate_value(indicator, value)
            IndicatorTarget.objects.update_or_create(
                indicator=indicator, financial_year=year, defaults={"value": value}
            )
    return indicator


# --- Uploads ---------------------------------------------------------------------------------


@dataclass
class UploadResult:
    created: int = 0
    updated: int = 0


@dataclass
class UploadErrors(Exception):
    """Problems found in a file; nothing was written."""

    messages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(self.messages)


def _rows_of_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UploadErrors(["The file is not a CSV file saved as text (UTF-8)"]) from exc
    if "\x00" in text:
        raise UploadErrors(["The file is not a CSV file saved as text (UTF-8)"])
    try:
        return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise UploadErrors([f"The CSV file could not be read: {exc}"]) from exc


NOT_XLSX = "The file is not an Excel workbook (.xlsx) that can be opened"


def _rows_of_xlsx(data: bytes) -> list[list[str]]:
    """The first sheet's rows, after the same hostile-file checks as a plan import (plans.importing.files)."""
    try:
        upload_checks.check_signature(data)
        archive = upload_checks.open_zip(data, max_unpacked=MAX_XLSX_UNCOMPRESSED)
        facts = upload_checks.check_parts(archive, max_unpacked=MAX_XLSX_UNCOMPRESSED)
        if facts.kind != upload_checks.EXCEL:
            raise UploadErrors([NOT_XLSX])
        workbook = upload_checks.open_workbook(data, data_only=True)  # readings want figures, not formulas
        try:
            counter = upload_checks.RowCounter(MAX_UPLOAD_ROWS, heading_rows=1)
            table = upload_checks.sheet_table(workbook, workbook.worksheets[0], counter)
        finally:
            workbook.close()
    except ImportFileError as exc:
        # Messages naming Word or a plan do not fit here; the others (password, macros, zip bombs...) do.
        message = NOT_XLSX if str(exc) in upload_checks.NOT_THIS_FORMAT else str(exc)
        raise UploadErrors([message]) from exc
    return table.rows if table is not None else []


def _read_rows(name: str, data: bytes) -> list[list[str]]:
    try:
        upload_checks.check_size(len(data), max_bytes=MAX_UPLOAD_BYTES)
    except ImportFileError as exc:
        raise UploadErrors([str(exc)]) from exc
    is_zip = data[:4] == b"PK\x03\x04"
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _rows_of_xlsx(data)
    if lower.endswith(".csv"):
        if is_zip:
            raise UploadErrors(["The file is not a CSV file saved as text (UTF-8)"])
        return _rows_of_csv(data)
    raise UploadErrors(["The file must be a CSV or an Excel workbook (.xlsx)"])


def _normalise(text: str) -> str:
    return " ".join(str(text).lower().replace("\u00a0", " ").split())


def _period_keys(period: ReportingPeriod) -> set[str]:
    """How a period may be written: 'Q1 2014/15', '2014/15 Q1', 'Q1 2014-15', '2014/15'."""
    year = period.year_label
    keys = {_normalise(period.label)}
    if period.kind == ReportingPeriod.Kind.QUARTER:
        keys |= {_normalise(f"{year} Q{period.number}"), _normalise(f"Q{period.number} {year.replace('/', '-')}")}
    if period.kind == ReportingPeriod.Kind.HALF_YEAR:
        keys |= {_normalise(f"{year} H{period.number}")}
    return keys


def readings_upload(*, partnership: Partnership, name: str, data: bytes) -> UploadResult:
    """Record every reading of a CSV/XLSX file (columns: indicator, period, value, note) or none.

    Indicators are matched by code ('NI 20') or name, periods by their label ('Q1 2014/15').
    """
    rows = _read_rows(name, data)
    if not rows:
        raise UploadErrors(["The file has no rows"])
    header = [HEADINGS.get(_normalise(cell)) for cell in rows[0]]
    missing = [column for column in ("indicator", "period", "value") if column not in header]
    if missing:
        raise UploadErrors(
            [
                "The first row must name the columns Indicator, Period and Value (and optionally Note); missing: "
                + ", ".join(missing)
            ]
        )
    body = rows[1:]
    if len(body) > MAX_UPLOAD_ROWS:
        raise UploadErrors([upload_checks.TOO_MANY_ROWS.format(rows=MAX_UPLOAD_ROWS)])
    column = {name: header.index(name) for name in ("indicator", "period", "value", "note") if name in header}

    indicators: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(partnership=partnership):
        for key in (indicator.code, indicator.name, str(indicator)):
            if key:
                indicators.setdefault(_normalise(key), indicator)
    periods: dict[str, ReportingPeriod] = {}
    for period in ReportingPeriod.objects.filter(partnership=partnership):
        for key in _period_keys(period):
            periods.setdefault(key, period)

    def cell(row: list[str], name: str) -> str:
        index = column.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    errors: list[str] = []
    planned: dict[tuple[int, int], tuple[Indicator, ReportingPeriod, Decimal, str]] = {}
    for number, row in enumerate(body, start=2):
        indicator = indicators.get(_normalise(cell(row, "indicator")))
        period = periods.get(_normalise(cell(row, "period")))
        raw_value = cell(row, "value").replace(",", "").replace("%", "")
        note = cell(row, "note")
        problems = []
        if indicator is None:
            problems.append(f"no indicator '{cell(row, 'indicator')[:60]}' in this partnership")
        if period is None:
            problems.append(f"no reporting period '{cell(row, 'period')[:30]}' (write it as 'Q1 2014/15')")
        try:
            value = Decimal(raw_value)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"the value '{raw_value[:30]}' is not a number")
            value = None
        if indicator is not None and value is not None:
            try:
                _validate_value(indicator, value)
                text_length_check(IndicatorReading, "note", note, "Note")
            except ValidationError as exc:
                problems += [message.lower() for message in exc.messages]
        if indicator is not None and period is not None and (indicator.pk, period.pk) in planned:
            problems.append("the same indicator and period are given twice")
        if problems:
            errors.append(f"Row {number}: " + "; ".join(problems))
        else:
            planned[(indicator.pk, period.pk)] = (indicator, period, value, note)
    if errors:
        raise UploadErrors(errors[:50] + ([f"... and {len(errors) - 50} more rows"] if len(errors) > 50 else []))

    result = UploadResult()
    with transaction.atomic():
        for indicator, period, value, note in planned.values():
            _, created = reading_record(indicator=indicator, period=period, value=value, note=note)
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
