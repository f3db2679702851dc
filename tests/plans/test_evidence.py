"""Issue 14 point 4: evidence on updates, checked by content, private, served only to who may see it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from plans.models import UpdateEvidence
from tests.factories import MembershipFactory, PartnershipFactory, QuarterlyUpdateFactory
from tests.plans.test_updates_services import domestic_abuse_item

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def item(settings, tmp_path):
    settings.CSP_EVIDENCE_MAX_BYTES = 50_000
    settings.MEDIA_ROOT = tmp_path
    item = domestic_abuse_item()
    item.update = QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state="draft")
    return item


def _upload(client, item, name, data):
    return client.post(
        reverse("plans:update_evidence", args=[item.update.pk]), {"file": SimpleUploadedFile(name, data)}
    )


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("figures.xlsx", None, "spreadsheetml.sheet"),
    ],
)
def test_a_lead_attaches_files_checked_by_content(item, client, name, data, kind):
    client.force_login(item.lead_user)
    response = _upload(client, item, name, data if data is not None else _xlsx())
    assert response.status_code == 302
    evidence = UpdateEvidence.objects.get()
    assert evidence.filename == name
    assert kind in evidence.content_type
    assert name not in evidence.file.name  # stored under a random name
    page = client.get(reverse("plans:objective_detail", args=[item.objective.pk])).content.decode()
    assert name in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "must be a PDF, a Word or Excel document"),
        ("evil.pdf.exe", b"MZ\x90\x00" + b"\x00" * 100, "must be a PDF, a Word or Excel document"),
        ("big.pdf", PDF + b"0" * 60_000, "must be smaller than"),
    ],
)
def test_wrong_or_large_files_are_refused_with_a_message(item, client, name, data, message):
    client.force_login(item.lead_user)
    response = _upload(client, item, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not UpdateEvidence.objects.exists()


def test_download_is_an_attachment_for_readers_and_404_elsewhere(item, client):
    client.force_login(item.lead_user)
    _upload(client, item, "report.pdf", PDF)
    evidence = UpdateEvidence.objects.get()
    viewer = MembershipFactory(partnership=item.partnership, roles=("viewer",)).user
    client.force_login(viewer)
    response = client.get(reverse("plans:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]
    outsider = MembershipFactory(partnership=PartnershipFactory(), roles=("coordinator",)).user
    client.force_login(outsider)
    assert client.get(reverse("plans:evidence_download", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("plans:update_evidence", args=[item.update.pk])).status_code == 404
    assert client.post(reverse("plans:evidence_remove", args=[evidence.pk])).status_code == 404


def test_only_writers_attach_and_remove_and_removal_is_archived(item, client):
    viewer = MembershipFactory(partnership=item.partnership, roles=("viewer",)).user
    client.force_login(viewer)
    assert _upload(client, item, "report.pdf", PDF).status_code == 403
    client.force_login(item.lead_user)
    _upload(client, item, "report.pdf", PDF)
    evidence = UpdateEvidence.objects.get()
    client.force_login(viewer)
    assert client.post(reverse("plans:evidence_remove", args=[evidence.pk])).status_code == 403
    client.force_login(item.lead_user)
    assert client.post(reverse("plans:evidence_remove", args=[evidence.pk])).status_code == 302
    evidence.refresh_from_db()
    assert evidence.archived_at is not None  # kept, not deleted
    assert client.get(reverse("plans:evidence_download", args=[evidence.pk])).status_code == 404


def test_a_submitted_update_takes_no_new_evidence(item, client):
    item.update.state = "submitted"
    item.update.save()
    client.force_login(item.lead_user)
    response = _upload(client, item, "report.pdf", PDF)
    assert response.status_code == 400
    assert "while the update is a draft or returned" in response.content.decode()
