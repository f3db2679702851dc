"""Dates and money as plans write them: a value where one is meant, the words always kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.importing.dates import parse_due, parse_money, quarter_end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2015", (dt.date(2015, 3, 31), "March 2015")),
        ("February 2015", (dt.date(2015, 2, 28), "February 2015")),
        ("May 2011", (dt.date(2011, 5, 31), "May 2011")),
        ("September 2014", (dt.date(2014, 9, 30), "September 2014")),
        ("Sept 2014", (dt.date(2014, 9, 30), "Sept 2014")),
        ("31/03/2015", (dt.date(2015, 3, 31), "31/03/2015")),
        ("31.3.15", (dt.date(2015, 3, 31), "31.3.15")),
        ("2015-03-31", (dt.date(2015, 3, 31), "")),
        ("2015-03-31 14:30", (dt.date(2015, 3, 31), "2015-03-31 14:30")),
        ("31 March 2015", (dt.date(2015, 3, 31), "31 March 2015")),
        ("1st April 2014", (dt.date(2014, 4, 1), "1st April 2014")),
        ("Mar-15", (dt.date(2015, 3, 31), "Mar-15")),
        ("By March 2012", (dt.date(2012, 3, 31), "By March 2012")),
        ("Q3 2014/15", (dt.date(2014, 12, 31), "Q3 2014/15")),
        ("Quarter 4 2014/15", (dt.date(2015, 3, 31), "Quarter 4 2014/15")),
        ("Quarter 3", (None, "Quarter 3")),
        ("Ongoing", (None, "Ongoing")),
        ("On-going", (None, "On-going")),
        ("ongoing", (None, "ongoing")),
        ("April 2014 onwards", (None, "April 2014 onwards")),
        ("TBC", (None, "TBC")),
        ("Quarterly", (None, "Quarterly")),
        ("Autumn 2014", (None, "Autumn 2014")),
        ("Summer 2014\nAs required.", (None, "Summer 2014\nAs required.")),
        ("When necessary and appropriate.", (None, "When necessary and appropriate.")),
        ("1 bi-monthly", (None, "1 bi-monthly")),
        ("Fortnightly\nquarterly", (None, "Fortnightly\nquarterly")),
        ("31/02/2015", (None, "31/02/2015")),
        ("2015-02-30", (None, "2015-02-30")),
        ("  March 2015  ", (dt.date(2015, 3, 31), "March 2015")),
        ("", (None, "")),
    ],
)
def test_due_cell_gives_the_date_meant_and_keeps_the_words(text, expected):
    assert parse_due(text) == expected


def test_a_bare_quarter_is_dated_in_the_plans_financial_year():
    assert parse_due("Quarter 3", financial_year=2014) == (dt.date(2014, 12, 31), "Quarter 3")
    assert parse_due("Q4", financial_year=2014) == (dt.date(2015, 3, 31), "Q4")


def test_quarters_end_where_the_uk_financial_year_says():
    assert [quarter_end(2014, q) for q in (1, 2, 3, 4)] == [
        dt.date(2014, 6, 30),
        dt.date(2014, 9, 30),
        dt.date(2014, 12, 31),
        dt.date(2015, 3, 31),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,500", (Decimal(1500), "£1,500")),
        ("£1,500.50", (Decimal("1500.50"), "£1,500.50")),
        ("£10k", (Decimal(10000), "£10k")),
        ("£2.5k", (Decimal(2500), "£2.5k")),
        ("£1m", (Decimal(1000000), "£1m")),
        ("£250", (Decimal(250), "£250")),
        ("1500.00", (Decimal("1500.00"), "")),
        ("1500", (Decimal(1500), "")),
        ("Within existing resources", (None, "Within existing resources")),
        ("TBC", (None, "TBC")),
        ("Existing resources / officer time", (None, "Existing resources / officer time")),
        ("£500 per year", (None, "£500 per year")),
        ("", (None, "")),
    ],
)
def test_cost_cell_gives_the_amount_meant_and_keeps_the_words(text, expected):
    assert parse_money(text) == expected


@given(st.text(max_size=60))
def test_parse_due_never_raises_and_keeps_the_text(text):
    date, words = parse_due(text)
    if words == "":
        assert text.strip() == "" or date is not None
    else:
        assert words == text.strip()


@given(st.text(max_size=60))
def test_parse_money_never_raises_and_keeps_the_text(text):
    amount, words = parse_money(text)
    assert words in ("", text.strip())
    assert words or amount is not None or not text.strip()


@given(st.dates(min_value=dt.date(1900, 1, 1)), st.sampled_from(["", "March 2015", "Ongoing", "Q3 2014/15"]))
def test_what_the_export_writes_for_a_date_reads_back(date, written):
    # The export writes the date as written when there is one, else the date as ISO (layout.py).
    due_date, due_text = parse_due(written or date.isoformat())
    assert due_text == written
    if not written:
        assert due_date == date


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_what_the_export_writes_for_an_amount_reads_back(amount):
    # The export writes an amount without words as plain digits with two decimals (layout.py).
    assert parse_money(f"{amount:.2f}") == (amount, "")
