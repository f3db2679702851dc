"""The item page reads what most items have none of (priorities, lead agencies, indicators, actions,
comments, escalations, proposals; updates' milestones met and evidence) only where the item has some
(csp.prefetch). Where it has some, each is on the page, and the page's queries do not grow with them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.services.evidence import evidence_attach
from plans.services.reviews import comment_create, proposal_create, update_escalate
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    IndicatorFactory,
    MilestoneFactory,
    PriorityFactory,
    QuarterlyUpdateFactory,
)

from .review_setup import build_review_world

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_review_world()
    world.draft = QuarterlyUpdateFactory(objective=world.objective, period=world.q2, state="draft")
    return world


def _add(world, n: int, tag: str) -> list[str]:
    """n more of each list; the words each shows on the page."""
    objective, partnership = world.objective, world.partnership
    shown = []
    for i in range(n):
        name = f"{tag}{i}"
        ActionFactory(objective=objective, text=f"Action {name}")
        objective.priorities.add(PriorityFactory(partnership=partnership, title=f"Priority {name}"))
        objective.lead_agencies.add(AgencyFactory(partnership=partnership, short_name=f"Agency {name}"))
        objective.indicators.add(IndicatorFactory(partnership=partnership, name=f"Indicator {name}"))
        comment_create(author=world.user("chair"), objective=objective, text=f"Comment {name}")
        milestone = MilestoneFactory(objective=objective, text=f"Milestone {name}")
        world.update.milestones_met.add(milestone)
        evidence_attach(
            user=world.user("lead"), update=world.draft, upload=SimpleUploadedFile(f"evidence-{name}.pdf", PDF)
        )
        shown += [f"Action {name}", f"Agency {name}", f"Indicator {name}", f"Comment {name}", f"evidence-{name}.pdf"]
        shown += [f"Milestone {name}"]
    return shown


def _page(client, world):
    client.force_login(world.user("chair"))
    return client.get(reverse("plans:objective_detail", args=[world.objective.pk]))


def test_an_item_with_none_of_them_shows_none(client, world):
    response = _page(client, world)
    assert response.status_code == 200
    objective = response.context["objective"]
    assert list(objective.comments.all()) == []
    assert list(objective.escalations.all()) == []
    assert list(objective.proposals.all()) == []
    assert [u.live_evidence for u in response.context["updates"]] == [[], []]


def test_each_list_is_shown_where_the_item_has_some(client, world):
    shown = _add(world, 2, "A")
    proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done elsewhere.")
    update_escalate(reviewer=world.user("chair"), update=world.update, note="No venue and no funding.")
    response = _page(client, world)
    page = response.content.decode()
    for words in [*shown, "Done elsewhere.", "No venue and no funding."]:
        assert words in page, words
    assert [p.title for p in response.context["addressed_priorities"]] == ["Priority A0", "Priority A1"]
    first, second = response.context["updates"]
    assert [m.text for m in first.milestones_met.all()] == ["Milestone A0", "Milestone A1"]
    assert [e.filename for e in second.live_evidence] == ["evidence-A0.pdf", "evidence-A1.pdf"]
    assert first.escalated is True


def test_the_pages_queries_do_not_grow_with_the_lists(client, world, django_assert_max_num_queries):
    _add(world, 1, "A")
    proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done elsewhere.")
    update_escalate(reviewer=world.user("chair"), update=world.update, note="No venue and no funding.")
    client.force_login(world.user("chair"))
    url = reverse("plans:objective_detail", args=[world.objective.pk])
    with CaptureQueriesContext(connection) as one_of_each:
        client.get(url)
    _add(world, 4, "B")
    with django_assert_max_num_queries(len(one_of_each)):
        assert client.get(url).status_code == 200
