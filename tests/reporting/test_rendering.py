"""The PDF renderer fetches only our own static files, and the SVG chart says its figures in words."""

from __future__ import annotations

import pytest
from weasyprint.urls import URLFetchingError, fetch

from csp.models import RagStatus
from reporting.charts import status_bar_chart
from reporting.rendering import REPORT_BASE_URL, StaticOnlyURLFetcher, html_to_pdf


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/reporting/report-print.css",
        "http://csp-report.invalid/static/reporting/report-print.css",
        REPORT_BASE_URL + "static/../../etc/passwd",
        REPORT_BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        REPORT_BASE_URL + "media/reports/1/1/other.pdf",
        "ftp://example.org/x.css",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ValueError, match="refused|disallowed"):
        StaticOnlyURLFetcher().fetch(url)


def test_fetcher_serves_our_static_stylesheet():
    response = StaticOnlyURLFetcher().fetch(REPORT_BASE_URL + "static/reporting/report-print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_weasyprint_turns_a_refused_fetch_into_a_warning_not_a_request():
    with pytest.raises(URLFetchingError), fetch(StaticOnlyURLFetcher(), "file:///etc/hostname"):
        pass


def test_a_report_with_an_outside_image_renders_without_fetching_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not embed")
    html = f'<html lang="en"><title>t</title><body><p>Hi</p><img src="file://{secret}" alt="x"><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></body></html>'
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert b"do not embed" not in pdf


def test_chart_escapes_labels_and_names_statuses_in_words():
    svg = status_bar_chart(
        title="Counts <Q2>",
        bars=[("Drugs & <alcohol>", [(RagStatus.RED, 2), (RagStatus.GREEN, 1)])],
    )
    assert "<alcohol>" not in svg
    assert "Drugs &amp; &lt;alcohol&gt;" in svg
    assert "2 red, 1 green" in svg
    for word in ("Red", "Amber", "Green", "No update", "Update gives no status"):
        assert f">{word}</text>" in svg
