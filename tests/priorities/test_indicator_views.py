"""Indicator pages and the readings API: who may see and record what; another partnership's is a 404."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from csp.models import PartnershipPopulation
from priorities.models import Indicator, IndicatorReading, IndicatorTarget
from tests.factories import IndicatorFactory, IndicatorReadingFactory, PartnershipFactory, QuarterFactory

pytestmark = pytest.mark.django_db
ROLES = ["coordinator", "analyst", "lead_officer", "group_chair", "viewer"]
RECORDERS = {"coordinator", "analyst", "lead_officer"}
TARGET_SETTERS = {"coordinator", "analyst"}


@pytest.fixture
def indicator(partnership):
    QuarterFactory(partnership=partnership, number=1)
    QuarterFactory(partnership=partnership, number=2)
    PartnershipPopulation.objects.create(partnership=partnership, financial_year=2014, population=84_000)
    return IndicatorFactory(partnership=partnership, code="ASB1", name="ASB", unit=Indicator.Unit.RATE_PER_1000)


@pytest.fixture
def elsewhere():
    other = PartnershipFactory()
    return IndicatorReadingFactory(indicator=IndicatorFactory(partnership=other)).indicator


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_list_and_an_indicator(role, indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, role))
    assert client.get(reverse("indicators:list")).status_code == 200
    page = client.get(reverse("indicators:detail", args=[indicator.pk]))
    assert page.status_code == 200
    assert ("Record a figure" in page.content.decode()) == (role in RECORDERS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["detail", "targets"])
def test_another_partnerships_indicator_is_404_for_every_role(role, page, indicator, elsewhere, make_member, client):
    client.force_login(make_member(indicator.partnership, role))
    assert client.get(reverse(f"indicators:{page}", args=[elsewhere.pk])).status_code == 404
    assert client.post(reverse(f"indicators:{page}", args=[elsewhere.pk]), {}).status_code == 404
    assert str(elsewhere) not in client.get(reverse("indicators:list")).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_recording_a_figure_from_the_page(role, indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, role))
    period = indicator.partnership.reporting_periods.get(number=1)
    response = client.post(reverse("indicators:detail", args=[indicator.pk]), {"period": period.pk, "value": "420"})
    if role in RECORDERS:
        assert response.status_code == 302
        assert IndicatorReading.objects.get(indicator=indicator).value == Decimal("420")
        page = client.get(response["Location"]).content.decode()
        assert "The figure for Q1 2014/15 was recorded." in page
        assert "5.00" in page  # 420 / 84,000 x 1,000
    else:
        assert response.status_code == 403
        assert not IndicatorReading.objects.exists()


def test_bad_figures_get_messages_next_to_the_field(indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, "analyst"))
    response = client.post(reverse("indicators:detail", args=[indicator.pk]), {"period": "", "value": "lots"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the reporting period" in page
    assert "Enter the figure as a number, like 198 or 12.5" in page
    other_period = QuarterFactory(partnership=PartnershipFactory())
    response = client.post(reverse("indicators:detail", args=[indicator.pk]), {"period": other_period.pk, "value": "1"})
    assert "Choose the reporting period" in response.content.decode()
    assert not IndicatorReading.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_targets_and_tolerance_are_set_by_coordinators_and_analysts(role, indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, role))
    url = reverse("indicators:targets", args=[indicator.pk])
    response = client.post(url, {"tolerance_percent": "3", "target_2014": "4.5"})
    if role in TARGET_SETTERS:
        assert response.status_code == 302
        assert IndicatorTarget.objects.get(indicator=indicator, financial_year=2014).value == Decimal("4.5")
        assert Indicator.objects.get(pk=indicator.pk).tolerance_percent == Decimal("3")
    else:
        assert response.status_code == 403
        assert client.get(url).status_code == 403


def test_targets_form_errors(indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, "analyst"))
    response = client.post(
        reverse("indicators:targets", args=[indicator.pk]), {"tolerance_percent": "150", "target_2014": "x"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a tolerance of 100 or less" in page
    assert "Enter the target as a number" in page


@pytest.mark.parametrize("role", ROLES)
def test_upload_page(role, indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, role))
    data = b"Indicator,Period,Value\nASB1,Q1 2014/15,420\nASB1,Q2 2014/15,436\n"
    upload = SimpleUploadedFile("readings.csv", data, content_type="text/csv")
    response = client.post(reverse("indicators:upload"), {"partnership": indicator.partnership_id, "file": upload})
    if role in RECORDERS:
        assert response.status_code == 302
        assert IndicatorReading.objects.filter(indicator=indicator).count() == 2
    else:
        assert response.status_code == 403
        assert not IndicatorReading.objects.exists()


def test_an_upload_with_bad_rows_lists_them_and_saves_nothing(indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, "analyst"))
    data = b"Indicator,Period,Value\nASB1,Q1 2014/15,420\nNOPE,Q2 2014/15,436\n"
    upload = SimpleUploadedFile("readings.csv", data, content_type="text/csv")
    response = client.post(reverse("indicators:upload"), {"partnership": indicator.partnership_id, "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was saved" in page
    assert "Row 3: no indicator &#x27;NOPE&#x27; in this partnership" in page
    assert not IndicatorReading.objects.exists()


def test_a_hostile_workbook_is_refused_on_the_page_with_the_shared_rule_and_saves_nothing(
    indicator, make_member, client
):
    client.force_login(make_member(indicator.partnership, "analyst"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # what a macro-enabled workbook renamed .xlsx holds
        archive.writestr(
            "[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        archive.writestr("xl/vbaProject.bin", b"macro")
    upload = SimpleUploadedFile("readings.xlsx", buffer.getvalue())
    response = client.post(reverse("indicators:upload"), {"partnership": indicator.partnership_id, "file": upload})
    assert response.status_code == 400
    assert "The file contains macros" in response.content.decode()
    assert not IndicatorReading.objects.exists()


def test_a_file_over_2_mb_is_refused_beside_the_field(indicator, make_member, client):
    client.force_login(make_member(indicator.partnership, "analyst"))
    upload = SimpleUploadedFile("readings.csv", b"x" * (2 * 1024 * 1024 + 1), content_type="text/csv")
    response = client.post(reverse("indicators:upload"), {"partnership": indicator.partnership_id, "file": upload})
    assert response.status_code == 400
    assert "The file is larger than 2 MB" in response.content.decode()
    assert not IndicatorReading.objects.exists()


def test_an_upload_to_another_partnership_is_refused(indicator, elsewhere, make_member, client):
    client.force_login(make_member(indicator.partnership, "analyst"))
    upload = SimpleUploadedFile("r.csv", b"Indicator,Period,Value\n", content_type="text/csv")
    response = client.post(reverse("indicators:upload"), {"partnership": elsewhere.partnership_id, "file": upload})
    assert response.status_code == 400
    assert "Choose the partnership" in response.content.decode()


def test_the_list_runs_a_constant_number_of_queries(indicator, make_member, client, django_assert_max_num_queries):
    client.force_login(make_member(indicator.partnership, "viewer"))
    quarter = indicator.partnership.reporting_periods.get(number=1)
    IndicatorReadingFactory(indicator=indicator, period=quarter, value=400)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("indicators:list"))
    for n in range(12):
        extra = IndicatorFactory(partnership=indicator.partnership, name=f"Extra {n}")
        IndicatorReadingFactory(indicator=extra, period=quarter, value=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("indicators:list"))


@pytest.mark.parametrize("role", ["analyst", "lead_officer", "coordinator"])
def test_readings_api_records_through_the_service(role, indicator, make_member):
    api = APIClient()
    api.force_authenticate(make_member(indicator.partnership, role))
    period = indicator.partnership.reporting_periods.get(number=1)
    response = api.post(
        "/api/indicator-readings/", {"indicator": indicator.pk, "period": period.pk, "value": "420"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["figure"] == "5.00"
    reading_id = response.json()["id"]
    # A figure the service refuses is a 400 naming the field; nothing is written.
    second = indicator.partnership.reporting_periods.get(number=2)
    refused = api.post(
        "/api/indicator-readings/", {"indicator": indicator.pk, "period": second.pk, "value": "-1"}, format="json"
    )
    assert refused.status_code == 400
    assert "Enter a figure of 0 or more" in str(refused.json())
    assert not IndicatorReading.objects.filter(period=second).exists()
    # A changed figure is a PATCH of the period's one reading, kept in the history.
    changed = api.patch(f"/api/indicator-readings/{reading_id}/", {"value": "436"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["figure"] == "5.19"
    assert IndicatorReading.objects.get(pk=reading_id).history.count() == 2


def test_readings_api_refuses_viewers_and_other_partnerships(indicator, elsewhere, make_member):
    api = APIClient()
    api.force_authenticate(make_member(indicator.partnership, "viewer"))
    period = indicator.partnership.reporting_periods.get(number=1)
    denied = api.post(
        "/api/indicator-readings/", {"indicator": indicator.pk, "period": period.pk, "value": "4"}, format="json"
    )
    assert denied.status_code == 403
    api.force_authenticate(make_member(indicator.partnership, "analyst"))
    foreign = api.post(
        "/api/indicator-readings/", {"indicator": elsewhere.pk, "period": period.pk, "value": "4"}, format="json"
    )
    assert foreign.status_code == 400  # another partnership's indicator is not a choice
    assert not IndicatorReading.objects.filter(indicator=indicator).exists()
