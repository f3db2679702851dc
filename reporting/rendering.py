"""HTML to PDF with WeasyPrint, fetching nothing but our own static files."""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .content import report_content
from .models import ReportJob

# Relative links in the report resolve against this base; nothing is ever fetched from it.
REPORT_BASE_URL = "https://csp-report.invalid/"


class StaticOnlyURLFetcher(URLFetcher):
    """Serves /static/... from the staticfiles finders and refuses everything else.

    A report carries text people typed; a URL in it must never make the worker read a local file
    (file://) or call another host (server-side request forgery).
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https", "data"], allow_redirects=False)
        self._static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        self._origin = urlsplit(REPORT_BASE_URL).netloc

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "https" or parts.netloc != self._origin:
            raise ValueError(f"report refused to fetch {url!r}: only our own static files")
        path = posixpath.normpath(unquote(parts.path))
        if not path.startswith(self._static_prefix) or ".." in path.split("/"):
            raise ValueError(f"report refused to fetch {url!r}: not a static file")
        found = finders.find(path.removeprefix(self._static_prefix))
        if not found:
            raise ValueError(f"report refused to fetch {url!r}: no such static file")
        mime, _ = mimetypes.guess_type(found)
        return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime or "application/octet-stream"})


def html_to_pdf(html: str) -> bytes:
    """A tagged (PDF/UA-1) PDF of the given report HTML."""
    return HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def report_templates(job: ReportJob) -> tuple[str, str]:
    """The print document (for WeasyPrint) and its body (for the HTML page) of a job."""
    context = report_content(job)
    body = render_to_string(f"reporting/body/{job.kind}.html", context)
    document = render_to_string("reporting/pdf/document.html", {**context, "body": body})
    return document, body
