"""Report files on S3-compatible object storage (moto in-process): written by the worker, private,
served only by the authorised view, streamed or through a short-lived signed URL."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws

from reporting.models import ReportJob
from tests.factories import PartnershipFactory

BUCKET = "csp-test-reports"
S3_OPTIONS = {
    "bucket_name": BUCKET,
    "region_name": "eu-west-2",
    "access_key": "test-key",
    "secret_key": "test-secret",
    "signature_version": "s3v4",
    "default_acl": "private",
    "querystring_auth": True,
    "querystring_expire": 60,
    "file_overwrite": False,
}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def s3(settings):
    """A private bucket in an in-process S3, and the default storage pointed at it."""
    with mock_aws():
        client = boto3.client(
            "s3", region_name="eu-west-2", aws_access_key_id="test-key", aws_secret_access_key="test-secret"
        )
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS},
        }
        settings.CSP_STORAGE = "s3"
        yield client


@pytest.fixture
def analyst(partnership, make_member, client):
    user = make_member(partnership, "analyst")
    client.force_login(user)
    return user


@pytest.fixture
def stored_job(s3, partnership, report_plan, analyst):
    """A done report whose PDF is in the bucket (written through the storage API, as the worker does)."""
    job = ReportJob.objects.create(kind="board", partnership=partnership, plan=report_plan.plan, period=report_plan.q2)
    job.pdf.save("board.pdf", ContentFile(b"%PDF-1.7 stored in object storage"), save=False)
    job.state = ReportJob.State.DONE
    job.finished_at = timezone.now()
    job.save()
    return job


def test_the_worker_writes_the_report_pdf_to_object_storage(
    s3, report_plan, analyst, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reporting:report_list"),
            {"kind": "board", "plan": report_plan.plan.pk, "period": report_plan.q2.pk},
        )
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.DONE, job.failure_reason
    body = s3.get_object(Bucket=BUCKET, Key=job.pdf.name)["Body"].read()
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == job.checksum
    assert job.pdf.name.startswith(f"reports/{job.partnership_id}/{job.pk}/")


def test_stored_report_objects_are_private(stored_job, s3):
    grants = s3.get_object_acl(Bucket=BUCKET, Key=stored_job.pdf.name)["Grants"]
    assert [g for g in grants if g["Grantee"].get("URI") == ALL_USERS] == []


def test_the_download_view_streams_the_pdf_from_object_storage(stored_job, client):
    response = client.get(reverse("reporting:report_pdf", args=[stored_job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 stored in object storage"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_the_download_view_can_redirect_to_a_short_lived_signed_url(stored_job, client, settings):
    settings.CSP_DOWNLOAD_REDIRECT = True
    response = client.get(reverse("reporting:report_pdf", args=[stored_job.pk]))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.url).query)
    assert urlsplit(response.url).path.endswith(stored_job.pdf.name)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Signature"]
    assert query["response-content-type"] == ["application/pdf"]
    assert "no-store" in response["Cache-Control"]


def test_another_partnerships_member_gets_no_signed_url(stored_job, client, make_member, settings):
    settings.CSP_DOWNLOAD_REDIRECT = True
    client.force_login(make_member(PartnershipFactory(), "coordinator"))
    response = client.get(reverse("reporting:report_pdf", args=[stored_job.pk]))
    assert response.status_code == 404
    assert "Location" not in response
