"""The area role's isolation matrix: an analyst of area A reads every partnership of A as a viewer would,
asks for reports, writes nothing, and finds nothing of area B (404), on pages and in the API.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from csp.models import Partnership
from plans.models import ActionLogItem, ChangeProposal, Comment, Meeting, Review, UpdateEvidence
from reporting.models import ReportJob
from tests.api.conftest import ENDPOINTS, build_partnership_world, client_for
from tests.factories import AreaFactory, AreaMembershipFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _world_in(area):
    world = build_partnership_world()
    Partnership.objects.filter(pk=world.partnership.pk).update(area=area)
    world.partnership.refresh_from_db()
    uploader = UserFactory()
    world.evidence = UpdateEvidence.objects.create(
        update=world.update,
        file=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
        filename="evidence.pdf",
        content_type="application/pdf",
        size=17,
        uploaded_by=uploader,
    )
    world.meeting = Meeting.objects.create(group=world.group, date=dt.date(2014, 7, 10), created_by=uploader)
    report = world.report
    report.state = ReportJob.State.DONE
    report.finished_at = timezone.now()
    report.html_snapshot = "<p>Report</p>"
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    report.save()
    return world


@pytest.fixture
def worlds(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    area_a = AreaFactory(name="Hertfordshire", slug="hertfordshire")
    area_b = AreaFactory(name="Sussex", slug="sussex")
    return {"a": _world_in(area_a), "b": _world_in(area_b), "area_a": area_a, "area_b": area_b}


@pytest.fixture
def analyst(worlds):
    return AreaMembershipFactory(area=worlds["area_a"]).user


# Every page that names one of a partnership's objects: (url name, the world's attributes giving its args).
OBJECT_PAGES = [
    ("plans:plan_detail", ["plan"]),
    ("plans:objective_detail", ["objective"]),
    ("plans:objective_history", ["objective"]),
    ("plans:objective_leads", ["objective"]),
    ("plans:update_edit", ["objective", "period"]),
    ("plans:update_evidence", ["update"]),
    ("plans:evidence_download", ["evidence"]),
    ("plans:meeting_pack", ["group"]),
    ("plans:meeting_list", ["group"]),
    ("plans:meeting_detail", ["meeting"]),
    ("plans:editor", ["plan"]),
    ("plans:plan_settings", ["plan"]),
    ("plans:plan_check", ["plan"]),
    ("plans:public_summary_settings", ["plan"]),
    ("plans:objective_edit", ["objective"]),
    ("plans:section_edit", ["section"]),
    ("indicators:detail", ["indicator"]),
    ("indicators:targets", ["indicator"]),
    ("priorities:priority_edit", ["priority"]),
    ("reporting:report_detail", ["report"]),
    ("reporting:report_status", ["report"]),
    ("reporting:report_html", ["report"]),
    ("reporting:report_pdf", ["report"]),
    ("coordinator:people", ["partnership"]),
    ("coordinator:audit", ["partnership"]),
    ("coordinator:archived", ["partnership"]),
]


def _url(world, name, attrs):
    return reverse(name, args=[getattr(world, attr).pk for attr in attrs])


def _status(client, url):
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.parametrize(("name", "attrs"), OBJECT_PAGES, ids=[name for name, _ in OBJECT_PAGES])
def test_an_area_analyst_reads_their_areas_pages_as_a_viewer_does_and_finds_nothing_of_another_area(
    name, attrs, worlds, analyst, client
):
    viewer = MembershipFactory(partnership=worlds["a"].partnership, roles=("viewer",)).user
    url_a, url_b = _url(worlds["a"], name, attrs), _url(worlds["b"], name, attrs)
    client.force_login(viewer)
    as_viewer = _status(client, url_a)

    client.force_login(analyst)
    assert _status(client, url_a) == as_viewer
    assert _status(client, url_b) == 404
    # A read (or a redirect to one); a page only for writers refuses a reader with 403, or for the
    # coordinator's audit and archive pages hides the partnership (404) as from every other reader.
    assert as_viewer in ((403, 404) if name.startswith("coordinator:") else (200, 302, 403))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_area_analyst_downloads_the_data_of_their_areas_reports_only(fmt, worlds, analyst, client):
    client.force_login(analyst)
    assert _status(client, reverse("reporting:report_export", args=[worlds["a"].report.pk, fmt])) == 200
    assert _status(client, reverse("reporting:report_export", args=[worlds["b"].report.pk, fmt])) == 404


@pytest.mark.parametrize(
    ("name", "shown"),
    [("home", "plan"), ("indicators:list", "indicator"), ("reporting:report_list", "report")],
)
def test_lists_show_their_areas_partnerships_and_not_another_areas(name, shown, worlds, analyst, client):
    client.force_login(analyst)
    html = client.get(reverse(name)).content.decode()

    def text_of(world):
        obj = getattr(world, shown)
        return obj.name if shown == "indicator" else world.plan.title

    assert text_of(worlds["a"]) in html
    assert text_of(worlds["b"]) not in html


# Every write a page offers, as a POST with an empty form: refused and nothing written.
WRITE_POSTS = [
    ("plans:update_edit", ["objective", "period"]),
    ("plans:update_review", ["update"]),
    ("plans:update_evidence", ["update"]),
    ("plans:evidence_remove", ["evidence"]),
    ("plans:comment_create", ["objective"]),
    ("plans:proposal_create", ["objective"]),
    ("plans:meeting_decide", ["meeting"]),
    ("plans:action_create", ["meeting"]),
    ("plans:plan_settings", ["plan"]),
    ("plans:plan_start_next_year", ["plan"]),
    ("plans:public_summary_settings", ["plan"]),
    ("plans:objective_edit", ["objective"]),
    ("plans:objective_strike", ["objective"]),
    ("plans:objective_archive", ["objective"]),
    ("plans:objective_move", ["objective"]),
    ("plans:objective_leads", ["objective"]),
    ("plans:section_edit", ["section"]),
    ("plans:section_move", ["section"]),
    ("plans:objective_create", ["plan"]),
    ("plans:section_create", ["plan"]),
    ("indicators:targets", ["indicator"]),
    ("priorities:priority_edit", ["priority"]),
    ("coordinator:people_invite", ["partnership"]),
]


def _valid_form(name: str, world) -> dict:
    """A form a writer could send (so a refusal is the role's, not the form's)."""
    return {
        "plans:update_review": {
            f"review-{world.update.pk}-decision": "approve",
            f"review-{world.update.pk}-comment": "Ok",
        },
        "plans:comment_create": {"comment-text": "A comment"},
        "plans:proposal_create": {"proposal-kind": "strike", "proposal-reason": "No longer needed"},
    }.get(name, {})


def _snapshot(world) -> dict:
    from django.forms.models import model_to_dict

    kept = {}
    for attr in ("plan", "objective", "update", "section", "priority", "indicator", "partnership", "meeting"):
        obj = getattr(world, attr)
        fresh = type(obj).objects.get(pk=obj.pk)
        kept[attr] = {k: v for k, v in model_to_dict(fresh).items() if not isinstance(v, list)}
    evidence = UpdateEvidence.objects.get(pk=world.evidence.pk)
    kept["evidence"] = evidence.archived_at
    kept["counts"] = (
        world.plan.objectives.count(),
        world.plan.sections.count(),
        Comment.objects.count(),
        ChangeProposal.objects.count(),
        ActionLogItem.objects.count(),
        UpdateEvidence.objects.count(),
        world.partnership.memberships.count(),
        Review.objects.count(),
    )
    return kept


@pytest.mark.parametrize(("name", "attrs"), WRITE_POSTS, ids=[name for name, _ in WRITE_POSTS])
@pytest.mark.parametrize("which", ["a", "b"])
def test_every_write_is_refused_to_an_area_analyst_and_changes_nothing(name, attrs, which, worlds, analyst, client):
    world = worlds[which]
    before = _snapshot(world)
    client.force_login(analyst)

    response = client.post(_url(world, name, attrs), _valid_form(name, world))

    assert response.status_code == (404 if which == "b" else response.status_code)
    assert response.status_code in (403, 404)
    assert _snapshot(world) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_lists_hold_their_areas_objects_only(endpoint, worlds, analyst):
    response = client_for(analyst).get(f"/api/{endpoint}/", {"page_size": 200})

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert worlds["a"].objects[endpoint].pk in ids
    assert worlds["b"].objects[endpoint].pk not in ids


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_details_are_read_in_the_area_and_404_outside(endpoint, worlds, analyst):
    api = client_for(analyst)
    assert api.get(f"/api/{endpoint}/{worlds['a'].objects[endpoint].pk}/").status_code == 200
    assert api.get(f"/api/{endpoint}/{worlds['b'].objects[endpoint].pk}/").status_code == 404


API_WRITES = [(endpoint, method) for endpoint in ENDPOINTS for method in ("patch", "delete")]


@pytest.mark.parametrize(("endpoint", "method"), API_WRITES)
def test_api_writes_are_refused_in_the_area_and_404_outside(endpoint, method, worlds, analyst):
    api = client_for(analyst)
    for which, allowed in (("a", (403, 405)), ("b", (404, 405))):
        obj = worlds[which].objects[endpoint]
        before = type(obj).objects.filter(pk=obj.pk).values().get()
        response = getattr(api, method)(f"/api/{endpoint}/{obj.pk}/", {"name": "Changed"}, format="json")
        assert response.status_code in allowed, (which, response.status_code)
        assert type(obj).objects.filter(pk=obj.pk).values().get() == before


def test_the_area_analysts_partnership_appears_in_the_api_with_its_areas_name(worlds, analyst):
    response = client_for(analyst).get(f"/api/partnerships/{worlds['a'].partnership.pk}/")
    assert response.json()["area"] == "Hertfordshire"


def test_an_area_analyst_may_ask_for_a_report_of_their_area_only(worlds, analyst):
    api = client_for(analyst)
    a, b = worlds["a"], worlds["b"]

    mine = api.post("/api/reports/", {"kind": "board", "plan": a.plan.pk, "period": a.period.pk}, format="json")
    theirs = api.post("/api/reports/", {"kind": "board", "plan": b.plan.pk, "period": b.period.pk}, format="json")

    assert mine.status_code == 201, mine.content
    assert theirs.status_code == 400  # another area's plan is not a valid choice
    assert not ReportJob.objects.filter(plan=b.plan, requested_by=analyst).exists()


def test_the_area_dashboard_is_the_analysts_own_area_only(worlds, analyst, client):
    client.force_login(analyst)
    assert client.get(reverse("areas:dashboard", args=["hertfordshire"])).status_code == 200
    assert client.get(reverse("areas:dashboard", args=["sussex"])).status_code == 404
    coordinator = MembershipFactory(partnership=worlds["a"].partnership, roles=("coordinator",)).user
    client.force_login(coordinator)
    assert client.get(reverse("areas:dashboard", args=["hertfordshire"])).status_code == 404
