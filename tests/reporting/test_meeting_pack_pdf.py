"""A meeting's pack rendered by the report pipeline: a tagged PDF with its items, margins and page numbers."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.urls import reverse

from csp.models import RagStatus
from plans.services.meetings import action_item_create, meeting_create, meeting_decide
from reporting.models import ReportJob
from tests.factories import ExpectedOutcomeFactory, OutcomeStatusFactory
from tests.plans.review_setup import ROLES, build_review_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_review_world()
    world.update.rag_note = "No venue has been found for the campaign."
    world.update.save()
    outcome = ExpectedOutcomeFactory(objective=world.objective, number=1, text="Schools reached")
    OutcomeStatusFactory(update=world.update, outcome=outcome, rag_status=RagStatus.RED, note="Two schools only.")
    return world


@pytest.fixture
def meeting(world):
    meeting = meeting_create(user=world.user("chair"), group=world.odg, date=dt.date(2014, 7, 21))
    action_item_create(user=world.user("chair"), meeting=meeting, text="Find a venue", owner_text="Debbie Barker")
    meeting_decide(
        chair=world.user("chair"), meeting=meeting, kind="escalate", text="Needs funding.", update=world.update
    )
    return meeting


def _ask(client, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reporting:meeting_pack_request", args=[meeting.pk]))


def _pdftotext(job) -> str:
    with job.pdf.open("rb") as handle:
        data = handle.read()
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_pack_pdf_is_rendered_by_the_pipeline_with_its_items_and_page_numbers(
    world, meeting, client, django_capture_on_commit_callbacks
):
    client.force_login(world.user("chair"))
    response = _ask(client, meeting, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response.url == reverse("reporting:report_detail", args=[job.pk])
    assert (job.kind, job.meeting, job.state, job.period) == ("meeting_pack", meeting, "done", world.q2)

    text = _pdftotext(job)
    flat = " ".join(text.split())
    assert "Meeting pack" in flat
    assert "Meeting of 21 July 2014" in flat
    assert world.objective.title in flat
    assert "Reason: No venue has been found for the campaign." in flat
    assert "Outcome 1 (Red): Two schools only." in flat
    assert "Find a venue" in flat
    assert "Escalated to the board" in flat
    pages = text.count("\f")
    assert pages >= 2
    assert re.search(rf"Page 2 of {pages}\b", text)
    assert "Record decision" not in flat  # no forms in the document


def test_the_pack_pdf_is_tagged(world, meeting, client, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    client.force_login(world.user("coordinator"))
    _ask(client, meeting, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    with job.pdf.open("rb") as handle:
        root = PdfReader(handle).trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/MarkInfo"]["/Marked"]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_ask_for_a_pack_pdf(world, meeting, client, role, django_capture_on_commit_callbacks):
    client.force_login(world.user(role))
    response = _ask(client, meeting, django_capture_on_commit_callbacks)
    allowed = role in {"coordinator", "chair", "other_chair", "analyst"}
    assert response.status_code == (404 if role == "outsider" else 302 if allowed else 403)
    assert ReportJob.objects.exists() == allowed


def test_the_report_request_form_does_not_offer_a_meeting_pack(world, client):
    client.force_login(world.user("analyst"))
    response = client.get(reverse("reporting:report_list"))
    assert 'value="meeting_pack"' not in response.text


def test_a_meeting_pack_cannot_be_asked_for_without_its_meeting(world):
    from django.core.exceptions import ValidationError

    from reporting.services import report_request

    with pytest.raises(ValidationError, match="from its meeting's page"):
        report_request(user=world.user("analyst"), kind="meeting_pack", plan=world.plan, period=world.q1)
    assert not ReportJob.objects.exists()
