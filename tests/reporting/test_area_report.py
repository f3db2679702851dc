"""An area summary over a chosen set of the area's partnerships, naming those left out."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting.exports import report_xlsx
from reporting.models import ReportJob
from reporting.rendering import report_templates
from reporting.services import report_request
from tests.factories import AreaFactory, AreaMembershipFactory, MembershipFactory, PartnershipFactory
from tests.reporting.conftest import build_report_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def herts():
    area = AreaFactory(name="Hertfordshire", slug="hertfordshire")
    stevenage = PartnershipFactory(area=area, name="Stevenage CSP")
    east_herts = PartnershipFactory(area=area, name="East Herts CSP")
    plans = {p.name: build_report_plan(p, title=f"{p.name} plan") for p in (stevenage, east_herts)}
    return area, stevenage, east_herts, plans


@pytest.fixture
def analyst(herts):
    return AreaMembershipFactory(area=herts[0]).user


def _ask(client, area, partnerships, quarter="2014-2"):
    return client.post(
        reverse("areas:report", args=[area.slug]), {"partnerships": [p.pk for p in partnerships], "quarter": quarter}
    )


def test_the_form_ticks_every_partnership_of_the_area_at_first(herts, analyst, client):
    area, stevenage, east_herts, _ = herts
    client.force_login(analyst)

    html = client.get(reverse("areas:report", args=[area.slug])).content.decode()

    assert html.count('type="checkbox"') == 2
    assert html.count(" checked>") == 2
    assert "Stevenage CSP" in html
    assert "East Herts CSP" in html
    assert '<option value="2014-2">Q2 2014/15</option>' in html


def test_a_report_of_one_partnership_names_the_one_left_out(herts, analyst, client, django_capture_on_commit_callbacks):
    area, stevenage, east_herts, plans = herts
    client.force_login(analyst)

    with django_capture_on_commit_callbacks():
        response = _ask(client, area, [east_herts])

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_detail", args=[job.pk])
    assert list(job.covered_partnerships.all()) == [east_herts]
    assert list(job.left_out_partnerships.all()) == [stevenage]
    assert job.area == area
    assert job.period == plans["East Herts CSP"].q2
    _, body = report_templates(job)
    assert "Not included: Stevenage CSP." in body
    assert "East Herts CSP plan" in body
    assert "Stevenage CSP plan" not in body
    detail = client.get(response["Location"]).content.decode()
    assert "Not included: Stevenage CSP." in detail


def test_a_report_of_every_partnership_says_all_are_included(
    herts, analyst, client, django_capture_on_commit_callbacks
):
    area, stevenage, east_herts, _ = herts
    client.force_login(analyst)

    with django_capture_on_commit_callbacks():
        _ask(client, area, [stevenage, east_herts])

    job = ReportJob.objects.get()
    _, body = report_templates(job)
    assert "All partnerships of the area are included." in body
    assert "Not included" not in body
    workbook = load_workbook(io.BytesIO(report_xlsx(job)))
    assert workbook["Coverage"]["A1"].value == "All partnerships of the area are included."


def test_the_xlsx_names_those_left_out(herts, analyst, django_capture_on_commit_callbacks):
    area, stevenage, east_herts, plans = herts
    with django_capture_on_commit_callbacks():
        job = report_request(
            user=analyst,
            kind="area",
            period=plans["Stevenage CSP"].q2,
            partnership=stevenage,
            partnerships=[stevenage],
        )
    workbook = load_workbook(io.BytesIO(report_xlsx(job)))
    assert workbook["Coverage"]["A1"].value == "Not included: East Herts CSP."
    data = workbook.worksheets[0]
    assert {row[1] for row in data.iter_rows(min_row=2, values_only=True)} == {"Stevenage CSP"}


def test_a_partnership_of_another_area_cannot_be_chosen(herts, analyst, client, django_capture_on_commit_callbacks):
    area, stevenage, _, _ = herts
    hastings = PartnershipFactory(area=AreaFactory(name="Sussex", slug="sussex"), name="Hastings CSP")
    build_report_plan(hastings)
    client.force_login(analyst)

    with django_capture_on_commit_callbacks():
        response = _ask(client, area, [stevenage, hastings])

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select a valid choice" in html
    assert 'href="#id_partnerships_0"' in html
    assert not ReportJob.objects.exists()


def test_the_service_refuses_a_chosen_set_outside_the_area(herts, analyst, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    area, stevenage, _, plans = herts
    hastings = PartnershipFactory(area=AreaFactory(name="Sussex", slug="sussex"))
    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks():
        report_request(
            user=analyst,
            kind="area",
            period=plans["Stevenage CSP"].q2,
            partnership=stevenage,
            partnerships=[stevenage, hastings],
        )
    assert "partnerships" in error.value.message_dict
    assert not ReportJob.objects.exists()


def test_choosing_none_is_an_error_beside_the_field(herts, analyst, client):
    area, _, _, _ = herts
    client.force_login(analyst)

    response = client.post(reverse("areas:report", args=[area.slug]), {"quarter": "2014-2"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one partnership to include" in html
    assert 'id="id_partnerships-error"' in html
    assert not ReportJob.objects.exists()


def test_identical_requests_queue_one_job_and_a_different_set_another(
    herts, analyst, client, django_capture_on_commit_callbacks
):
    area, stevenage, east_herts, _ = herts
    client.force_login(analyst)

    with django_capture_on_commit_callbacks():
        _ask(client, area, [east_herts])
        _ask(client, area, [east_herts])
        _ask(client, area, [stevenage, east_herts])

    assert ReportJob.objects.count() == 2
    sets = sorted(sorted(p.name for p in job.covered_partnerships.all()) for job in ReportJob.objects.all())
    assert sets == [["East Herts CSP"], ["East Herts CSP", "Stevenage CSP"]]


def test_a_report_naming_a_partnership_is_hidden_from_who_cannot_see_it(
    herts, analyst, client, django_capture_on_commit_callbacks
):
    area, stevenage, east_herts, _ = herts
    client.force_login(analyst)
    with django_capture_on_commit_callbacks():
        _ask(client, area, [east_herts])
    job = ReportJob.objects.get()
    # East Herts' own coordinator sees East Herts only; the report names Stevenage as left out.
    coordinator = MembershipFactory(partnership=east_herts, roles=("coordinator",)).user
    client.force_login(coordinator)

    assert client.get(reverse("reporting:report_detail", args=[job.pk])).status_code == 404


def test_a_partnership_coordinator_gets_the_area_summary_of_what_they_see(
    herts, client, django_capture_on_commit_callbacks
):
    _, stevenage, _, plans = herts
    coordinator = MembershipFactory(partnership=stevenage, roles=("coordinator",)).user
    with django_capture_on_commit_callbacks():
        job = report_request(user=coordinator, kind="area", period=plans["Stevenage CSP"].q2)

    assert list(job.covered_partnerships.all()) == [stevenage]
    _, body = report_templates(job)
    assert "Only the partnerships of Hertfordshire that the person who asked may see are included." in body
    assert "East Herts" not in body
