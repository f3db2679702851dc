"""csp.prefetch: sparse relations are read only where the parent's EXISTS says there are rows, and the
page reads the same rows as with a plain prefetch."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch, prefetch_related_objects

from csp.prefetch import Sparse, annotate_sparse, prefetch_sparse
from csp.services import record_archive
from plans.models import Action, Comment, Objective, QuarterlyUpdate
from plans.selectors.reviews import LIVE
from plans.services.reviews import comment_create
from priorities.models import Priority
from tests.factories import ActionFactory, ObjectiveFactory, PriorityFactory

from ..plans.review_setup import build_review_world

pytestmark = pytest.mark.django_db

COMMENTS = Sparse(Objective, "comments", Comment.objects.filter(LIVE).order_by("created_at", "id"))
ACTIONS = Sparse(Objective, "actions", Action.objects.order_by("objective_id", "position", "id"))
PRIORITIES = Sparse(Objective, "priorities", Priority.objects.order_by("pk"))
RELATIONS = (COMMENTS, ACTIONS, PRIORITIES)


@pytest.fixture
def objectives():
    world = build_review_world()
    busy = world.objective
    quiet = ObjectiveFactory(plan=world.plan, ref="9.9")
    ActionFactory(objective=busy, text="Train the door staff")
    busy.priorities.add(PriorityFactory(partnership=world.partnership))
    comment_create(author=world.user("coordinator"), objective=busy, text="Kept")
    archived = comment_create(author=world.user("coordinator"), objective=busy, text="Archived")
    record_archive(user=world.user("coordinator"), record=archived, reason="Wrong item.")
    # Only an archived comment: the flag follows the queryset's filter, so it reads no rows either.
    only_archived = ObjectiveFactory(plan=world.plan, ref="9.8")
    gone = comment_create(author=world.user("coordinator"), objective=only_archived, text="Gone")
    record_archive(user=world.user("coordinator"), record=gone, reason="Wrong item.")
    return busy, quiet, only_archived


def _read(parents):
    return {
        parent.ref: (
            [c.text for c in parent.comments.all()],
            [a.text for a in parent.actions.all()],
            [p.pk for p in parent.priorities.all()],
        )
        for parent in parents
    }


def test_the_rows_read_are_those_of_a_plain_prefetch(objectives):
    ids = [o.pk for o in objectives]
    plain = list(Objective.objects.filter(pk__in=ids).order_by("ref"))
    prefetch_related_objects(plain, *(Prefetch(r.name, queryset=r.queryset) for r in RELATIONS))
    sparse = list(annotate_sparse(Objective.objects.filter(pk__in=ids).order_by("ref"), RELATIONS))
    prefetch_sparse(sparse, RELATIONS)
    assert _read(sparse) == _read(plain)
    assert _read(sparse)[objectives[0].ref] == (
        ["Kept"],
        ["Train the door staff"],
        [p.pk for p in objectives[0].priorities.all()],
    )


def test_the_flags_follow_the_querysets_filters(objectives):
    busy, quiet, only_archived = objectives
    flags = {
        o.pk: (o.has_comments, o.has_actions, o.has_priorities)
        for o in annotate_sparse(Objective.objects.filter(pk__in=[o.pk for o in objectives]), RELATIONS)
    }
    assert flags == {
        busy.pk: (True, True, True),
        quiet.pk: (False, False, False),
        only_archived.pk: (False, False, False),
    }


def test_parents_without_rows_cost_no_query(objectives, django_assert_num_queries):
    busy, quiet, only_archived = objectives
    parents = list(annotate_sparse(Objective.objects.filter(pk__in=[quiet.pk, only_archived.pk]), RELATIONS))
    with django_assert_num_queries(0):
        prefetch_sparse(parents, RELATIONS)
        assert _read(parents) == {quiet.ref: ([], [], []), only_archived.ref: ([], [], [])}
    # One query per relation that some parent has rows in, whatever the number of parents.
    parents = list(annotate_sparse(Objective.objects.filter(pk__in=[o.pk for o in objectives]), RELATIONS))
    with django_assert_num_queries(3):
        prefetch_sparse(parents, RELATIONS)
        _read(parents)


def test_a_to_attr_relation_gets_a_list(objectives):
    world_update = QuarterlyUpdate.objects.filter(objective=objectives[0]).first()
    evidence = Sparse(QuarterlyUpdate, "evidence", world_update.evidence.model.objects.all(), to_attr="live_evidence")
    updates = list(annotate_sparse(QuarterlyUpdate.objects.filter(pk=world_update.pk), [evidence]))
    assert updates[0].has_live_evidence is False
    prefetch_sparse(updates, [evidence])
    assert updates[0].live_evidence == []
