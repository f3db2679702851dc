"""Report pages: access (another partnership's report is a 404), asking, progress, downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting.models import ReportJob
from tests.factories import PartnershipFactory
from tests.reporting.conftest import build_report_plan, pdf_text


@pytest.fixture
def done_job(partnership, make_member, report_plan, client, django_capture_on_commit_callbacks):
    analyst = make_member(partnership, "analyst")
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:report_list"),
            {"kind": "board", "plan": report_plan.plan.pk, "period": report_plan.q2.pk},
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting:report_detail", args=[job.pk])
    return job


def test_analyst_asks_for_a_board_report_and_gets_a_pdf(done_job, client):
    response = client.get(reverse("reporting:report_pdf", args=[done_job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    done_job.refresh_from_db()
    assert "1.1 Run a domestic abuse awareness campaign" in pdf_text(done_job)


@pytest.mark.parametrize(
    "url_name",
    ["report_detail", "report_status", "report_pdf", "report_html", "report_export_xlsx", "report_export_csv"],
)
def test_another_partnerships_report_is_a_404(done_job, client, make_member, url_name):
    client.force_login(make_member(PartnershipFactory(), "coordinator"))
    if url_name.startswith("report_export"):
        url = reverse("reporting:report_export", args=[done_job.pk, url_name.rsplit("_", 1)[1]])
    else:
        url = reverse(f"reporting:{url_name}", args=[done_job.pk])
    assert client.get(url).status_code == 404


def test_another_partnerships_report_cannot_be_retried(done_job, client, make_member):
    client.force_login(make_member(PartnershipFactory(), "coordinator"))
    assert client.post(reverse("reporting:report_retry", args=[done_job.pk])).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "lead_officer"])
def test_readers_see_reports_but_no_request_form(done_job, partnership, client, make_member, role):
    client.force_login(make_member(partnership, role))
    page = client.get(reverse("reporting:report_list")).content.decode()
    assert "Ask for the report" not in page
    assert reverse("reporting:report_detail", args=[done_job.pk]) in page
    assert client.get(reverse("reporting:report_pdf", args=[done_job.pk])).status_code == 200


def test_a_viewer_posting_the_form_cannot_ask(partnership, report_plan, client, make_member):
    client.force_login(make_member(partnership, "viewer"))
    response = client.post(
        reverse("reporting:report_list"), {"kind": "board", "plan": report_plan.plan.pk, "period": report_plan.q2.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_wrong_period_kind_shows_an_error_next_to_the_field(partnership, report_plan, client, make_member):
    client.force_login(make_member(partnership, "analyst"))
    response = client.post(
        reverse("reporting:report_list"), {"kind": "pcc", "plan": report_plan.plan.pk, "period": report_plan.q2.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_period"' in page
    assert "Choose a half-year" in page


def test_missing_choices_show_errors(partnership, report_plan, client, make_member):
    client.force_login(make_member(partnership, "analyst"))
    page = client.post(reverse("reporting:report_list"), {}).content.decode()
    assert "Choose which report you want" in page
    assert "Choose the period to report on" in page


def test_progress_partial_polls_until_done(partnership, report_plan, client, make_member):
    user = make_member(partnership, "analyst")
    client.force_login(user)
    job = ReportJob.objects.create(kind="board", partnership=partnership, plan=report_plan.plan, period=report_plan.q2)
    queued = client.get(reverse("reporting:report_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in queued.content.decode()
    assert "Queued" in queued.content.decode()
    assert "HX-Request" in queued["Vary"]
    ReportJob.objects.filter(pk=job.pk).update(state="failed", failure_reason="RuntimeError: fonts missing")
    failed = client.get(reverse("reporting:report_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in failed
    assert "Reason: RuntimeError: fonts missing" in failed
    assert "Try again" in failed


def test_without_javascript_the_job_page_offers_a_refresh_link(partnership, report_plan, client, make_member):
    client.force_login(make_member(partnership, "analyst"))
    job = ReportJob.objects.create(kind="board", partnership=partnership, plan=report_plan.plan, period=report_plan.q2)
    page = client.get(reverse("reporting:report_detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("reporting:report_detail", args=[job.pk])}">Refresh to see its progress' in page


def test_retry_button_requeues_a_failed_job(
    partnership, report_plan, client, make_member, django_capture_on_commit_callbacks
):
    client.force_login(make_member(partnership, "coordinator"))
    job = ReportJob.objects.create(
        kind="board", partnership=partnership, plan=report_plan.plan, period=report_plan.q2, state="failed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:report_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "done"


def test_html_page_shows_the_same_report(done_job, client):
    page = client.get(reverse("reporting:report_html", args=[done_job.pk])).content.decode()
    assert "Exceptions: red and amber" in page
    assert "Event scaled down due to resourcing issues." in page
    assert 'class="govuk-tag app-status govuk-tag--red">Red</strong>' in page


def test_exports_download(done_job, client):
    xlsx = client.get(reverse("reporting:report_export", args=[done_job.pk, "xlsx"]))
    csv_response = client.get(reverse("reporting:report_export", args=[done_job.pk, "csv"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in csv_response["Content-Disposition"]
    assert b"1.1" in b"".join(csv_response.streaming_content)


@pytest.mark.parametrize("count", [5, 50])
def test_report_list_queries_do_not_grow_with_reports(
    partnership, report_plan, client, make_member, django_assert_max_num_queries, count
):
    user = make_member(partnership, "analyst")
    ReportJob.objects.bulk_create(
        ReportJob(
            kind="board", partnership=partnership, plan=report_plan.plan, period=report_plan.q2, requested_by=user
        )
        for _ in range(count)
    )
    client.force_login(user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reporting:report_list"))
    assert response.status_code == 200


def test_list_shows_only_the_users_partnerships_reports(partnership, report_plan, client, make_member):
    other = PartnershipFactory()
    other_plan = build_report_plan(other, title="Other plan")
    ReportJob.objects.create(kind="board", partnership=other, plan=other_plan.plan, period=other_plan.q2)
    client.force_login(make_member(partnership, "analyst"))
    assert "Other plan" not in client.get(reverse("reporting:report_list")).content.decode()
