"""The plan editor pages through real requests: who may open and post each, what a good post writes,
errors shown next to the fields (never a 500, nothing half-written), and constant query counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from csp.models import Role
from plans.models import Objective, Plan, Section
from plans.services.plans import objective_update
from priorities.models import Priority
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ExpectedOutcomeFactory,
    GroupFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    PartnershipFactory,
    PlanFactory,
    PriorityFactory,
    SectionFactory,
)

ROLES = ("coordinator", "chair", "lead", "analyst", "viewer", "outsider", "anonymous")
# Coordinators of the plan's partnership only; others of it 403; another partnership's coordinator 404.
EXPECTED = {
    "coordinator": 200,
    "chair": 403,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 404,
    "anonymous": 302,
}


class World:
    def __init__(self, make_member):
        self.partnership = PartnershipFactory()
        other = PartnershipFactory()
        self.users = {
            "coordinator": make_member(self.partnership, Role.COORDINATOR),
            "chair": make_member(self.partnership, Role.GROUP_CHAIR),
            "lead": make_member(self.partnership, Role.LEAD_OFFICER),
            "analyst": make_member(self.partnership, Role.ANALYST),
            "viewer": make_member(self.partnership, Role.VIEWER),
            "outsider": make_member(other, Role.COORDINATOR),
            "anonymous": None,
        }
        self.priority = PriorityFactory(partnership=self.partnership)
        self.plan = PlanFactory(partnership=self.partnership, status=Plan.Status.DRAFT)
        self.section = SectionFactory(plan=self.plan, position=0)
        self.objective = ObjectiveFactory(plan=self.plan, section=self.section, ref="1.1", position=0)
        self.second = ObjectiveFactory(plan=self.plan, section=self.section, ref="1.2", position=1)
        self.milestone = MilestoneFactory(objective=self.objective, lead_text="Licensing team")


@pytest.fixture
def world(db, make_member):
    return World(make_member)


def _login(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)


# Pages that need a plan object: (url name, lambda world -> args).
OBJECT_PAGES = {
    "plans:editor": lambda w: [w.plan.pk],
    "plans:plan_settings": lambda w: [w.plan.pk],
    "plans:plan_check": lambda w: [w.plan.pk],
    "plans:section_create": lambda w: [w.plan.pk],
    "plans:section_edit": lambda w: [w.section.pk],
    "plans:objective_create": lambda w: [w.plan.pk],
    "plans:objective_edit": lambda w: [w.objective.pk],
    "plans:objective_strike": lambda w: [w.objective.pk],
    "plans:objective_archive": lambda w: [w.objective.pk],
    "plans:objective_leads": lambda w: [w.objective.pk],
    "plans:milestone_leads": lambda w: [w.milestone.pk],
    "priorities:priority_edit": lambda w: [w.priority.pk],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(OBJECT_PAGES))
def test_who_may_open_each_editor_page(client, world, page, role):
    _login(client, world, role)
    response = client.get(reverse(page, args=OBJECT_PAGES[page](world)))
    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


# Posts that change something: (url name, args, data, check that it happened).
POSTS = {
    "settings": (
        "plans:plan_settings",
        lambda w: [w.plan.pk],
        lambda w: {
            "title": "Renamed plan",
            "kind": "annual",
            "period_start": "1/4/2014",
            "period_end": "31/3/2015",
            "review_date_text": "March 2015",
        },
        lambda w: Plan.objects.filter(pk=w.plan.pk, title="Renamed plan", review_date_text="March 2015").exists(),
    ),
    "section_create": (
        "plans:section_create",
        lambda w: [w.plan.pk],
        lambda w: {"title": "Anti-social behaviour"},
        lambda w: Section.objects.filter(plan=w.plan, title="Anti-social behaviour").exists(),
    ),
    "section_move": (
        "plans:section_move",
        lambda w: [w.section.pk],
        lambda w: {"direction": "down"},
        lambda w: True,
    ),
    "objective_move": (
        "plans:objective_move",
        lambda w: [w.objective.pk],
        lambda w: {"direction": "down"},
        lambda w: Objective.objects.get(pk=w.objective.pk).position == 1,
    ),
    "strike": (
        "plans:objective_strike",
        lambda w: [w.objective.pk],
        lambda w: {"struck_reason": "Replaced by 1.2"},
        lambda w: Objective.objects.get(pk=w.objective.pk).is_struck,
    ),
    "archive": (
        "plans:objective_archive",
        lambda w: [w.objective.pk],
        lambda w: {"reason": "Entered twice"},
        lambda w: Objective.objects.get(pk=w.objective.pk).is_archived,
    ),
    "milestone_leads": (
        "plans:milestone_leads",
        lambda w: [w.milestone.pk],
        lambda w: {
            "leads-TOTAL_FORMS": "1",
            "leads-INITIAL_FORMS": "0",
            "leads-0-job_title": "Licensing Manager",
            "leads-0-kind": "lead",
        },
        lambda w: w.milestone.leads.filter(job_title="Licensing Manager").exists(),
    ),
    "publish": (
        "plans:plan_check",
        lambda w: [w.plan.pk],
        lambda w: {},
        lambda w: Plan.objects.get(pk=w.plan.pk).status == Plan.Status.LIVE,
    ),
}
POSTED = {**EXPECTED, "coordinator": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(POSTS))
def test_who_may_post_each_editor_change(client, world, action, role):
    name, args, data, happened = POSTS[action]
    _login(client, world, role)
    response = client.post(reverse(name, args=args(world)), data(world))
    assert response.status_code == POSTED[role]
    if role == "coordinator":
        assert happened(world)
    elif action != "section_move":
        assert not happened(world)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["plans:manage", "plans:plan_create", "priorities:priority_create"])
def test_who_may_open_the_pages_without_an_object(client, world, page, role):
    _login(client, world, role)
    response = client.get(reverse(page))
    # Another partnership's coordinator coordinates something: they see their own list and forms.
    expected = {**EXPECTED, "outsider": 200}[role]
    assert response.status_code == expected


def test_the_manage_list_shows_only_the_coordinators_own_plans(client, world):
    other_plan = PlanFactory(title="Someone else's plan")
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("plans:manage"))
    assert world.plan.title in response.content.decode()
    assert other_plan.title not in response.content.decode()


def test_the_manage_list_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(5):
        plan = PlanFactory(partnership=world.partnership)
        ObjectiveFactory.create_batch(3, plan=plan)
    client.force_login(world.users["coordinator"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:manage"))
    assert response.status_code == 200


def test_the_plan_editor_page_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    for objective in ObjectiveFactory.create_batch(8, plan=world.plan, section=world.section):
        ActionFactory(objective=objective)
        ExpectedOutcomeFactory(objective=objective, number=1)
    client.force_login(world.users["coordinator"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plans:editor", args=[world.plan.pk]))
    assert response.status_code == 200


def test_the_check_page_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    from plans.models import MilestoneLead

    for n, objective in enumerate(ObjectiveFactory.create_batch(8, plan=world.plan, section=world.section)):
        ActionFactory(objective=objective, text=f"Second action {n}", position=2)
        ActionFactory(objective=objective, text=f"First action {n}", position=1)
        ExpectedOutcomeFactory(objective=objective, number=1)
        milestone = MilestoneFactory(objective=objective)
        # Leads of every kind, each named on the page: a person of an agency, an organisation, a group.
        ObjectiveLeadFactory(objective=objective, agency=AgencyFactory(partnership=world.partnership))
        ObjectiveLeadFactory(objective=objective, person=None, agency=AgencyFactory(partnership=world.partnership))
        ObjectiveLeadFactory(
            objective=objective, person=None, group=GroupFactory(partnership=world.partnership, name=f"Group {n}")
        )
        MilestoneLead.objects.create(
            milestone=milestone, agency=AgencyFactory(partnership=world.partnership, short_name=f"ML{n}")
        )
    client.force_login(world.users["coordinator"])
    with django_assert_max_num_queries(18):
        response = client.get(reverse("plans:plan_check", args=[world.plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(8):
        assert html.index(f"First action {n}") < html.index(f"Second action {n}")  # in the plan's order
        assert f"Group {n}</li>" in html
        assert f"(lead: ML{n})" in html


def test_a_coordinator_creates_a_draft_plan_with_its_priorities(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("plans:plan_create"),
        {
            "partnership": world.partnership.pk,
            "title": "Community Safety Plan 2025 to 2028",
            "kind": "strategic",
            "period_start": "1/4/2025",
            "period_end": "31/3/2028",
            "priorities": [world.priority.pk],
        },
    )
    plan = Plan.objects.get(title="Community Safety Plan 2025 to 2028")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:editor", args=[plan.pk])
    assert plan.status == Plan.Status.DRAFT
    assert list(plan.priorities.all()) == [world.priority]
    assert plan.history.first().history_user == world.users["coordinator"]


def test_a_plan_cannot_be_created_in_a_partnership_the_user_does_not_coordinate(client, world, make_member):
    other = PartnershipFactory()
    make_member(other, Role.VIEWER)
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("plans:plan_create"),
        {"partnership": other.pk, "title": "X", "kind": "annual", "period_start": "1/4/2025", "period_end": "1/4/2026"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Plan.objects.filter(title="X").exists()


def test_bad_plan_input_is_shown_next_to_the_fields(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("plans:plan_create"),
        {"partnership": world.partnership.pk, "title": "", "kind": "annual", "period_start": "31/2/2025"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "<title>Error:" in body
    assert "Enter plan title" in body
    assert "Start of the plan period must be a real date" in body
    assert "Enter end of the plan period" in body


def test_a_period_ending_before_it_starts_is_refused_by_the_service_and_shown(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("plans:plan_settings", args=[world.plan.pk]),
        {"title": world.plan.title, "kind": "annual", "period_start": "1/4/2025", "period_end": "1/4/2024"},
    )
    assert response.status_code == 200
    assert "must be the same as or after the start" in response.content.decode()


def _objective_post(**extra):
    data = {
        "ref": "2.1",
        "title": "Reduce repeat victims of domestic abuse",
        "lead_text": "Police and Council",
        "resources": "IDVA\nMARAC",
        "cost_amount": "£1,250.50",
        "due_text": "March 2026",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Run awareness sessions",
        "actions-1-text": "",
        "outcomes-TOTAL_FORMS": "2",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-text": "Fewer repeat victims",
        "outcomes-0-target_value": "10",
        "outcomes-0-target_unit": "%",
        "outcomes-0-budget": "£2,000",
        "outcomes-1-text": "More reports",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-text": "Sessions booked",
        "milestones-0-due_date": "1/9/2025",
        "milestones-0-lead_text": "DA coordinator",
        "milestones-0-cost_amount": "300",
        "milestones-1-text": "",
    }
    data.update(extra)
    return data


def test_a_coordinator_adds_an_objective_with_numbered_outcomes_actions_and_milestones(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("plans:objective_create", args=[world.plan.pk]), _objective_post())
    assert response.status_code == 302
    objective = Objective.objects.get(plan=world.plan, ref="2.1")
    assert objective.cost_amount == 1250.50
    assert objective.position == 2
    assert [a.text for a in objective.actions.all()] == ["Run awareness sessions"]
    assert [(o.number, o.text) for o in objective.outcomes.all()] == [(1, "Fewer repeat victims"), (2, "More reports")]
    assert objective.outcomes.get(number=1).target_unit == "%"
    assert objective.outcomes.get(number=1).budget == 2000
    assert objective.outcomes.get(number=2).budget is None
    milestone = objective.milestones.get()
    assert milestone.due_date.isoformat() == "2025-09-01"
    assert milestone.lead_text == "DA coordinator"
    assert milestone.cost_amount == 300


def test_editing_an_objective_keeps_changes_and_removes_ticked_parts(client, world):
    action = ActionFactory(objective=world.objective, text="Old action")
    outcome = ExpectedOutcomeFactory(objective=world.objective, number=1, text="Old outcome")
    client.force_login(world.users["coordinator"])
    data = _objective_post(
        ref="1.1",
        **{
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "1",
            "actions-0-id": str(action.pk),
            "actions-0-text": "Changed action",
            "actions-1-text": "",
            "actions-2-text": "",
            "outcomes-TOTAL_FORMS": "3",
            "outcomes-INITIAL_FORMS": "1",
            "outcomes-0-id": str(outcome.pk),
            "outcomes-0-number": "1",
            "outcomes-0-text": "Old outcome",
            "outcomes-0-DELETE": "on",
            "outcomes-1-text": "New outcome",
            "outcomes-1-target_value": "",
            "outcomes-1-target_unit": "",
            "outcomes-2-text": "",
        },
    )
    response = client.post(reverse("plans:objective_edit", args=[world.objective.pk]), data)
    assert response.status_code == 302
    assert [a.text for a in world.objective.actions.all()] == ["Changed action"]
    assert [(o.number, o.text) for o in world.objective.outcomes.all()] == [(1, "New outcome")]


def test_a_bad_objective_writes_nothing_and_shows_the_errors(client, world):
    client.force_login(world.users["coordinator"])
    data = _objective_post(ref="1.2", **{"outcomes-1-text": "", "outcomes-1-target_value": "5", "cost_amount": "lots"})
    response = client.post(reverse("plans:objective_create", args=[world.plan.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter cost in pounds" in body
    assert "Enter the expected outcome, or leave the whole row empty" in body
    assert Objective.objects.filter(plan=world.plan).count() == 2


def test_a_duplicate_reference_is_shown_next_to_the_field(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("plans:objective_create", args=[world.plan.pk]), _objective_post(ref="1.2"))
    assert response.status_code == 200
    assert "Another objective of this plan has this reference" in response.content.decode()
    assert Objective.objects.filter(plan=world.plan).count() == 2


def test_a_too_long_title_gets_the_govuk_message(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("plans:objective_create", args=[world.plan.pk]), _objective_post(title="x" * 2001))
    assert "Objective must be 2,000 characters or fewer" in response.content.decode()


def test_the_strike_page_needs_a_reason(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("plans:objective_strike", args=[world.objective.pk]), {"struck_reason": ""})
    assert response.status_code == 200
    assert "Enter why the objective is struck from the plan" in response.content.decode()
    world.objective.refresh_from_db()
    assert not world.objective.is_struck


def test_a_struck_objective_is_shown_struck_through_in_the_editor(client, world):
    client.force_login(world.users["coordinator"])
    client.post(reverse("plans:objective_strike", args=[world.objective.pk]), {"struck_reason": "Merged into 1.2"})
    body = client.get(reverse("plans:editor", args=[world.plan.pk])).content.decode()
    assert f"<s>{world.objective.short_title}</s>" in body
    assert "Merged into 1.2" in body


def test_an_archived_objective_leaves_the_editor_list(client, world):
    client.force_login(world.users["coordinator"])
    client.post(reverse("plans:objective_archive", args=[world.objective.pk]), {"reason": "Duplicate"})
    body = client.get(reverse("plans:editor", args=[world.plan.pk])).content.decode()
    assert f'id="objective-{world.objective.pk}"' not in body
    assert f'id="objective-{world.second.pk}"' in body


def test_publishing_a_plan_without_objectives_is_refused_on_the_check_page(client, world):
    empty = PlanFactory(partnership=world.partnership, status=Plan.Status.DRAFT)
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("plans:plan_check", args=[empty.pk]))
    assert response.status_code == 200
    assert "Add at least one objective before publishing the plan" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == Plan.Status.DRAFT


def test_a_coordinator_adds_a_priority_with_themes_and_indicators_and_returns_to_the_plan(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("priorities:priority_create") + f"?plan={world.plan.pk}",
        {
            "partnership": world.partnership.pk,
            "code": "LP9",
            "title": "Domestic abuse",
            "period_start": "1/4/2025",
            "period_end": "31/3/2026",
            "narrative_why": "Repeat victimisation is high",
            "themes-TOTAL_FORMS": "2",
            "themes-INITIAL_FORMS": "0",
            "themes-0-title": "Personal harm",
            "themes-1-title": "",
            "indicators-TOTAL_FORMS": "2",
            "indicators-INITIAL_FORMS": "0",
            "indicators-0-name": "Repeat MARAC referrals",
            "indicators-0-unit": "percentage",
            "indicators-0-direction": "down",
            "indicators-1-name": "",
            "indicators-1-unit": "count",
            "indicators-1-direction": "down",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_settings", args=[world.plan.pk])
    priority = Priority.objects.get(code="LP9")
    assert priority.narrative_why == "Repeat victimisation is high"
    assert [t.title for t in priority.themes.all()] == ["Personal harm"]
    assert [(i.name, i.unit, i.partnership_id) for i in priority.indicators.all()] == [
        ("Repeat MARAC referrals", "percentage", world.partnership.pk)
    ]


def test_coordinators_see_the_manage_link_and_others_do_not(client, world):
    client.force_login(world.users["coordinator"])
    assert reverse("plans:manage") in client.get(reverse("home")).content.decode()
    client.force_login(world.users["viewer"])
    assert reverse("plans:manage") not in client.get(reverse("home")).content.decode()


def test_the_plan_page_links_to_the_editor_for_coordinators_only(client, world):
    editor_url = reverse("plans:editor", args=[world.plan.pk])
    client.force_login(world.users["coordinator"])
    assert editor_url in client.get(reverse("plans:plan_detail", args=[world.plan.pk])).content.decode()
    client.force_login(world.users["viewer"])
    assert editor_url not in client.get(reverse("plans:plan_detail", args=[world.plan.pk])).content.decode()


# An objective's theme (issue 11) --------------------------------------------------------------------------


def test_a_coordinator_adds_an_objective_with_a_theme_and_it_shows_on_every_page(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("plans:objective_create", args=[world.plan.pk]), _objective_post(theme="  Violent crime ")
    )
    assert response.status_code == 302
    objective = Objective.objects.get(plan=world.plan, ref="2.1")
    assert objective.theme == "Violent crime"
    assert objective.history.first().history_user == world.users["coordinator"]
    for page, args in (
        ("plans:editor", [world.plan.pk]),
        ("plans:plan_detail", [world.plan.pk]),
        ("plans:objective_detail", [objective.pk]),
        ("plans:plan_check", [world.plan.pk]),
    ):
        body = client.get(reverse(page, args=args)).content.decode()
        assert "Violent crime" in body, page


def test_the_objective_form_offers_the_theme_with_its_hint(client, world):
    world.objective.theme = "Anti-social behaviour"
    world.objective.save()
    client.force_login(world.users["coordinator"])
    body = client.get(reverse("plans:objective_edit", args=[world.objective.pk])).content.decode()
    assert 'name="theme"' in body
    assert 'value="Anti-social behaviour"' in body
    assert "For example Violent crime, or leave blank" in body


def test_a_coordinator_changes_and_clears_an_objectives_theme(client, world):
    client.force_login(world.users["coordinator"])
    url = reverse("plans:objective_edit", args=[world.objective.pk])
    assert client.post(url, _objective_post(ref="1.1", theme="Violent crime")).status_code == 302
    world.objective.refresh_from_db()
    assert world.objective.theme == "Violent crime"
    assert client.post(url, _objective_post(ref="1.1", theme="")).status_code == 302
    world.objective.refresh_from_db()
    assert world.objective.theme == ""
    assert [h.theme for h in world.objective.history.order_by("history_date")][-2:] == ["Violent crime", ""]


def test_a_too_long_theme_gets_the_govuk_error_and_writes_nothing(client, world):
    client.force_login(world.users["coordinator"])
    url = reverse("plans:objective_edit", args=[world.objective.pk])
    response = client.post(url, _objective_post(ref="1.1", theme="x" * 201))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_theme">Theme must be 200 characters or fewer</a>' in body
    assert "<title>Error:" in body
    world.objective.refresh_from_db()
    assert world.objective.theme == ""


def test_the_service_refuses_a_too_long_theme_from_any_caller(world):
    with pytest.raises(ValidationError) as raised:
        objective_update(user=world.users["coordinator"], objective=world.objective, fields={"theme": "x" * 201})
    assert "theme" in raised.value.message_dict
