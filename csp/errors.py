"""Error answers in the service's own look: GOV.UK pages for people, JSON for the API. Never a bare 500."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from .context_processors import SERVICE_NAME

API_PREFIX = "/api/"

PAGES = {
    400: ("Sorry, there is a problem with your request", ["Go back and try again."]),
    403: ("You do not have permission to do this", ["Your role in this partnership does not allow it."]),
    404: (
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied it all.",
        ],
    ),
    500: (
        "Sorry, there is a problem with the service",
        ["Try again later.", "Nothing you sent has been saved if this page appeared when you sent it."],
    ),
    413: (
        "What you sent is too large",
        [
            "Nothing has been saved.",
            "Go back, shorten the longest text (each field says how many characters it takes) and try again.",
        ],
    ),
}


def too_large_detail() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request body is too large: the service accepts at most {limit:,} bytes. Nothing was saved."


def error_response(request: HttpRequest, status: int, *, detail: str | None = None) -> HttpResponse:
    """The error as JSON for an API path, else as a GOV.UK page."""
    title, paragraphs = PAGES[status]
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": detail or title}, status=status)
    context = {"page_title": title, "paragraphs": paragraphs}
    return render(request, "errors/error.html", context, status=status)


def request_too_large(request: HttpRequest) -> HttpResponse:
    return error_response(request, 413, detail=too_large_detail())


def bad_request(request, exception=None):
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, other bad requests a 400."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return request_too_large(request)
    return error_response(request, 400)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404, detail="Not found.")


def server_error(request):
    """handler500: rendered without the request's context processors, which may be what failed."""
    title, paragraphs = PAGES[500]
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": title}, status=500)
    context = {"page_title": title, "paragraphs": paragraphs, "SERVICE_NAME": SERVICE_NAME}
    return HttpResponse(loader.render_to_string("errors/error.html", context), status=500)


class RequestSizeLimitMiddleware:
    """Refuse a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before anything reads it.

    Django applies that limit only when request.POST or request.body is read; DRF's JSON parser
    reads the stream itself, so without this an API body would have no limit at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            # A file upload (evidence, a plan to import): the file's own limit is checked by its service.
            limit += max(settings.CSP_EVIDENCE_MAX_BYTES, settings.CSP_IMPORT_MAX_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return request_too_large(request)
        return self.get_response(request)
