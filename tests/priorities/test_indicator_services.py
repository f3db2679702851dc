"""Recording indicator readings, one at a time and from files, including hostile files."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import Workbook

from csp.models import PartnershipPopulation
from priorities.models import Indicator, IndicatorReading, IndicatorTarget
from priorities.selectors import indicator_summary
from priorities.services import UploadErrors, indicator_settings_update, reading_record, readings_upload
from tests.factories import IndicatorFactory, PartnershipFactory, QuarterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    partnership = PartnershipFactory()
    quarters = [QuarterFactory(partnership=partnership, financial_year=2014, number=n) for n in (1, 2, 3, 4)]
    asb = IndicatorFactory(
        partnership=partnership, code="ASB1", name="ASB per 1000 head of population", unit=Indicator.Unit.RATE_PER_1000
    )
    fires = IndicatorFactory(partnership=partnership, name="Deliberate fires", unit=Indicator.Unit.COUNT)
    PartnershipPopulation.objects.create(partnership=partnership, financial_year=2014, population=84_000)
    return partnership, quarters, asb, fires


def test_a_reading_is_recorded_then_replaced_with_history(world):
    partnership, quarters, asb, _ = world
    reading, created = reading_record(indicator=asb, period=quarters[0], value=Decimal("420"), note="Police data")
    assert created
    again, created = reading_record(indicator=asb, period=quarters[0], value=Decimal("445"))
    assert not created
    assert again.pk == reading.pk
    assert IndicatorReading.objects.get(pk=reading.pk).value == Decimal("445")
    assert [h.value for h in reading.history.order_by("history_date")] == [Decimal("420"), Decimal("445")]


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("count", Decimal("-1"), "Enter a figure of 0 or more"),
        ("percentage", Decimal("101"), "Enter a percentage of 100 or less"),
    ],
)
def test_impossible_figures_are_refused(world, unit, value, message):
    _, quarters, asb, _ = world
    asb.unit = unit
    with pytest.raises(ValidationError) as exc:
        reading_record(indicator=asb, period=quarters[0], value=value)
    assert exc.value.message_dict["value"] == [message]
    assert not IndicatorReading.objects.exists()


def test_a_period_of_another_partnership_is_refused(world):
    _, _, asb, _ = world
    elsewhere = QuarterFactory(partnership=PartnershipFactory())
    with pytest.raises(ValidationError) as exc:
        reading_record(indicator=asb, period=elsewhere, value=Decimal("1"))
    assert "period" in exc.value.message_dict


def test_summary_gives_rates_targets_statuses_and_travel(world):
    _, quarters, asb, _ = world
    indicator_settings_update(indicator=asb, tolerance_percent=Decimal("5"), targets_by_year={2014: Decimal("5.00")})
    for quarter, count in zip(quarters, ("420", "436", "441", "378"), strict=True):
        reading_record(indicator=asb, period=quarter, value=Decimal(count))
    summary = indicator_summary(Indicator.objects.get(pk=asb.pk))
    # 420 / 84,000 x 1,000 = 5.00 (green); 436 -> 5.19 (amber, within 5%); 441 -> 5.25 (amber: 5% is 5.25);
    # 378 -> 4.50 (green).
    assert [p.figure for p in summary.points] == [Decimal("5.00"), Decimal("5.19"), Decimal("5.25"), Decimal("4.50")]
    assert [p.status for p in summary.points] == ["green", "amber", "amber", "green"]
    assert summary.travel_since_previous == "improving"
    assert summary.same_period_last_year is None
    assert summary.travel_since_last_year is None


def test_targets_per_year_can_be_removed(world):
    _, _, asb, _ = world
    indicator_settings_update(indicator=asb, tolerance_percent=Decimal("3"), targets_by_year={2014: Decimal("4")})
    indicator_settings_update(indicator=asb, tolerance_percent=Decimal("3"), targets_by_year={2014: None})
    assert not IndicatorTarget.objects.exists()
    assert IndicatorTarget.history.count() == 2  # made, then removed: both kept


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_upload_records_every_row(world):
    partnership, _, asb, fires = world
    data = b"Indicator,Period,Value,Note\nASB1,Q1 2014/15,420,Police\nDeliberate fires,2014/15 Q2,12,\n"
    result = readings_upload(partnership=partnership, name="readings.csv", data=data)
    assert (result.created, result.updated) == (2, 0)
    assert IndicatorReading.objects.get(indicator=fires).value == Decimal("12")


def test_xlsx_upload_records_every_row(world):
    partnership, _, asb, _ = world
    data = _xlsx([["Indicator code", "Quarter", "Figure"], ["asb1", "Q3 2014/15", 441], ["ASB1", "Q4 2014-15", "378"]])
    result = readings_upload(partnership=partnership, name="READINGS.XLSX", data=data)
    assert result.created == 2
    assert sorted(IndicatorReading.objects.values_list("value", flat=True)) == [Decimal("378"), Decimal("441")]


def test_one_bad_row_and_nothing_is_written(world):
    partnership, _, _, _ = world
    data = (
        b"Indicator,Period,Value\n"
        b"ASB1,Q1 2014/15,420\n"
        b"Burglary,Q1 2014/15,5\n"
        b"ASB1,Q9 2014/15,5\n"
        b"ASB1,Q2 2014/15,lots\n"
        b"ASB1,Q1 2014/15,421\n"
        b"Deliberate fires,Q1 2014/15,-3\n"
    )
    with pytest.raises(UploadErrors) as exc:
        readings_upload(partnership=partnership, name="r.csv", data=data)
    messages = exc.value.messages
    assert messages[0] == "Row 3: no indicator 'Burglary' in this partnership"
    assert messages[1].startswith("Row 4: no reporting period 'Q9 2014/15'")
    assert messages[2] == "Row 5: the value 'lots' is not a number"
    assert messages[3] == "Row 6: the same indicator and period are given twice"
    assert messages[4] == "Row 7: enter a figure of 0 or more"
    assert not IndicatorReading.objects.exists()


def test_indicators_of_another_partnership_are_not_matched(world):
    partnership, _, _, _ = world
    other = PartnershipFactory()
    IndicatorFactory(partnership=other, code="OTHER1", name="Their indicator")
    with pytest.raises(UploadErrors) as exc:
        readings_upload(partnership=partnership, name="r.csv", data=b"Indicator,Period,Value\nOTHER1,Q1 2014/15,1\n")
    assert "no indicator 'OTHER1'" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.txt", b"Indicator,Period,Value\n", "The file must be a CSV or an Excel workbook (.xlsx)"),
        ("r.csv", b"", "The file is empty"),
        ("r.csv", b"PK\x03\x04not really a csv", "The file is not a CSV file saved as text (UTF-8)"),
        ("r.csv", b"Indicator,Period,Value\x00\n\xff\xfe", "The file is not a CSV file saved as text (UTF-8)"),
        ("r.xlsx", b"Indicator,Period,Value\n", "The file is not an Excel workbook (.xlsx) that can be opened"),
        ("r.xlsx", b"PK\x03\x04broken zip", "The file is damaged and cannot be opened"),
        ("r.csv", b"Name,When\nASB1,Q1\n", "The first row must name the columns"),
        ("r.csv", b"x" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB"),
    ],
)
def test_hostile_or_wrong_files_get_a_clear_message_and_nothing_is_written(world, name, data, message):
    partnership, _, _, _ = world
    with pytest.raises(UploadErrors) as exc:
        readings_upload(partnership=partnership, name=name, data=data)
    assert exc.value.messages[0].startswith(message)
    assert not IndicatorReading.objects.exists()


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(world):
    partnership, _, _, _ = world
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(UploadErrors) as exc:
        readings_upload(partnership=partnership, name="bomb.xlsx", data=buffer.getvalue())
    assert exc.value.messages == ["The file unpacks to more than 50 MB, so it will not be opened"]


def test_too_many_rows_are_refused(world):
    partnership, _, _, _ = world
    data = ("Indicator,Period,Value\n" + "ASB1,Q1 2014/15,1\n" * 5_001).encode()
    with pytest.raises(UploadErrors) as exc:
        readings_upload(partnership=partnership, name="r.csv", data=data)
    assert "more than 5,000 rows" in exc.value.messages[0]


def _rezipped(data: bytes, *, replace=None, add=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def _hostile_workbooks():
    plain = _xlsx([["Indicator", "Period", "Value"], ["ASB1", "Q1 2014/15", 420]])
    sheet = zipfile.ZipFile(io.BytesIO(plain)).read("xl/worksheets/sheet1.xml").decode()
    doctype = '<!DOCTYPE x [<!ENTITY e "aaaa">]>' + sheet.split("?>", 1)[-1]
    word = io.BytesIO()
    Document().save(word)
    # An Office file saved with a password: a compound file holding an EncryptionInfo stream.
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
    return [
        (_rezipped(plain, add={"xl/vbaProject.bin": b"macro"}), "The file contains macros"),
        (_rezipped(plain, replace={"xl/worksheets/sheet1.xml": doctype.encode()}), "The file contains XML declaration"),
        (encrypted, "The file is password-protected"),
        (b"%PDF-1.4 not a workbook", "The file is not an Excel workbook (.xlsx) that can be opened"),
        (word.getvalue(), "The file is not an Excel workbook (.xlsx) that can be opened"),
    ]


@pytest.mark.parametrize(("data", "message"), _hostile_workbooks())
def test_hostile_workbooks_meet_the_same_rules_as_a_plan_import(world, data, message):
    partnership, _, _, _ = world
    with pytest.raises(UploadErrors) as exc:
        readings_upload(partnership=partnership, name="r.xlsx", data=data)
    assert exc.value.messages[0].startswith(message)
    assert not IndicatorReading.objects.exists()


def test_a_workbook_claiming_a_huge_sheet_is_read_by_its_cells_not_its_claimed_size(world):
    partnership, quarters, asb, _ = world
    data = _xlsx([["Indicator", "Period", "Value"], ["ASB1", "Q1 2014/15", "=400+20"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.replace('<dimension ref="A1:C2"/>', '<dimension ref="A1:XFD1048576"/>')
    sheet = sheet.replace("<f>400+20</f><v></v>", "<f>400+20</f><v>420</v>")  # the figure Excel saved
    assert "XFD1048576" in sheet
    assert "<v>420</v>" in sheet
    result = readings_upload(
        partnership=partnership,
        name="r.xlsx",
        data=_rezipped(data, replace={"xl/worksheets/sheet1.xml": sheet.encode()}),
    )
    assert result.created == 1
    assert IndicatorReading.objects.get(indicator=asb, period=quarters[0]).value == Decimal("420")
