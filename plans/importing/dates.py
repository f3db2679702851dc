"""Dates and money as plans write them: a value where one is meant, the words always kept.

`parse_due(text)` -> (date or None, due_text). Plans write "March 2015", "31/03/2015", "Quarter 3",
"Ongoing", "Summer 2014 / As required": the words are kept as written (the editor shows what the plan
said) and a date is derived only where one is meant. Our export writes a plain date as ISO
"2015-03-31" and a written one as written (`layout.format_due`), so ISO reads back as (date, "").

`parse_money(text)` -> (Decimal or None, cost_text): "£1,500" and "£10k" are amounts; "TBC" and
"Within existing resources" are words only. A plain "1500.00" (our export's amount) reads back as
(Decimal("1500.00"), "").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {calendar.month_name[number].lower(), calendar.month_abbr[number].lower()}
} | {"sept": 9}

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_WITH_TIME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(?::\d{2})?$")  # an Excel date with a time
_PREFIX = r"(?:(?:by|before|end of|end|due|the end of)\s+)?"
_NUMERIC = re.compile(rf"^{_PREFIX}(?P<d>\d{{1,2}})[/.\-](?P<m>\d{{1,2}})[/.\-](?P<y>\d{{2}}|\d{{4}})\.?$", re.I)
_DAY_MONTH_YEAR = re.compile(
    rf"^{_PREFIX}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<y>\d{{4}})\.?$", re.I
)
_MONTH_YEAR = re.compile(rf"^{_PREFIX}(?P<month>[a-z]+)\.?[\s\-/']*(?P<y>\d{{4}}|\d{{2}})\.?$", re.I)
_QUARTER = re.compile(
    rf"^{_PREFIX}(?:q|quarter)\s*(?P<q>[1-4])"
    r"(?:\s*(?:of\s+)?(?P<y>\d{4})\s*[/\-–]\s*(?P<y2>\d{2}|\d{4}))?\.?$",
    re.I,
)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(financial_year: int, quarter: int) -> dt.date:
    """The last day of a quarter of the UK financial year starting in April of `financial_year`."""
    month = {1: 6, 2: 9, 3: 12, 4: 3}[quarter]
    return _last_day(financial_year + (1 if quarter == 4 else 0), month)


def _date_meant(text: str, financial_year: int | None) -> dt.date | None:
    match = _ISO_WITH_TIME.match(text)
    if match:
        return dt.date.fromisoformat(match["date"])
    match = _NUMERIC.match(text)
    if match:
        return dt.date(_year(match["y"]), int(match["m"]), int(match["d"]))
    match = _DAY_MONTH_YEAR.match(text)
    if match and match["month"].lower() in MONTHS:
        return dt.date(int(match["y"]), MONTHS[match["month"].lower()], int(match["d"]))
    match = _MONTH_YEAR.match(text)
    if match and match["month"].lower() in MONTHS:
        return _last_day(_year(match["y"]), MONTHS[match["month"].lower()])
    match = _QUARTER.match(text)
    if match:
        year = int(match["y"]) if match["y"] else financial_year
        return quarter_end(year, int(match["q"])) if year else None
    return None


def parse_due(text: str, *, financial_year: int | None = None) -> tuple[dt.date | None, str]:
    """(the date meant or None, the words as written); an ISO date alone gives (date, "").

    `financial_year` (the April it starts) dates a bare "Quarter 3"; without it a quarter stays words.
    """
    written = (text or "").strip()
    if not written:
        return None, ""
    if _ISO.match(written):
        try:
            return dt.date.fromisoformat(written), ""
        except ValueError:
            return None, written
    try:
        return _date_meant(written, financial_year), written
    except (ValueError, OverflowError):  # "31/02/2015", a year out of range: words only
        return None, written


_MONEY = re.compile(
    r"^(?:£\s*)?(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d{1,2})?\s*(?P<scale>k|m|thousand|million)?"
    r"(?:\s*pounds)?\.?$",
    re.I,
)
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
_SCALE = {"k": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000}


def parse_money(text: str) -> tuple[Decimal | None, str]:
    """(the amount in pounds or None, the words as written); a plain number alone gives (amount, "")."""
    written = (text or "").strip()
    if not written:
        return None, ""
    if _PLAIN.match(written) and len(written) <= 30:
        return Decimal(written), ""
    match = _MONEY.match(written)
    if not match:
        return None, written
    try:
        amount = Decimal(match["number"].replace(",", "") + (match["fraction"] or ""))
    except InvalidOperation:
        return None, written
    if match["scale"]:
        amount = (amount * _SCALE[match["scale"].lower()]).normalize()
        amount = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    return amount, written
