"""Evidence on quarterly updates: files lead officers attach, checked by content, stored privately.

A file is accepted when its content (its magic numbers, read by `filetype`) is a PDF, a Word or
Excel document, or a PNG, JPEG or GIF image, and it is no larger than CSP_EVIDENCE_MAX_BYTES.
The name the user gave it is kept for display and download only; the stored name is random.
Removing evidence archives it (kept, with who, when and why).
"""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename

from csp.selectors import User
from csp.services import mark_archived

from ..models import QuarterlyUpdate, UpdateEvidence
from ..rules import plan_check_writable
from ..selectors.access import can_edit_update

# MIME type found in the content -> the words shown to people.
EVIDENCE_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/msword": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.ms-excel": "Excel workbook",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
}


def evidence_type_of(head: bytes) -> str | None:
    """The MIME type of an allowed kind of file from its first bytes, else None."""
    kind = filetype.guess(head)
    return kind.mime if kind is not None and kind.mime in EVIDENCE_TYPES else None


def _check_may_attach(user: User, update: QuarterlyUpdate) -> None:
    if not can_edit_update(user, update.objective):
        raise PermissionDenied("Only the objective's lead officers (or a coordinator) can attach evidence.")
    plan_check_writable(update.objective.plan)
    if not update.is_editable:
        raise ValidationError({"file": ["Evidence can be added while the update is a draft or returned for changes"]})


def evidence_attach(*, user: User, update: QuarterlyUpdate, upload) -> UpdateEvidence:
    """Attach an uploaded file (a Django UploadedFile) to the update as evidence."""
    _check_may_attach(user, update)
    limit = settings.CSP_EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError({"file": ["The selected file is empty"]})
    if upload.size > limit:
        raise ValidationError({"file": [f"The selected file must be smaller than {limit // (1024 * 1024)} MB"]})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type = evidence_type_of(head)
    if content_type is None:
        raise ValidationError(
            {"file": ["The selected file must be a PDF, a Word or Excel document, or a PNG, JPEG or GIF image"]}
        )
    filename = get_valid_filename(upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:255] or "evidence"
    with transaction.atomic():
        update = QuarterlyUpdate.objects.select_for_update().get(pk=update.pk)
        _check_may_attach(user, update)
        evidence = UpdateEvidence(
            update=update, filename=filename, content_type=content_type, size=upload.size, uploaded_by=user
        )
        evidence.file.save(filename, upload, save=False)
        evidence.save()
    return evidence


def evidence_remove(*, user: User, evidence: UpdateEvidence, reason: str = "") -> UpdateEvidence:
    """Take evidence off an update: archived like every record (who, when and why kept).

    Whoever may write the update may remove its evidence (not only coordinators, as record_archive asks).
    """
    with transaction.atomic():
        locked = (
            UpdateEvidence.objects.select_for_update(of=("self",))
            .select_related("update__objective__plan")
            .get(pk=evidence.pk)
        )
        _check_may_attach(user, locked.update)
        return mark_archived(locked=locked, user=user, reason=reason or "Removed from the update")
