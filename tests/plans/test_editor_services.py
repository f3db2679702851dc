"""The plan editor's services (plans.services.plans, priorities.services): rules, validation with field keys,
all-or-nothing writes, history naming the user, and the coordinator-only policy whatever the caller."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from csp.models import Role
from plans.models import Action, ExpectedOutcome, Objective, Plan, Section
from plans.rules import update_periods_of
from plans.services import plans as services
from priorities import services as priority_services
from priorities.models import Indicator, Priority, Theme
from tests.factories import (
    ActionFactory,
    ExpectedOutcomeFactory,
    GroupFactory,
    IndicatorReadingFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PlanFactory,
    PriorityFactory,
    SectionFactory,
)


@pytest.fixture
def coordinator(partnership, make_member):
    return make_member(partnership, Role.COORDINATOR)


@pytest.fixture
def viewer(partnership, make_member):
    return make_member(partnership, Role.VIEWER)


@pytest.fixture
def plan(partnership):
    return PlanFactory(partnership=partnership, status=Plan.Status.DRAFT)


def _plan_fields(partnership, **extra):
    return {
        "partnership": partnership,
        "title": "Community Safety Plan 2025 to 2028",
        "kind": Plan.Kind.STRATEGIC,
        "period_start": dt.date(2025, 4, 1),
        "period_end": dt.date(2028, 3, 31),
        **extra,
    }


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# Plans


def test_plan_create_makes_a_draft_with_priorities_and_history(partnership, coordinator):
    priority = PriorityFactory(partnership=partnership)
    group = GroupFactory(partnership=partnership)
    plan = services.plan_create(
        user=coordinator, fields=_plan_fields(partnership, owning_group=group), m2m={"priorities": [priority]}
    )
    assert plan.status == Plan.Status.DRAFT
    assert list(plan.priorities.all()) == [priority]
    record = plan.history.first()
    assert record.history_user == coordinator
    assert record.history_change_reason == "Created"


def test_plan_create_is_refused_to_a_viewer(partnership, viewer):
    with pytest.raises(PermissionDenied):
        services.plan_create(user=viewer, fields=_plan_fields(partnership))
    assert not Plan.objects.exists()


def test_plan_create_refuses_a_period_that_ends_before_it_starts(partnership, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(user=coordinator, fields=_plan_fields(partnership, period_end=dt.date(2024, 1, 1)))
    assert "period_end" in _errors(excinfo)


def test_plan_create_refuses_a_repeated_title(partnership, coordinator, plan):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(user=coordinator, fields=_plan_fields(partnership, title=plan.title))
    assert "title" in _errors(excinfo)


def test_plan_create_refuses_another_partnerships_group_or_priority(partnership, coordinator):
    foreign = PriorityFactory(partnership=PartnershipFactory())
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(user=coordinator, fields=_plan_fields(partnership), m2m={"priorities": [foreign]})
    assert "priorities" in _errors(excinfo)
    assert not Plan.objects.exists()
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(
            user=coordinator,
            fields=_plan_fields(partnership, owning_group=GroupFactory(partnership=foreign.partnership)),
        )
    assert "owning_group" in _errors(excinfo)


def test_plan_create_refuses_text_over_the_limit(partnership, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(user=coordinator, fields=_plan_fields(partnership, introduction="x" * 20_001))
    assert _errors(excinfo)["introduction"] == ["Introduction must be 20,000 characters or fewer"]


def test_plan_update_changes_settings_and_priorities(partnership, coordinator, plan):
    priority = PriorityFactory(partnership=partnership)
    services.plan_update(user=coordinator, plan=plan, fields={"title": "Renamed"}, m2m={"priorities": [priority]})
    plan.refresh_from_db()
    assert plan.title == "Renamed"
    assert list(plan.priorities.all()) == [priority]
    assert plan.history.first().history_user == coordinator


def test_plan_update_cannot_move_a_plan_to_another_partnership(coordinator, plan):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_update(user=coordinator, plan=plan, fields={"partnership": PartnershipFactory()})
    assert "partnership" in _errors(excinfo)


def test_plan_publish_makes_a_draft_live(coordinator, plan):
    ObjectiveFactory(plan=plan)
    services.plan_publish(user=coordinator, plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.LIVE
    assert plan.history.first().history_change_reason == "Published"


def test_plan_publish_gives_the_plan_its_quarters_to_update(coordinator, partnership):
    plan = PlanFactory(
        partnership=partnership,
        status=Plan.Status.DRAFT,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2027, 3, 31),
    )
    ObjectiveFactory(plan=plan)
    services.plan_publish(user=coordinator, plan=plan)
    quarters = list(update_periods_of(plan))
    assert len(quarters) == 8
    assert (quarters[0].start, quarters[-1].end) == (dt.date(2025, 4, 1), dt.date(2027, 3, 31))


def test_plan_publish_needs_an_objective_and_a_draft(coordinator, plan):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_publish(user=coordinator, plan=plan)
    assert _errors(excinfo)["status"] == ["Add at least one objective before publishing the plan"]
    ObjectiveFactory(plan=plan)
    services.plan_publish(user=coordinator, plan=plan)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_publish(user=coordinator, plan=plan)
    assert "Only a draft plan can be published" in _errors(excinfo)["status"]


def test_plan_publish_is_refused_to_a_viewer(viewer, plan):
    ObjectiveFactory(plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_publish(user=viewer, plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


# Sections


def test_section_create_goes_last_and_refuses_a_repeated_title(coordinator, plan):
    first = services.section_create(user=coordinator, plan=plan, fields={"title": "Domestic abuse"})
    second = services.section_create(user=coordinator, plan=plan, fields={"title": "ASB"})
    assert (first.position, second.position) == (0, 1)
    with pytest.raises(ValidationError) as excinfo:
        services.section_create(user=coordinator, plan=plan, fields={"title": "ASB"})
    assert "title" in _errors(excinfo)
    assert second.history.first().history_user == coordinator


def test_section_update_changes_it_and_refuses_another_partnerships_priority(coordinator, plan):
    section = SectionFactory(plan=plan)
    services.section_update(user=coordinator, section=section, fields={"title": "Renamed", "number": "2"})
    section.refresh_from_db()
    assert (section.number, section.title) == ("2", "Renamed")
    with pytest.raises(ValidationError) as excinfo:
        services.section_update(
            user=coordinator, section=section, fields={"priority": PriorityFactory(partnership=PartnershipFactory())}
        )
    assert "priority" in _errors(excinfo)


def test_section_move_swaps_neighbours_and_stops_at_the_ends(coordinator, plan):
    a, b, c = (SectionFactory(plan=plan, position=i, title=t) for i, t in enumerate("ABC"))
    services.section_move(user=coordinator, section=c, direction="up")
    assert list(plan.sections.order_by("position").values_list("title", flat=True)) == ["A", "C", "B"]
    services.section_move(user=coordinator, section=a, direction="up")
    assert list(plan.sections.order_by("position").values_list("title", flat=True)) == ["A", "C", "B"]
    with pytest.raises(ValidationError):
        services.section_move(user=coordinator, section=a, direction="sideways")


def test_section_writes_are_refused_to_a_viewer(viewer, plan):
    section = SectionFactory(plan=plan)
    with pytest.raises(PermissionDenied):
        services.section_create(user=viewer, plan=plan, fields={"title": "X"})
    with pytest.raises(PermissionDenied):
        services.section_move(user=viewer, section=section, direction="down")
    assert Section.objects.count() == 1


# Objectives


def _parts():
    return {
        "actions": [{"text": "Run sessions"}, {"text": "Train staff"}],
        "outcomes": [
            {
                "number": 1,
                "text": "Fewer repeat victims",
                "target_value": Decimal("10"),
                "target_unit": "%",
                "budget": Decimal("2000.00"),
            },
            {"number": 2, "text": "More reports"},
        ],
        "milestones": [{"text": "Sessions booked", "due_date": dt.date(2025, 9, 1), "lead_text": "DA coordinator"}],
    }


def test_objective_create_writes_the_objective_and_its_parts(coordinator, plan):
    section = SectionFactory(plan=plan)
    objective = services.objective_create(
        user=coordinator,
        fields={"plan": plan, "section": section, "ref": "1.1", "title": "Reduce repeat victims"},
        parts=_parts(),
    )
    assert [a.text for a in objective.actions.all()] == ["Run sessions", "Train staff"]
    assert [(o.number, o.budget) for o in objective.outcomes.all()] == [(1, Decimal("2000.00")), (2, None)]
    assert objective.milestones.get().lead_text == "DA coordinator"
    assert objective.history.first().history_user == coordinator
    assert objective.actions.first().history.first().history_user == coordinator


def test_objective_create_is_all_or_nothing(coordinator, plan):
    parts = _parts()
    parts["milestones"].append({"text": "x" * 5_001})
    with pytest.raises(ValidationError) as excinfo:
        services.objective_create(user=coordinator, fields={"plan": plan, "title": "T"}, parts=parts)
    assert "text" in _errors(excinfo)
    assert not Objective.objects.exists()
    assert not Action.objects.exists()


def test_objective_create_refuses_repeated_outcome_numbers_and_refs(coordinator, plan):
    ObjectiveFactory(plan=plan, ref="1.1")
    parts = {"outcomes": [{"number": 1, "text": "A"}, {"number": 1, "text": "B"}]}
    with pytest.raises(ValidationError) as excinfo:
        services.objective_create(user=coordinator, fields={"plan": plan, "title": "T"}, parts=parts)
    assert "outcomes" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.objective_create(user=coordinator, fields={"plan": plan, "title": "T", "ref": "1.1"})
    assert "ref" in _errors(excinfo)
    assert Objective.objects.count() == 1


def test_objective_create_refuses_a_section_of_another_plan(coordinator, plan, partnership):
    other_section = SectionFactory(plan=PlanFactory(partnership=partnership))
    with pytest.raises(ValidationError) as excinfo:
        services.objective_create(user=coordinator, fields={"plan": plan, "title": "T", "section": other_section})
    assert "section" in _errors(excinfo)


def test_objective_update_keeps_changes_adds_and_removes_parts(coordinator, plan):
    objective = ObjectiveFactory(plan=plan)
    kept = ExpectedOutcomeFactory(objective=objective, number=1, text="Kept")
    dropped = ExpectedOutcomeFactory(objective=objective, number=2, text="Dropped")
    services.objective_update(
        user=coordinator,
        objective=objective,
        fields={"title": "New title"},
        parts={"outcomes": [{"id": kept.pk, "number": 1, "text": "Kept, reworded"}, {"number": 2, "text": "New"}]},
    )
    assert [(o.number, o.text) for o in objective.outcomes.all()] == [(1, "Kept, reworded"), (2, "New")]
    assert not ExpectedOutcome.objects.filter(pk=dropped.pk).exists()
    deleted = ExpectedOutcome.history.filter(id=dropped.pk, history_type="-").get()
    assert deleted.history_user == coordinator


def test_objective_update_refuses_another_objectives_part_id(coordinator, plan):
    objective = ObjectiveFactory(plan=plan)
    foreign = ActionFactory(objective=ObjectiveFactory(plan=plan))
    with pytest.raises(ValidationError) as excinfo:
        services.objective_update(
            user=coordinator, objective=objective, fields={}, parts={"actions": [{"id": foreign.pk, "text": "x"}]}
        )
    assert "actions" in _errors(excinfo)
    foreign.refresh_from_db()
    assert foreign.objective_id != objective.pk


def test_objective_writes_are_refused_to_a_viewer_and_another_partnerships_coordinator(viewer, plan, make_member):
    objective = ObjectiveFactory(plan=plan, title="Unchanged")
    outsider = make_member(PartnershipFactory(), Role.COORDINATOR)
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.objective_update(user=user, objective=objective, fields={"title": "Changed"})
        with pytest.raises(PermissionDenied):
            services.objective_create(user=user, fields={"plan": plan, "title": "New"})
    objective.refresh_from_db()
    assert objective.title == "Unchanged"


def test_objective_move_renumbers_the_plan(coordinator, plan):
    first, second, third = (ObjectiveFactory(plan=plan, position=p) for p in (0, 5, 9))
    services.objective_move(user=coordinator, objective=third, direction="up")
    ordered = list(plan.objectives.order_by("position").values_list("pk", flat=True))
    assert ordered == [first.pk, third.pk, second.pk]
    assert sorted(plan.objectives.values_list("position", flat=True)) == [0, 1, 2]


def test_objective_strike_keeps_it_with_date_and_reason(coordinator, plan):
    objective = ObjectiveFactory(plan=plan)
    services.objective_strike(user=coordinator, objective=objective, reason=" Replaced ", on=dt.date(2025, 6, 1))
    objective.refresh_from_db()
    assert objective.is_struck
    assert (objective.struck_on, objective.struck_reason) == (dt.date(2025, 6, 1), "Replaced")
    assert objective.history.first().history_change_reason == "Struck: Replaced"
    with pytest.raises(ValidationError):
        services.objective_strike(user=coordinator, objective=objective, reason="Again", on=dt.date(2025, 6, 2))


def test_objective_strike_needs_a_reason(coordinator, plan):
    objective = ObjectiveFactory(plan=plan)
    with pytest.raises(ValidationError) as excinfo:
        services.objective_strike(user=coordinator, objective=objective, reason="  ", on=dt.date(2025, 6, 1))
    assert "struck_reason" in _errors(excinfo)


def test_objective_archive_keeps_who_when_and_why(coordinator, viewer, plan):
    objective = ObjectiveFactory(plan=plan)
    with pytest.raises(PermissionDenied):
        services.objective_archive(user=viewer, objective=objective, reason="Duplicate")
    with pytest.raises(ValidationError):
        services.objective_archive(user=coordinator, objective=objective, reason="")
    services.objective_archive(user=coordinator, objective=objective, reason="Duplicate")
    objective.refresh_from_db()
    assert objective.is_archived
    assert (objective.archived_by, objective.archive_reason) == (coordinator, "Duplicate")


# Priorities


def _priority_fields(partnership, **extra):
    return {
        "partnership": partnership,
        "code": "LP1",
        "title": "Domestic abuse",
        "period_start": dt.date(2025, 4, 1),
        "period_end": dt.date(2026, 3, 31),
        "narrative_why": "Repeat victimisation is high",
        **extra,
    }


def test_priority_create_with_themes_and_indicators(partnership, coordinator):
    priority = priority_services.priority_create(
        user=coordinator,
        fields=_priority_fields(partnership),
        themes=[{"title": "Personal harm"}, {"title": "Public nuisance"}],
        indicators=[{"name": "Repeat referrals", "unit": Indicator.Unit.PERCENTAGE}],
    )
    assert [t.title for t in priority.themes.all()] == ["Personal harm", "Public nuisance"]
    indicator = priority.indicators.get()
    assert (indicator.partnership, indicator.unit) == (partnership, Indicator.Unit.PERCENTAGE)
    assert priority.history.first().history_user == coordinator


def test_priority_update_replaces_themes_but_never_removes_an_indicator(partnership, coordinator):
    priority = priority_services.priority_create(
        user=coordinator,
        fields=_priority_fields(partnership),
        themes=[{"title": "Old"}],
        indicators=[{"name": "Kept"}],
    )
    indicator = priority.indicators.get()
    IndicatorReadingFactory(indicator=indicator)
    priority_services.priority_update(
        user=coordinator,
        priority=priority,
        fields={"title": "Domestic abuse and violence"},
        themes=[{"title": "New"}],
        indicators=[{"id": indicator.pk, "name": "Kept, renamed"}],
    )
    assert [t.title for t in Theme.objects.filter(priority=priority)] == ["New"]
    indicator.refresh_from_db()
    assert indicator.name == "Kept, renamed"
    assert indicator.readings.count() == 1


def test_priority_rules_name_their_fields_and_write_nothing(partnership, coordinator, viewer):
    PriorityFactory(
        partnership=partnership, code="LP1", period_start=dt.date(2025, 4, 1), period_end=dt.date(2026, 3, 31)
    )
    with pytest.raises(ValidationError) as excinfo:
        priority_services.priority_create(user=coordinator, fields=_priority_fields(partnership))
    assert "code" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        priority_services.priority_create(
            user=coordinator, fields=_priority_fields(partnership, code="LP2"), themes=[{"title": "A"}, {"title": "A"}]
        )
    assert "themes" in _errors(excinfo)
    with pytest.raises(PermissionDenied):
        priority_services.priority_create(user=viewer, fields=_priority_fields(partnership, code="LP3"))
    assert Priority.objects.count() == 1


def test_an_archived_plan_is_not_changed_until_restored(coordinator, plan):
    objective = ObjectiveFactory(plan=plan)
    services.plan_archive(user=coordinator, plan=plan, reason="Wrong year")
    plan.refresh_from_db()
    writes = [
        lambda: services.plan_update(user=coordinator, plan=plan, fields={"title": "Changed"}),
        lambda: services.section_create(user=coordinator, plan=plan, fields={"title": "New"}),
        lambda: services.objective_create(user=coordinator, fields={"plan": plan, "title": "New"}),
        lambda: services.objective_update(user=coordinator, objective=objective, fields={"title": "Changed"}),
        lambda: services.objective_strike(user=coordinator, objective=objective, reason="x", on=dt.date(2025, 1, 1)),
    ]
    for write in writes:
        with pytest.raises(ValidationError):
            write()
    assert Objective.objects.filter(plan=plan).count() == 1
    assert not Section.objects.filter(plan=plan).exists()


def test_an_outcome_budget_cannot_be_negative(coordinator, plan):
    parts = {"outcomes": [{"number": 1, "text": "A", "budget": Decimal("-1")}]}
    with pytest.raises(ValidationError) as excinfo:
        services.objective_create(user=coordinator, fields={"plan": plan, "title": "T"}, parts=parts)
    assert "outcomes" in _errors(excinfo)
    assert not Objective.objects.exists()


def test_a_milestone_cost_cannot_be_negative(coordinator, plan):
    parts = {"milestones": [{"text": "Venue booked", "cost_amount": Decimal("-5")}]}
    with pytest.raises(ValidationError) as excinfo:
        services.objective_create(user=coordinator, fields={"plan": plan, "title": "T"}, parts=parts)
    assert "milestones" in _errors(excinfo)
    assert not Objective.objects.exists()


def test_making_a_draft_live_through_plan_update_keeps_the_publish_rule(coordinator, plan):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_update(user=coordinator, plan=plan, fields={"status": Plan.Status.LIVE})
    assert "status" in _errors(excinfo)
    ObjectiveFactory(plan=plan)
    services.plan_update(user=coordinator, plan=plan, fields={"status": Plan.Status.LIVE})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.LIVE
    assert update_periods_of(plan).exists()
