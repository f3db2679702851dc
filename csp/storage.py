"""Serving stored files (report PDFs, exports, uploads) to someone the view has already authorised."""

from __future__ import annotations

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header


def stored_file_response(
    field_file: FieldFile, *, filename: str, content_type: str, as_attachment: bool = False
) -> HttpResponse:
    """The file streamed from storage, or a redirect to a short-lived signed URL of it.

    The objects themselves are private; only a caller that has checked access (a selector) may
    call this. The redirect (CSP_DOWNLOAD_REDIRECT=1 with object storage) saves the web process
    from streaming large files; the URL expires after AWS_QUERYSTRING_EXPIRE seconds.
    """
    if settings.CSP_DOWNLOAD_REDIRECT and settings.CSP_STORAGE == "s3":
        url = field_file.storage.url(
            field_file.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
            },
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            field_file.open("rb"), content_type=content_type, filename=filename, as_attachment=as_attachment
        )
    # A personal document: no shared cache (a proxy) may keep it or a signed URL to it.
    patch_cache_control(response, private=True, no_store=True)
    return response
