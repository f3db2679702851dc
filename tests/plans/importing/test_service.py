"""plans.services.importing.plan_import: a PlanDraft stored in one transaction through the editor's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csp.models import Agency, Group, Person, Role
from plans.importing.drafts import LeadDraft, MilestoneDraft, ObjectiveDraft, OutcomeDraft, PlanDraft, SectionDraft
from plans.models import (
    Action,
    ExpectedOutcome,
    Milestone,
    MilestoneLead,
    Objective,
    ObjectiveLead,
    Plan,
    Section,
)
from plans.selectors.access import can_change_plan_content
from plans.services.importing import plan_import, plan_period
from priorities.models import Priority
from tests.factories import AgencyFactory, GroupFactory, PartnershipFactory, PersonFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db

WRITTEN_MODELS = (Plan, Section, Objective, Action, ExpectedOutcome, Milestone, ObjectiveLead, MilestoneLead)


@pytest.fixture
def coordinator(partnership, make_member):
    return make_member(partnership, Role.COORDINATOR)


def _objective(row: int = 5, **fields) -> ObjectiveDraft:
    values = {
        "source": "Sheet 'Plan'",
        "ref": f"1.{row}",
        "title": f"Objective of row {row}",
        "priority": "Domestic abuse",
        "section": "1. Domestic abuse",
    }
    return ObjectiveDraft(row=row, **{**values, **fields})


def full_draft() -> PlanDraft:
    """Two priorities, two sections, three objectives with every part."""
    first = _objective(
        row=2,
        ref="1.1",
        title="Raise awareness of domestic abuse services",
        theme="Personal harm",
        actions=["Run the White Ribbon campaign", "Train front-line staff"],
        outcomes=[
            OutcomeDraft(number=1, text="At least 4 campaigns run", target_value=Decimal("4"), target_unit="campaigns"),
            OutcomeDraft(number=2, text="Staff trained", budget=Decimal("1500.00")),
        ],
        milestones=[
            MilestoneDraft(
                text="Campaign launched",
                due_date=dt.date(2014, 11, 25),
                due_text="25 November 2014",
                lead_text="SBC",
                cost_amount=Decimal("250.00"),
                leads=[
                    LeadDraft(organisation="Stevenage Borough Council"),
                    LeadDraft(group="ODG", kind="in_conjunction"),
                ],
            ),
            MilestoneDraft(text="Review of the campaign"),
        ],
        leads=[
            LeadDraft(
                person_name="Jane Smith",
                job_title="Community Safety Manager",
                organisation="Stevenage Borough Council",
            ),
            LeadDraft(job_title="Chief Inspector", organisation="Hertfordshire Constabulary", kind="reporting"),
        ],
        lead_text="SBC / Chief Inspector (Herts Police)",
        lead_groups=["Domestic Abuse Forum"],
        due_date=dt.date(2015, 3, 31),
        due_text="March 2015",
        resources="Officer time\nLeaflets",
        cost_amount=Decimal("2000.00"),
        cost_text="",
        target_and_indicator="Reports of domestic abuse up 5%",
    )
    second = _objective(row=3, ref="1.2", title="Support victims at high risk", due_text="Ongoing", cost_text="TBC")
    third = _objective(
        row=4,
        ref="2.1",
        title="Reduce shoplifting in the town centre",
        priority="Acquisitive crime",
        section="2. Acquisitive crime",
        leads=[LeadDraft(job_title="Town Centre Manager")],
    )
    return PlanDraft(
        title="Action plan 2014/15",
        period_label="2014/15",
        priorities=["Domestic abuse", "Acquisitive crime"],
        sections=[
            SectionDraft(title="1. Domestic abuse", number="1", priority="Domestic abuse"),
            SectionDraft(title="2. Acquisitive crime", number="2", priority="Acquisitive crime"),
        ],
        objectives=[first, second, third],
    )


def _counts_of_rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in WRITTEN_MODELS}


def test_import_stores_a_draft_plan_with_its_period_and_source(partnership, coordinator):
    result = plan_import(
        user=coordinator,
        partnership=partnership,
        draft=full_draft(),
        source_sha256="a" * 64,
        source_name="stevenage.xlsx",
    )

    assert result.errors == []
    plan = result.plan
    assert plan is not None
    assert plan.pk is not None
    assert (plan.title, plan.status, plan.kind) == ("Action plan 2014/15", Plan.Status.DRAFT, Plan.Kind.ANNUAL)
    assert (plan.period_start, plan.period_end, plan.period_label) == (
        dt.date(2014, 4, 1),
        dt.date(2015, 3, 31),
        "2014/15",
    )
    assert (plan.source_sha256, plan.imported_from) == ("a" * 64, "stevenage.xlsx")
    assert sorted(plan.priorities.values_list("title", flat=True)) == ["Acquisitive crime", "Domestic abuse"]


def test_import_counts_what_it_created(partnership, coordinator):
    result = plan_import(user=coordinator, partnership=partnership, draft=full_draft())

    assert result.counts == {
        "priorities": 2,
        "new_priorities": 2,
        "sections": 2,
        "objectives": 3,
        "actions": 2,
        "outcomes": 2,
        "milestones": 2,
        "leads": 5,
        "organisations": 2,
        "groups": 2,
        "people": 1,
    }


def test_import_stores_every_field_of_an_objective_and_its_parts(partnership, coordinator):
    plan = plan_import(user=coordinator, partnership=partnership, draft=full_draft()).plan

    objective = plan.objectives.get(ref="1.1")
    assert objective.title == "Raise awareness of domestic abuse services"
    assert objective.theme == "Personal harm"
    assert objective.section.title == "1. Domestic abuse"
    assert objective.section.number == "1"
    assert objective.section.priority.title == "Domestic abuse"
    assert list(objective.priorities.values_list("title", flat=True)) == ["Domestic abuse"]
    assert objective.lead_text == "SBC / Chief Inspector (Herts Police)"
    assert (objective.due_date, objective.due_text) == (dt.date(2015, 3, 31), "March 2015")
    assert objective.resources == "Officer time\nLeaflets"
    assert (objective.cost_amount, objective.cost_text) == (Decimal("2000.00"), "")
    assert objective.target_and_indicator == "Reports of domestic abuse up 5%"
    assert [group.name for group in objective.lead_groups.all()] == ["Domestic Abuse Forum"]
    assert list(objective.actions.values_list("position", "text")) == [
        (0, "Run the White Ribbon campaign"),
        (1, "Train front-line staff"),
    ]
    assert list(objective.outcomes.values_list("number", "text", "target_value", "target_unit", "budget")) == [
        (1, "At least 4 campaigns run", Decimal("4.000"), "campaigns", None),
        (2, "Staff trained", None, "", Decimal("1500.00")),
    ]
    launched, review = objective.milestones.all()
    assert (launched.text, launched.due_date, launched.due_text, launched.lead_text, launched.cost_amount) == (
        "Campaign launched",
        dt.date(2014, 11, 25),
        "25 November 2014",
        "SBC",
        Decimal("250.00"),
    )
    leads = [(lead.agency, lead.group, lead.kind) for lead in launched.leads.all()]
    assert [(str(agency or ""), str(group or ""), kind) for agency, group, kind in leads] == [
        ("Stevenage Borough Council", "", "lead"),
        ("", "ODG", "in_conjunction"),
    ]
    assert (review.text, review.due_date, review.due_text) == ("Review of the campaign", None, "")
    assert review.leads.count() == 0
    second = plan.objectives.get(ref="1.2")
    assert (second.due_date, second.due_text, second.cost_amount, second.cost_text) == (None, "Ongoing", None, "TBC")
    assert list(plan.objectives.values_list("ref", flat=True)) == ["1.1", "1.2", "2.1"]


def test_leads_keep_person_job_title_organisation_and_kind(partnership, coordinator):
    plan = plan_import(user=coordinator, partnership=partnership, draft=full_draft()).plan

    jane, inspector = plan.objectives.get(ref="1.1").leads.select_related("person", "agency")
    assert (jane.person.name, jane.job_title, jane.agency.name, jane.kind) == (
        "Jane Smith",
        "Community Safety Manager",
        "Stevenage Borough Council",
        "lead",
    )
    assert jane.person.user is None
    assert jane.person.agency == jane.agency
    assert (inspector.person, inspector.job_title, inspector.agency.name, inspector.kind) == (
        None,
        "Chief Inspector",
        "Hertfordshire Constabulary",
        "reporting",
    )
    (manager,) = plan.objectives.get(ref="2.1").leads.all()
    assert (manager.person, manager.agency, manager.group) == (None, None, None)
    assert manager.job_title == "Town Centre Manager"


def test_existing_agencies_groups_people_and_priorities_are_reused_by_name_whatever_the_case(partnership, coordinator):
    council = AgencyFactory(partnership=partnership, name="Stevenage Borough Council", short_name="SBC")
    police = AgencyFactory(partnership=partnership, name="Hertfordshire Constabulary", short_name="Herts Police")
    odg = GroupFactory(partnership=partnership, name="Operational Delivery Group", short_name="ODG")
    forum = GroupFactory(partnership=partnership, name="Domestic abuse forum")
    jane = PersonFactory(partnership=partnership, name="Jane Smith", job_title="Manager")
    abuse = PriorityFactory(partnership=partnership, title="DOMESTIC ABUSE", code="DA")
    draft = full_draft()
    draft.objectives[0].leads[1].organisation = "herts police"

    result = plan_import(user=coordinator, partnership=partnership, draft=draft)

    assert (result.counts["organisations"], result.counts["groups"], result.counts["people"]) == (0, 0, 0)
    assert (result.counts["priorities"], result.counts["new_priorities"]) == (2, 1)
    objective = result.plan.objectives.get(ref="1.1")
    assert [(lead.person, lead.agency) for lead in objective.leads.all()] == [(jane, council), (None, police)]
    assert [lead.group for lead in objective.milestones.first().leads.all()] == [None, odg]
    assert list(objective.lead_groups.all()) == [forum]
    assert list(objective.priorities.all()) == [abuse]
    assert Agency.objects.filter(partnership=partnership).count() == 2
    new_priority = Priority.objects.get(partnership=partnership, title="Acquisitive crime")
    assert (new_priority.period_start, new_priority.period_end, new_priority.code) == (
        dt.date(2014, 4, 1),
        dt.date(2015, 3, 31),
        "2",
    )


def test_another_partnerships_agency_or_priority_of_the_same_name_is_not_used(partnership, coordinator):
    other = PartnershipFactory()
    AgencyFactory(partnership=other, name="Stevenage Borough Council")
    PriorityFactory(partnership=other, title="Domestic abuse")

    result = plan_import(user=coordinator, partnership=partnership, draft=full_draft())

    assert result.counts["new_priorities"] == 2
    for lead in ObjectiveLead.objects.filter(objective__plan=result.plan, agency__isnull=False):
        assert lead.agency.partnership == partnership
    assert {p.partnership for p in result.plan.priorities.all()} == {partnership}


def test_a_row_refused_by_the_services_is_named_and_nothing_is_written(partnership, coordinator):
    before = _counts_of_rows()
    draft = full_draft()
    draft.objectives[1].ref = "1.1"  # the same reference as row 2
    draft.objectives[2].outcomes = [OutcomeDraft(number=1, text="a"), OutcomeDraft(number=1, text="b")]

    result = plan_import(user=coordinator, partnership=partnership, draft=draft)

    assert result.plan is None
    assert result.errors == [
        "Row 3: Another objective of this plan has this reference",
        "Row 4: Each expected outcome has its own number",
    ]
    assert _counts_of_rows() == before
    assert not Plan.objects.filter(partnership=partnership).exists()
    assert not Objective.objects.exists()
    assert not Agency.objects.filter(partnership=partnership).exists()
    assert not Priority.objects.filter(partnership=partnership).exists()


def test_a_lead_refused_by_its_service_names_the_row_and_the_lead(partnership, coordinator):
    draft = full_draft()
    twice = LeadDraft(person_name="Jane Smith", organisation="Stevenage Borough Council")
    draft.objectives[1].leads = [twice, LeadDraft(person_name="jane smith", organisation="stevenage borough council")]

    result = plan_import(user=coordinator, partnership=partnership, draft=draft)

    assert result.errors == ["Row 3: Lead 2, person: Jane Smith already leads for this organisation in row 1"]
    assert not Plan.objects.exists()
    assert not Person.objects.exists()


def test_a_text_too_long_is_a_row_error(partnership, coordinator):
    draft = full_draft()
    draft.objectives[2].title = "x" * 2001

    result = plan_import(user=coordinator, partnership=partnership, draft=draft)

    assert result.errors == ["Row 4: Title must be 2,000 characters or fewer"]
    assert not Objective.objects.exists()


def test_a_plan_title_already_used_is_a_file_level_error(partnership, coordinator):
    PlanFactory(partnership=partnership, title="Action plan 2014/15")

    result = plan_import(user=coordinator, partnership=partnership, draft=full_draft())

    assert result.errors == ["The partnership already has a plan with this title"]
    assert Plan.objects.count() == 1
    assert not Objective.objects.exists()


def test_a_draft_with_errors_writes_nothing_and_returns_its_errors(partnership, coordinator):
    draft = full_draft()
    draft.errors = ["No column holds the objective"]
    draft.objectives[1].errors = ["the objective has no title"]
    draft.objectives[2].errors = ["Row 4: more dates than milestones"]

    result = plan_import(user=coordinator, partnership=partnership, draft=draft)

    assert result.errors == [
        "No column holds the objective",
        "Row 3: the objective has no title",
        "Row 4: more dates than milestones",
    ]
    assert (result.plan, result.duplicate_of) == (None, None)
    assert not Plan.objects.exists()
    assert not Agency.objects.exists()


def test_a_dry_run_gives_the_same_counts_and_writes_nothing(partnership, coordinator):
    before = _counts_of_rows()

    dry = plan_import(user=coordinator, partnership=partnership, draft=full_draft(), dry_run=True)

    assert (dry.errors, dry.plan) == ([], None)
    assert _counts_of_rows() == before
    assert not Agency.objects.exists()
    assert not Group.objects.exists()
    assert not Priority.objects.exists()
    real = plan_import(user=coordinator, partnership=partnership, draft=full_draft())
    assert dry.counts == real.counts
    assert real.plan is not None


def test_a_dry_run_reports_the_rows_the_services_refuse(partnership, coordinator):
    draft = full_draft()
    draft.objectives[2].ref = "1.1"

    result = plan_import(user=coordinator, partnership=partnership, draft=draft, dry_run=True)

    assert result.errors == ["Row 4: Another objective of this plan has this reference"]
    assert not Plan.objects.exists()


def test_the_same_file_imported_again_is_not_written_twice(partnership, coordinator):
    first = plan_import(user=coordinator, partnership=partnership, draft=full_draft(), source_sha256="b" * 64)

    again = plan_import(
        user=coordinator, partnership=partnership, draft=full_draft(), source_sha256="b" * 64, title="Another title"
    )

    assert again.duplicate_of == first.plan
    assert again.plan is None
    assert again.errors == []
    day = first.plan.created_at
    assert again.duplicate_message == f"This file was imported on {day.day} {day:%B %Y} as Action plan 2014/15"
    assert Plan.objects.count() == 1


def test_a_file_imported_as_a_plan_since_archived_may_be_imported_again(partnership, coordinator):
    first = plan_import(user=coordinator, partnership=partnership, draft=full_draft(), source_sha256="c" * 64).plan
    first.archived_at = first.created_at
    first.save()

    again = plan_import(
        user=coordinator, partnership=partnership, draft=full_draft(), source_sha256="c" * 64, title="Second go"
    )

    assert again.duplicate_of is None
    assert again.plan.title == "Second go"


def test_the_same_file_for_another_partnership_is_not_a_duplicate(partnership, coordinator, make_member):
    plan_import(user=coordinator, partnership=partnership, draft=full_draft(), source_sha256="d" * 64)
    other = PartnershipFactory()

    result = plan_import(
        user=make_member(other, Role.COORDINATOR), partnership=other, draft=full_draft(), source_sha256="d" * 64
    )

    assert result.duplicate_of is None
    assert result.plan.partnership == other


def test_the_title_given_wins_then_the_files_then_the_file_name(partnership, coordinator):
    given = plan_import(user=coordinator, partnership=partnership, draft=full_draft(), title="Given title").plan
    untitled = full_draft()
    untitled.title = ""
    named = plan_import(user=coordinator, partnership=partnership, draft=untitled, source_name="Plan 2014-15.docx")

    assert given.title == "Given title"
    assert named.plan.title == "Plan 2014-15"


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2014/15", dt.date(2014, 4, 1), dt.date(2015, 3, 31)),
        ("2011 - 2014", dt.date(2011, 4, 1), dt.date(2014, 3, 31)),
        ("2011 – 2014", dt.date(2011, 4, 1), dt.date(2014, 3, 31)),
        ("2008-2009", dt.date(2008, 4, 1), dt.date(2009, 3, 31)),
        ("Action plan 2008-09", dt.date(2008, 4, 1), dt.date(2009, 3, 31)),
        ("1999/00", dt.date(1999, 4, 1), dt.date(2000, 3, 31)),
        ("2016", dt.date(2016, 4, 1), dt.date(2017, 3, 31)),
        ("", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ],
)
def test_plan_period_reads_financial_years_from_the_label(label, start, end):
    assert plan_period(label, today=dt.date(2026, 12, 6)) == (start, end)


def test_a_three_year_period_makes_a_strategic_plan(partnership, coordinator):
    draft = full_draft()
    draft.period_label = "2011 – 2014"

    plan = plan_import(user=coordinator, partnership=partnership, draft=draft).plan

    assert (plan.kind, plan.period_start, plan.period_end) == (
        Plan.Kind.STRATEGIC,
        dt.date(2011, 4, 1),
        dt.date(2014, 3, 31),
    )


@pytest.mark.parametrize("role", [Role.GROUP_CHAIR, Role.LEAD_OFFICER, Role.ANALYST, Role.VIEWER])
def test_only_a_coordinator_may_import(partnership, make_member, role):
    with pytest.raises(PermissionDenied):
        plan_import(user=make_member(partnership, role), partnership=partnership, draft=full_draft())
    assert not Plan.objects.exists()


def test_another_partnerships_coordinator_may_not_import(partnership, make_member):
    outsider = make_member(PartnershipFactory(), Role.COORDINATOR)

    with pytest.raises(PermissionDenied):
        plan_import(user=outsider, partnership=partnership, draft=full_draft(), dry_run=True)
    assert not Plan.objects.exists()


def test_the_operator_imports_without_a_user(partnership):
    result = plan_import(user=None, partnership=partnership, draft=full_draft(), source_name="plan.xlsx")

    assert result.errors == []
    assert result.plan.history.earliest().history_user is None


def test_every_row_created_names_the_user_in_its_history(partnership, coordinator):
    plan = plan_import(user=coordinator, partnership=partnership, draft=full_draft(), source_name="plan.xlsx").plan

    created = plan.history.earliest()
    assert (created.history_user, created.history_change_reason) == (coordinator, "Imported from plan.xlsx")
    objective = plan.objectives.get(ref="1.1")
    rows = [
        objective,
        objective.section,
        objective.actions.first(),
        objective.outcomes.first(),
        objective.milestones.first(),
        objective.leads.first(),
        objective.milestones.first().leads.first(),
        objective.leads.first().agency,
        objective.leads.first().person,
        objective.lead_groups.first(),
        objective.priorities.first(),
    ]
    for row in rows:
        assert row.history.earliest().history_user == coordinator, type(row).__name__


def test_an_objective_under_several_priorities_addresses_each_and_its_section_the_first(partnership, coordinator):
    draft = full_draft()
    draft.sections = []
    draft.objectives[2].priority = "Acquisitive crime\nDomestic abuse"

    plan = plan_import(user=coordinator, partnership=partnership, draft=draft).plan

    objective = plan.objectives.get(ref="2.1")
    assert sorted(objective.priorities.values_list("title", flat=True)) == ["Acquisitive crime", "Domestic abuse"]
    assert objective.section.priority.title == "Acquisitive crime"
    assert plan.priorities.count() == 2


def test_new_priorities_are_numbered_in_the_order_an_objective_lists_them(partnership, coordinator):
    draft = full_draft()
    draft.priorities = []
    draft.sections = [SectionDraft(title="Key delivery")]
    draft.objectives = [
        _objective(row=2, ref="A", priority="Arson", section="Key delivery"),
        _objective(row=3, ref="B", priority="Antisocial behaviour", section="Key delivery"),
        _objective(row=4, ref="C", priority="Alcohol\nAntisocial behaviour", section="Key delivery"),
    ]

    plan = plan_import(user=coordinator, partnership=partnership, draft=draft).plan

    ordered = Priority.objects.filter(partnership=partnership).order_by("position")
    assert [(p.position, p.code, p.title) for p in ordered] == [
        (1, "1", "Arson"),
        (2, "2", "Alcohol"),
        (3, "3", "Antisocial behaviour"),
    ]
    assert list(plan.objectives.get(ref="C").priorities.values_list("title", flat=True)) == [
        "Alcohol",
        "Antisocial behaviour",
    ]


def test_a_refused_row_of_a_plan_in_several_tables_names_its_table(partnership, coordinator):
    draft = full_draft()
    draft.objectives[2].source = "Table 2"
    draft.objectives[2].row = 2
    draft.objectives[2].ref = "1.1"

    result = plan_import(user=coordinator, partnership=partnership, draft=draft)

    assert result.errors == ["Row 2 of Table 2: Another objective of this plan has this reference"]


def _queries_to_import(partnership, user, objectives: int) -> int:
    draft = full_draft()
    template = draft.objectives[0]
    draft.objectives = [
        ObjectiveDraft(**{**template.__dict__, "row": row, "ref": f"R{row}"}) for row in range(2, 2 + objectives)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert plan_import(user=user, partnership=partnership, draft=draft, dry_run=True).errors == []
    return len(queries)


def test_each_objective_costs_the_same_number_of_queries(partnership, coordinator):
    """Names already met (organisations, groups, people, priorities, sections) are not looked up again.

    The first objectives make the organisations, groups and people; from the third on each costs the same.
    """
    assert can_change_plan_content(coordinator, partnership.pk)  # the user's roles are read once, here
    two, three, ten = (_queries_to_import(partnership, coordinator, count) for count in (2, 3, 10))

    per_objective = three - two
    assert ten == three + 7 * per_objective
    assert per_objective <= 70  # its row, parts and leads with their history rows, savepoint, locks
