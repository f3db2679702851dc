"""The yearly cycle (issue 11 point 4): next year's periods, next year's plan, lineage, the old plan read-only."""

from __future__ import annotations

import datetime as dt
import threading
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.urls import reverse

from csp.models import Agency, ReportingPeriod, Role
from csp.services import next_year_periods_due, reporting_periods_ensure, reporting_periods_ensure_all
from csp.tasks import ensure_reporting_periods
from plans.models import Objective, ObjectiveLead, Plan
from plans.rules import PlanReadOnly, carries_forward_q, objective_carry_forward_reason, plan_is_read_only
from plans.selectors.rollover import objective_years
from plans.services.plans import objective_update, section_create
from plans.services.reviews import comment_create, proposal_create, proposal_decide, update_approve
from plans.services.rollover import _copy_leads, plan_rollover_preview, plan_start_next_year
from plans.services.updates import UpdateInput, update_save_draft
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ExpectedOutcomeFactory,
    GroupFactory,
    MembershipFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    PartnershipFactory,
    PersonFactory,
    PlanFactory,
    PriorityFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
)

from .review_setup import build_review_world

# --- Reporting periods -------------------------------------------------------------------------------


def test_periods_of_a_year_have_financial_dates_and_the_partnerships_deadline(db):
    partnership = PartnershipFactory(update_deadline_days=21)
    reporting_periods_ensure(partnership=partnership, financial_year=2015)
    periods = {(p.kind, p.number): p for p in ReportingPeriod.objects.filter(partnership=partnership)}
    assert len(periods) == 7
    q4 = periods[(ReportingPeriod.Kind.QUARTER, 4)]
    assert (q4.start, q4.end, q4.update_deadline) == (dt.date(2016, 1, 1), dt.date(2016, 3, 31), dt.date(2016, 4, 21))
    q1 = periods[(ReportingPeriod.Kind.QUARTER, 1)]
    assert (q1.start, q1.end) == (dt.date(2015, 4, 1), dt.date(2015, 6, 30))
    year = periods[(ReportingPeriod.Kind.YEAR, 1)]
    assert (year.start, year.end) == (dt.date(2015, 4, 1), dt.date(2016, 3, 31))


def test_ensuring_periods_twice_creates_each_once(db):
    partnership = PartnershipFactory()
    first = reporting_periods_ensure(partnership=partnership, financial_year=2015)
    second = reporting_periods_ensure(partnership=partnership, financial_year=2015)
    assert [p.pk for p in first] == [p.pk for p in second]
    assert ReportingPeriod.objects.filter(partnership=partnership).count() == 7


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2015, 11, 1), None),
        (dt.date(2016, 1, 1), None),  # 91 days before 1 April 2016 (a leap year)
        (dt.date(2016, 1, 2), 2016),
        (dt.date(2016, 3, 31), 2016),
        (dt.date(2016, 4, 1), None),
    ],
)
def test_next_years_periods_are_due_from_the_set_number_of_days_before_april(settings, today, due):
    settings.CSP_NEXT_YEAR_PERIODS_DAYS_BEFORE = 90
    assert next_year_periods_due(today) == due


def test_the_daily_run_creates_next_years_periods_once_the_year_is_under_way(db):
    partnership = PartnershipFactory()
    reporting_periods_ensure_all(today=dt.date(2015, 11, 1))
    assert set(ReportingPeriod.objects.filter(partnership=partnership).values_list("financial_year", flat=True)) == {
        2015
    }
    reporting_periods_ensure_all(today=dt.date(2016, 1, 10))
    assert ReportingPeriod.objects.filter(partnership=partnership, financial_year=2016).count() == 7


def test_the_task_is_scheduled_daily_and_ensures_periods(db):
    entry = settings.CELERY_BEAT_SCHEDULE["reporting-periods"]
    assert entry["task"] == "csp.tasks.ensure_reporting_periods"
    partnership = PartnershipFactory()
    ensure_reporting_periods.apply().get()
    assert ReportingPeriod.objects.filter(partnership=partnership).count() >= 7


@pytest.mark.django_db(transaction=True)
def test_two_beat_runs_at_once_create_each_period_once(postgres):
    partnerships = [PartnershipFactory() for _ in range(3)]
    barrier = threading.Barrier(2)
    errors: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            reporting_periods_ensure_all(today=dt.date(2016, 2, 1))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for partnership in partnerships:
        # 2015/16 and 2016/17, seven periods each, none doubled (the unique constraint would refuse it anyway).
        assert ReportingPeriod.objects.filter(partnership=partnership).count() == 14


# --- Next year's plan ------------------------------------------------------------------------------------


@pytest.fixture
def old_plan(db):
    """A live 2014/15 plan: open, complete, struck and archived objectives, with parts and leads."""
    partnership = PartnershipFactory()
    priority = PriorityFactory(partnership=partnership)
    plan = PlanFactory(partnership=partnership, title="Community Safety Action Plan 2014/15")
    plan.priorities.add(priority)
    section = SectionFactory(plan=plan, title="Anti-social behaviour", priority=priority)
    agency = AgencyFactory(partnership=partnership, short_name="SBC")
    group = GroupFactory(partnership=partnership)
    open_one = ObjectiveFactory(plan=plan, section=section, ref="1.1", title="Reduce repeat ASB", notes="Keep going")
    open_one.priorities.add(priority)
    open_one.lead_agencies.add(agency)
    open_one.lead_groups.add(group)
    ActionFactory(objective=open_one, text="Run the JAG")
    ExpectedOutcomeFactory(objective=open_one, number=1, text="Fewer repeat callers")
    MilestoneFactory(objective=open_one, text="Done already", completed_on=dt.date(2014, 6, 1))
    MilestoneFactory(objective=open_one, text="Still to do")
    person = PersonFactory(partnership=partnership, name="Debbie Barker", agency=agency)
    ObjectiveLeadFactory(
        objective=open_one, person=person, agency=agency, kind=ObjectiveLead.Kind.IN_CONJUNCTION, position=3
    )
    ObjectiveFactory(plan=plan, ref="1.2", title="Done", state=Objective.State.COMPLETED)
    ObjectiveFactory(plan=plan, ref="1.3", title="Done by date", completed_on=dt.date(2015, 1, 10))
    ObjectiveFactory(
        plan=plan,
        ref="1.4",
        title="Struck",
        state=Objective.State.STRUCK,
        struck_on=dt.date(2014, 9, 1),
        struck_reason="Agreed by the ODG",
    )
    ObjectiveFactory(plan=plan, ref="1.5", title="Archived", archived_at=dt.datetime(2014, 9, 1, tzinfo=dt.UTC))
    ObjectiveFactory(plan=plan, ref="1.6", title="Another open one")
    coordinator = MembershipFactory(partnership=partnership, roles=(Role.COORDINATOR,)).user
    return plan, coordinator


def test_open_objectives_carry_forward_and_the_others_stay(old_plan):
    plan, coordinator = old_plan
    new_plan = plan_start_next_year(plan, by=coordinator)
    carried = {o.ref: o.carried_forward_from.ref for o in new_plan.objectives.select_related("carried_forward_from")}
    assert carried == {"1.1": "1.1", "1.6": "1.6"}


def test_the_new_plan_is_a_draft_of_the_next_financial_year(old_plan):
    plan, coordinator = old_plan
    new_plan = plan_start_next_year(plan, by=coordinator)
    assert (new_plan.status, new_plan.predecessor, new_plan.title) == (
        Plan.Status.DRAFT,
        plan,
        "Community Safety Action Plan 2015/16",
    )
    assert (new_plan.period_start, new_plan.period_end, new_plan.period_label) == (
        dt.date(2015, 4, 1),
        dt.date(2016, 3, 31),
        "2015/16",
    )
    assert (new_plan.current_period.financial_year, new_plan.current_period.number) == (2015, 1)
    assert ReportingPeriod.objects.filter(partnership=plan.partnership, financial_year=2015).count() == 7
    assert list(new_plan.priorities.all()) == list(plan.priorities.all())


def test_a_carried_objective_keeps_its_parts_links_and_open_milestones(old_plan):
    plan, coordinator = old_plan
    new_plan = plan_start_next_year(plan, by=coordinator)
    carried = new_plan.objectives.get(ref="1.1")
    assert carried.section.plan == new_plan
    assert carried.section.title == "Anti-social behaviour"
    assert (carried.title, carried.notes, carried.state) == ("Reduce repeat ASB", "Keep going", Objective.State.ACTIVE)
    assert [a.text for a in carried.actions.all()] == ["Run the JAG"]
    assert [(o.number, o.text) for o in carried.outcomes.all()] == [(1, "Fewer repeat callers")]
    assert [m.text for m in carried.milestones.all()] == ["Still to do"]
    assert [a.short_name for a in carried.lead_agencies.all()] == ["SBC"]
    assert carried.lead_groups.count() == 1
    assert carried.priorities.count() == 1
    assert carried.history.first().history_user == coordinator


def test_leads_are_copied_field_by_field(old_plan):
    plan, coordinator = old_plan
    new_plan = plan_start_next_year(plan, by=coordinator)
    lead = ObjectiveLead.objects.get(objective__plan=new_plan)
    assert (lead.person.name, lead.agency.short_name, lead.kind, lead.position) == (
        "Debbie Barker",
        "SBC",
        ObjectiveLead.Kind.IN_CONJUNCTION,
        3,
    )


def test_copy_leads_copies_every_concrete_field(old_plan):
    plan, _ = old_plan
    old = plan.objectives.get(ref="1.1")
    new = ObjectiveFactory(plan=plan, ref="9.9")
    _copy_leads(old, new)
    ignored = {"id", "objective"}
    fields = [f.attname for f in ObjectiveLead._meta.concrete_fields if f.name not in ignored]
    assert [tuple(getattr(lead, f) for f in fields) for lead in new.leads.all()] == [
        tuple(getattr(lead, f) for f in fields) for lead in old.leads.all()
    ]


def test_a_second_successor_is_refused(old_plan):
    plan, coordinator = old_plan
    plan_start_next_year(plan, by=coordinator)
    with pytest.raises(ValidationError, match="already been started"):
        plan_start_next_year(plan, by=coordinator, title="Another go")
    assert Plan.objects.filter(predecessor=plan).count() == 1


def test_a_draft_plan_cannot_start_next_year(old_plan):
    plan, coordinator = old_plan
    plan.status = Plan.Status.DRAFT
    plan.save()
    with pytest.raises(ValidationError, match="still a draft"):
        plan_start_next_year(plan, by=coordinator)


def test_only_a_coordinator_may_start_next_years_plan(old_plan):
    plan, _ = old_plan
    lead = MembershipFactory(partnership=plan.partnership, roles=(Role.LEAD_OFFICER,)).user
    with pytest.raises(PermissionDenied):
        plan_start_next_year(plan, by=lead)
    assert not Plan.objects.filter(predecessor=plan).exists()


def test_a_title_already_used_is_refused_with_a_message(old_plan):
    plan, coordinator = old_plan
    PlanFactory(partnership=plan.partnership, title="Taken")
    with pytest.raises(ValidationError, match="already has a plan called Taken"):
        plan_start_next_year(plan, by=coordinator, title="Taken")


def test_a_failure_part_way_leaves_nothing_behind(old_plan):
    plan, coordinator = old_plan
    plans_before = Plan.objects.count()
    with (
        mock.patch("plans.services.rollover._copy_leads", side_effect=RuntimeError("broken")),
        pytest.raises(RuntimeError),
    ):
        plan_start_next_year(plan, by=coordinator)
    assert Plan.objects.count() == plans_before
    assert not Objective.objects.filter(carried_forward_from__isnull=False).exists()


def test_the_preview_says_which_stay_and_why(old_plan):
    plan, _ = old_plan
    preview = plan_rollover_preview(plan)
    assert [o.ref for o in preview.carried] == ["1.1", "1.6"]
    assert {o.ref: reason for o, reason in preview.left} == {
        "1.2": "Complete",
        "1.3": "Complete",
        "1.4": "Struck from the plan",
        "1.5": "Archived",
    }
    assert (preview.financial_year, preview.title) == (2015, "Community Safety Action Plan 2015/16")


def test_the_carry_forward_query_and_predicate_agree(old_plan):
    plan, _ = old_plan
    by_query = set(plan.objectives.filter(carries_forward_q()).values_list("pk", flat=True))
    by_predicate = {o.pk for o in plan.objectives.all() if objective_carry_forward_reason(o) is None}
    assert by_query == by_predicate
    assert len(by_query) == 2


def test_an_objective_is_shown_across_years_with_each_years_status(old_plan):
    plan, coordinator = old_plan
    first = plan.objectives.get(ref="1.1")
    update = QuarterlyUpdateFactory(objective=first, state="approved", rag_status="red", rag_note="Slipped")
    second_plan = plan_start_next_year(plan, by=coordinator)
    second = second_plan.objectives.get(ref="1.1")
    second_plan.status = Plan.Status.LIVE
    second_plan.save()
    third = plan_start_next_year(second_plan, by=coordinator).objectives.get(ref="1.1")
    years = objective_years(user=coordinator, objective=second)
    assert [y.objective.pk for y in years] == [first.pk, second.pk, third.pk]
    assert [y.is_this_one for y in years] == [False, True, False]
    assert [y.status for y in years] == ["red", "no_update", "no_update"]
    assert years[0].status_period == str(update.period)


def test_an_objective_never_carried_has_no_years(old_plan):
    plan, coordinator = old_plan
    assert objective_years(user=coordinator, objective=plan.objectives.get(ref="1.6")) == []


def test_another_partnerships_user_sees_no_years(old_plan):
    plan, coordinator = old_plan
    new_plan = plan_start_next_year(plan, by=coordinator)
    outsider = MembershipFactory(partnership=PartnershipFactory(), roles=(Role.COORDINATOR,)).user
    assert objective_years(user=outsider, objective=new_plan.objectives.get(ref="1.1")) == []


# --- The old plan becomes read-only when its successor is live -----------------------------------------


@pytest.fixture
def world(db):
    return build_review_world()


def _go_live(world):
    successor = plan_start_next_year(world.plan, by=world.user("coordinator"))
    successor.status = Plan.Status.LIVE
    successor.save()
    return successor


def test_a_draft_successor_leaves_the_old_plan_writable(world):
    plan_start_next_year(world.plan, by=world.user("coordinator"))
    assert not plan_is_read_only(world.plan)
    update_approve(reviewer=world.user("chair"), update=world.update)


def test_a_live_successor_makes_the_old_plan_read_only(world):
    _go_live(world)
    assert plan_is_read_only(world.plan)


def test_an_archived_live_successor_does_not(world):
    successor = _go_live(world)
    successor.archived_at = dt.datetime(2015, 5, 1, tzinfo=dt.UTC)
    successor.save()
    assert not plan_is_read_only(world.plan)


WRITES = {
    "update draft": lambda w: update_save_draft(
        user=w.user("lead"),
        objective=w.objective,
        period=w.q2,
        data=UpdateInput(progress="More", rag_status="green"),
        version=0,
    ),
    "approve": lambda w: update_approve(reviewer=w.user("chair"), update=w.update),
    "propose": lambda w: proposal_create(proposer=w.user("lead"), objective=w.objective, kind="strike", reason="Done"),
    "comment": lambda w: comment_create(author=w.user("chair"), objective=w.objective, text="Noted"),
    "objective service (pages and API)": lambda w: objective_update(
        user=None, objective=w.objective, fields={"title": "New"}
    ),
    "section service (pages and API)": lambda w: section_create(user=None, plan=w.plan, fields={"title": "New"}),
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_service_refuses_a_write_to_a_read_only_plan(world, write):
    _go_live(world)
    title, version = world.objective.title, world.update.version
    with pytest.raises(PlanReadOnly, match="read-only: next year's plan is live"):
        WRITES[write](world)
    world.objective.refresh_from_db()
    world.update.refresh_from_db()
    assert (world.objective.title, world.update.version) == (title, version)


def test_deciding_a_proposal_on_a_read_only_plan_is_refused(world):
    proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done")
    _go_live(world)
    with pytest.raises(PlanReadOnly):
        proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=True)
    world.objective.refresh_from_db()
    assert world.objective.state == Objective.State.ACTIVE


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("patch", lambda w: f"/api/objectives/{w.objective.pk}/", lambda w: {"title": "New"}),
        ("patch", lambda w: f"/api/sections/{w.objective.section_id}/", lambda w: {"title": "New"}),
        ("delete", lambda w: f"/api/objectives/{w.objective.pk}/", lambda w: None),
        (
            "post",
            lambda w: "/api/objectives/",
            lambda w: {"plan": w.plan.pk, "title": "Added late", "ref": "9.9"},
        ),
        (
            "post",
            lambda w: "/api/updates/",
            lambda w: {"objective": w.objective.pk, "period": w.q2.pk, "progress": "More", "rag_status": "green"},
        ),
    ],
    ids=["patch objective", "patch section", "delete objective", "add objective", "post update"],
)
def test_the_api_answers_400_with_the_message(client, world, method, url, body):
    if world.objective.section_id is None:
        world.objective.section = SectionFactory(plan=world.plan)
        world.objective.save()
    _go_live(world)
    client.force_login(world.user("coordinator"))
    data = body(world)
    response = getattr(client, method)(url(world), data=data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "read-only" in response.text
    world.objective.refresh_from_db()
    assert world.objective.archived_at is None
    assert world.objective.title != "New"


def test_the_admin_shows_a_read_only_plans_objective_without_saving(client, world):
    _go_live(world)
    admin = MembershipFactory(partnership=world.partnership, roles=(Role.COORDINATOR,)).user
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:plans_objective_change", args=[world.objective.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    response = client.post(url, {"title": "Changed in the admin"})
    assert response.status_code == 403
    world.objective.refresh_from_db()
    assert world.objective.title != "Changed in the admin"


def test_agency_model_is_unchanged_by_rollover(old_plan):
    """Rollover copies links to agencies; it never copies the agencies themselves."""
    plan, coordinator = old_plan
    before = Agency.objects.count()
    plan_start_next_year(plan, by=coordinator)
    assert Agency.objects.count() == before


def test_the_admin_refuses_to_add_an_objective_to_a_read_only_plan(client, world):
    _go_live(world)
    admin = MembershipFactory(partnership=world.partnership, roles=(Role.COORDINATOR,)).user
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    before = Objective.objects.filter(plan=world.plan).count()
    response = client.post(
        reverse("admin:plans_objective_add"),
        {
            "plan": world.plan.pk,
            "title": "Added to last year",
            "state": "active",
            "position": 0,
            **{
                f"{prefix}-{key}": value
                for prefix in ("actions", "outcomes", "milestones", "leads")
                for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
            },
        },
    )
    assert response.status_code == 200
    assert "read-only: next year" in response.text
    assert Objective.objects.filter(plan=world.plan).count() == before
