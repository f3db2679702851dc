"""The demo loader holds the three real plans as published, and the Stevenage Q1 2014/15 update."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from csp.models import Group, Membership, Partnership, Person, RagStatus, ReportingPeriod
from plans.demo import DEMO_PASSWORD, demo_load
from plans.models import ChangeProposal, Objective, ObjectiveLead, OutcomeStatus, Plan, QuarterlyUpdate
from plans.rules import lead_label
from priorities.models import Indicator, Priority

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def loaded(django_db_setup, django_db_blocker) -> Iterator[dict[str, int]]:
    """Load the demo once for the module, inside a transaction rolled back at its end.

    Each test runs in a savepoint inside it, like Django's TestCase.setUpTestData, so the
    module reads the same data without loading it 60 times.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


@pytest.fixture
def counts(loaded) -> dict[str, int]:
    return loaded


def objective(slug: str, ref: str = "", title: str = "") -> Objective:
    lookup = {"ref": ref} if ref else {"title": title}
    return Objective.objects.get(plan__partnership__slug=slug, **lookup)


def q1_update(ref: str) -> QuarterlyUpdate:
    return QuarterlyUpdate.objects.get(
        objective__plan__partnership__slug="stevenage",
        objective__ref=ref,
        period__financial_year=2014,
        period__kind="quarter",
        period__number=1,
    )


def history_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.model_name.startswith("historical")
    }


# Loading


def test_loading_twice_changes_nothing(counts):
    history_before = history_counts()

    again = demo_load()

    assert again == counts
    assert history_counts() == history_before


def test_load_returns_the_rows_per_model(counts):
    assert counts["Partnership"] == 3
    assert counts["Plan"] == 3
    assert counts["Objective"] == 27 + 37 + 14
    assert counts["QuarterlyUpdate"] == 27
    assert counts["OutcomeStatus"] == counts["ExpectedOutcome"] == 57
    assert counts["User"] == 15


@pytest.mark.parametrize(
    ("slug", "years"),
    [("stevenage", {2014}), ("east-herts", {2008}), ("hastings", {2011, 2012, 2013})],
)
def test_reporting_periods_cover_each_plan(slug, years):
    periods = ReportingPeriod.objects.filter(partnership__slug=slug)

    assert set(periods.values_list("financial_year", flat=True)) == years
    assert periods.count() == 7 * len(years)


@pytest.mark.parametrize(
    ("slug", "kind", "financial_year", "number"),
    [("stevenage", "quarter", 2014, 2), ("east-herts", "quarter", 2008, 1), ("hastings", "quarter", 2011, 1)],
)
def test_current_period_of_each_plan(slug, kind, financial_year, number):
    period = Plan.objects.get(partnership__slug=slug).current_period

    assert (period.kind, period.financial_year, period.number) == (kind, financial_year, number)


@pytest.mark.parametrize(
    ("slug", "year", "population"),
    [("stevenage", 2014, 86000), ("east-herts", 2008, 137000), ("hastings", 2011, 90300)],
)
def test_populations(slug, year, population):
    partnership = Partnership.objects.get(slug=slug)

    assert partnership.populations.get(financial_year=year).population == population


# Stevenage 2014/15


def test_stevenage_has_six_priorities_with_their_objectives():
    priorities = Priority.objects.filter(partnership__slug="stevenage").order_by("position")
    per_priority = {p.code: p.objectives.count() for p in priorities}

    assert [p.title for p in priorities] == [
        "Domestic abuse",
        "Acquisitive crime",
        "Violent crime, alcohol and drugs",
        "Hate crime",
        "Community reassurance",
        "ASB, criminal damage",
    ]
    assert per_priority == {"1": 3, "2": 5, "3": 5, "4": 3, "5": 4, "6": 7}


def test_stevenage_priority_lead_agencies_and_indicators():
    violent = Priority.objects.get(partnership__slug="stevenage", code="3")
    domestic = Priority.objects.get(partnership__slug="stevenage", code="1")

    assert sorted(a.short_name for a in violent.lead_agencies.all()) == ["Police", "SBC"]
    assert violent.lead_agency_text == "Police, Stevenage Borough Council"
    assert domestic.indicators_text == (
        "domestic abuse crimes per 1000 head of population, number of police recorded crimes"
    )
    assert {(i.name, i.unit) for i in domestic.indicators.all()} == {
        ("Domestic abuse crimes per 1000 head of population", Indicator.Unit.RATE_PER_1000),
        ("Number of police recorded crimes", Indicator.Unit.COUNT),
    }


def test_stevenage_plan_is_kept_by_the_odg():
    plan = Plan.objects.get(partnership__slug="stevenage")
    odg = Group.objects.get(partnership__slug="stevenage", short_name="ODG")
    rag = Group.objects.get(partnership__slug="stevenage", short_name="RAG")

    assert plan.owning_group == odg
    assert plan.status == Plan.Status.LIVE
    assert odg.chair.name == "Sam Chair"
    assert odg.next_meeting is not None
    assert rag.kind == Group.Kind.BOARD
    assert rag.next_meeting == dt.date(2014, 10, 27)
    assert plan.funding_statement.startswith("Lack of community safety funding is an issue")


def test_stevenage_1_1_outcomes():
    outcomes = objective("stevenage", "1.1").outcomes.all()

    assert [(o.number, o.text, o.target_value, o.target_unit) for o in outcomes] == [
        (1, "At least one campaign undertaken this year.", Decimal(1), "campaigns"),
        (
            2,
            "20% annual decrease in offending by Stevenage perpetrators involved in Herts Change (after year one).",
            Decimal(20),
            "%",
        ),
    ]


def test_stevenage_3_5_has_seven_outcomes():
    outcomes = objective("stevenage", "3.5").outcomes.all()

    assert [o.number for o in outcomes] == [1, 2, 3, 4, 5, 6, 7]
    assert outcomes[0].text == "100% of referrals to No More agreed (or referred on) at ODG."
    assert outcomes[6].text == "50% of clients have no ASB associated with them on leaving the project."


def test_stevenage_6_4_has_four_outcomes():
    texts = [o.text for o in objective("stevenage", "6.4").outcomes.all()]

    assert texts == [
        "At least two Operation Sabre patrols conducted each quarter.",
        "Quarterly 5% decrease in ASB.",
        "Quarterly 5% decrease in criminal damage.",
        "Incidence of deliberate fire not more than 2 per thousand head of population.",
    ]


def test_stevenage_6_5_has_four_outcomes():
    assert objective("stevenage", "6.5").outcomes.count() == 4


def test_stevenage_4_2_leads_with_in_conjunction():
    leads = objective("stevenage", "4.2").leads.select_related("person", "agency")

    assert [(lead.person.name, lead.agency.short_name, lead.kind) for lead in leads] == [
        ("Debbie Barker", "SBC", ObjectiveLead.Kind.LEAD),
        ("Sarah Taylor", "CCSU", ObjectiveLead.Kind.IN_CONJUNCTION),
    ]
    assert objective("stevenage", "4.2").lead_text == "SBC Debbie Barker in conjunction with CCSU Sarah Taylor"


def test_stevenage_6_4_leads_carry_job_titles():
    leads = objective("stevenage", "6.4").leads.select_related("person", "agency", "group")
    people = [lead.person for lead in leads if lead.person]

    assert [str(person) for person in people] == ["Station Commander Billy McGill", "Sgt James Moatt"]
    assert [g.short_name for g in objective("stevenage", "6.4").lead_groups.all()] == ["ODG"]
    # The leads hold the job titles as the plan writes them, and the lead column's last words, 'ODG (All)'.
    assert [lead_label(lead) for lead in leads] == [
        "Billy McGill, Station Commander (HFRS)",
        "James Moatt, Sgt (Police)",
        "ODG",
    ]


@pytest.mark.parametrize(
    ("ref", "due_text", "due_date"),
    [
        ("1.1", "March 2015", dt.date(2015, 3, 31)),
        ("1.2", "Summer 2014 / As required.", None),
        ("1.3", "Quarterly", None),
        ("2.4", "When necessary and appropriate.", None),
        ("3.3", "February 2015", dt.date(2015, 2, 28)),
        ("3.5", "Fortnightly / quarterly", None),
        ("4.1", "May 2014", dt.date(2014, 5, 31)),
        ("5.2", "July 2014", dt.date(2014, 7, 31)),
        ("6.1", "Ongoing", None),
        ("6.2", "September 2014", dt.date(2014, 9, 30)),
    ],
)
def test_stevenage_due_words_and_dates(ref, due_text, due_date):
    item = objective("stevenage", ref)

    assert (item.due_text, item.due_date) == (due_text, due_date)


def test_stevenage_project_campaign_labels():
    labelled = Objective.objects.filter(plan__partnership__slug="stevenage", label="Project / campaign")

    assert sorted(labelled.values_list("ref", flat=True)) == ["2.2", "3.3", "5.4", "6.7"]


def test_stevenage_resources_one_per_line_in_order():
    assert objective("stevenage", "2.2").resource_list == [
        "Officer time / PCSOs",
        "Retailers",
        "Town Centre management.",
        "Backing of Chamber of Commerce.",
        "Publicity materials.",
        "Ex shoplifters / offenders.",
        "Internal & external funding streams.",
    ]


def test_stevenage_further_aims_are_actions():
    assert [a.text for a in objective("stevenage", "1.2").actions.all()] == [
        "Commission regular or ad hoc data analysis when required."
    ]
    assert objective("stevenage", "3.2").actions.count() == 2


def test_stevenage_keeps_published_spelling():
    progress = q1_update("3.5").progress

    assert "has been reruited." in progress
    assert "Concerns around Specrum referring" in progress


# Stevenage Q1 2014/15 update


def test_every_stevenage_objective_has_a_submitted_q1_update_by_its_lead():
    updates = QuarterlyUpdate.objects.filter(objective__plan__partnership__slug="stevenage")

    assert updates.count() == 27
    assert set(updates.values_list("state", flat=True)) == {QuarterlyUpdate.State.SUBMITTED}
    assert q1_update("4.2").author_name == "SBC Debbie Barker in conjunction with CCSU Sarah Taylor"
    assert q1_update("1.3").progress == "Updates will be presented at 27 Oct RAG meeting."


def test_q1_red_and_amber_outcomes_are_exactly_those_the_document_words():
    coloured = OutcomeStatus.objects.filter(
        update__objective__plan__partnership__slug="stevenage", rag_status__in=[RagStatus.RED, RagStatus.AMBER]
    ).select_related("update__objective", "outcome")

    assert sorted((s.update.objective.ref, s.outcome.number, s.rag_status, s.note) for s in coloured) == [
        ("2.2", 1, RagStatus.RED, "Not started – at risk due to staff resource pressures"),
        ("2.5", 3, RagStatus.RED, "Not started"),
        ("4.1", 1, RagStatus.RED, "Not started"),
        ("4.2", 1, RagStatus.RED, "Not started"),
        ("5.1", 2, RagStatus.AMBER, "Event scaled down due to time / resourcing issues"),
        ("6.5", 2, RagStatus.RED, "Not started"),
    ]


def test_q1_outcomes_without_words_are_not_updated():
    statuses = OutcomeStatus.objects.filter(update__objective__plan__partnership__slug="stevenage")

    assert Counter(statuses.values_list("rag_status", flat=True)) == {
        RagStatus.NOT_UPDATED: 51,
        RagStatus.RED: 5,
        RagStatus.AMBER: 1,
    }
    assert not statuses.filter(rag_status=RagStatus.NOT_UPDATED).exclude(note="").exists()


def test_q1_overall_status_is_the_worst_given_outcome_status():
    updates = QuarterlyUpdate.objects.filter(objective__plan__partnership__slug="stevenage")
    by_status = {
        status: sorted(updates.filter(rag_status=status).values_list("objective__ref", flat=True))
        for status in (RagStatus.RED, RagStatus.AMBER)
    }

    assert by_status == {RagStatus.RED: ["2.2", "2.5", "4.1", "4.2", "6.5"], RagStatus.AMBER: ["5.1"]}
    assert updates.exclude(rag_status__in=[RagStatus.RED, RagStatus.AMBER]).count() == 21
    assert q1_update("2.2").rag_note == "1. Not started – at risk due to staff resource pressures"


def test_2_2_strike_is_proposed_not_decided():
    item = objective("stevenage", "2.2")
    proposal = ChangeProposal.objects.get(objective=item)

    assert item.state == Objective.State.ACTIVE
    assert proposal.kind == ChangeProposal.Kind.STRIKE
    assert proposal.decision == ChangeProposal.Decision.PENDING
    assert "move to strike from the action plan" in proposal.reason
    assert proposal.proposed_by.username == "stevenage-lead"


# East Herts 2008/09


def test_east_herts_has_seven_sections_and_37_objectives():
    plan = Plan.objects.get(partnership__slug="east-herts")
    per_section = {s.number: s.objectives.count() for s in plan.sections.all()}

    assert per_section == {"1": 9, "2": 8, "3": 6, "4": 3, "5": 5, "6": 5, "7": 1}
    assert plan.objectives.count() == 37


def test_east_herts_cross_cutting_theme_is_a_priority():
    priority = Priority.objects.get(partnership__slug="east-herts", code="7")

    assert priority.is_cross_cutting
    assert priority.title == "Alcohol and drugs"
    assert priority.sections.get().title == "CROSS CUTTING THEME – ALCOHOL AND DRUGS"


def test_east_herts_1_9_actions_and_lead_groups():
    item = objective("east-herts", "1.9")

    assert [a.text for a in item.actions.all()] == [
        "Provide additional enforcement of DPPOs through the accreditation scheme",
        "Provide taxi marshalling schemes as necessary",
        "Produce area based 'Night Safe Maps'",
    ]
    assert sorted(g.short_name for g in item.lead_groups.all()) == ["Alcohol and drugs working group", "Comms", "NTE"]
    assert [a.short_name for a in item.lead_agencies.all()] == ["Police"]


def test_east_herts_keeps_published_spelling_and_has_no_updates():
    assert "Greivous Bodily Harm" in objective("east-herts", "6.1").title
    assert not QuarterlyUpdate.objects.filter(objective__plan__partnership__slug="east-herts").exists()


def test_east_herts_demo_lead_leads_the_ehc_objectives():
    person = Person.objects.get(partnership__slug="east-herts", user__username="eastherts-lead")
    refs = sorted(person.objective_leads.values_list("objective__ref", flat=True))

    assert person.name == "EHC Community Safety Officer"
    assert refs == sorted(
        Objective.objects.filter(plan__partnership__slug="east-herts", lead_agencies__short_name="EHC").values_list(
            "ref", flat=True
        )
    )
    assert len(refs) == 16


# Hastings 2011-14


def test_hastings_has_five_local_priorities():
    priorities = Priority.objects.filter(partnership__slug="hastings").order_by("position")

    assert [(p.code, p.title) for p in priorities] == [
        ("LP1", "Domestic Violence"),
        ("LP2", "Alcohol Related Crime and Disorder"),
        ("LP3", "Antisocial Behaviour"),
        ("LP4", "Arson"),
        ("LP5", "Hate Crime"),
    ]
    assert priorities[2].scope == "to include personal harm, public nuisance & environmental harm"
    assert [t.title for t in priorities[2].themes.all()] == ["personal harm", "public nuisance", "environmental harm"]


def test_hastings_plan_addresses_all_priorities_unless_indicated():
    plan = Plan.objects.get(partnership__slug="hastings")

    assert plan.objectives.count() == 14
    assert plan.objectives_address_all_priorities
    assert plan.priority_scope_note == "Addressing all local priorities, unless otherwise indicated"
    assert plan.review_date == dt.date(2012, 3, 1)
    assert plan.review_date_text == "March 2012"
    assert plan.priority_neighbourhoods == "Castle & St. Leonard's"
    assert plan.objectives.filter(addresses_all_priorities=True).count() == 7


def test_hastings_licensing_addresses_lp2_and_lp3():
    item = objective("hastings", "Licensing")

    assert sorted(p.code for p in item.priorities.all()) == ["LP2", "LP3"]
    assert item.priorities_text == "(LP2&3)"
    assert not item.addresses_all_priorities


def test_hastings_jag_is_chaired_by_police():
    item = objective("hastings", "JAG")

    assert item.lead_role_text == "Chaired by Police"
    assert [a.short_name for a in item.lead_agencies.all()] == ["Police"]
    assert (item.due_text, item.due_date) == ("May 2011", dt.date(2011, 5, 31))
    assert item.how_evaluated.splitlines()[2] == "Specific crime figure reductions (see attached)"
    assert Group.objects.get(partnership__slug="hastings", short_name="JAG").chair_agency.short_name == "Police"


def test_hastings_community_payback_due_march_2012():
    item = objective("hastings", title="Increase projects undertaken by Community Payback in Hastings community")

    assert (item.due_text, item.due_date) == ("March 2012", dt.date(2012, 3, 31))
    assert item.addresses_all_priorities
    assert [a.text for a in item.actions.all()] == ["To undertake at least one project a month across the Borough"]


def test_hastings_consultation_activities():
    plan = Plan.objects.get(partnership__slug="hastings")

    assert [(c.activity, c.key_results) for c in plan.consultations.all()] == [
        (
            "Face the People/ HBC Consultation",
            "ASB to incl. personal harm, Alcohol related crime specific to Town Centre",
        ),
        ("Neighbourhood Panel priorities and feedback", "ASB particularly environmental and public nuisance"),
        ("Strategic Intelligence Assessment", "Hate Crime, Domestic Violence and incidents of Arson"),
    ]


# Demo users


@pytest.mark.parametrize("partnership_part", ["stevenage", "eastherts", "hastings"])
@pytest.mark.parametrize(
    ("suffix", "roles"),
    [
        ("coordinator", {"coordinator"}),
        ("chair", {"group_chair"}),
        ("lead", {"lead_officer"}),
        ("analyst", {"analyst"}),
        ("viewer", {"viewer"}),
    ],
)
def test_demo_users_have_their_role_and_password(partnership_part, suffix, roles):
    user = get_user_model().objects.get(username=f"{partnership_part}-{suffix}")
    membership = Membership.objects.get(user=user)

    assert membership.role_set == roles
    assert user.check_password(DEMO_PASSWORD)
    assert user.email == f"{partnership_part}-{suffix}@example.org"
    assert user.first_name
    assert user.last_name


@pytest.mark.parametrize(
    ("username", "person"),
    [
        ("stevenage-lead", "Debbie Barker"),
        ("stevenage-chair", "Sam Chair"),
        ("eastherts-lead", "EHC Community Safety Officer"),
        ("hastings-lead", "HBC Community Safety Officer"),
        ("hastings-chair", "Pat Chair"),
    ],
)
def test_demo_users_are_people_named_in_the_plans(username, person):
    membership = Membership.objects.select_related("person").get(user__username=username)

    assert membership.person.name == person
    assert membership.person.user == membership.user


# Management command


def test_load_demo_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False

    history_before = history_counts()

    with pytest.raises(CommandError, match="demo mode only"):
        call_command("load_demo", stdout=StringIO())

    assert history_counts() == history_before


def test_load_demo_force_loads_and_prints_the_logins(settings):
    settings.DEMO_MODE = False
    out = StringIO()

    call_command("load_demo", "--force", stdout=out)

    assert "DEMO MODE ONLY" in out.getvalue()
    assert "stevenage-lead" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert Plan.objects.count() == 3


@pytest.mark.parametrize("partnership_part", ["stevenage", "eastherts", "hastings"])
def test_demo_coordinators_sign_in_with_the_published_authenticator_secret(partnership_part):
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from plans.demo import DEMO_TOTP_SECRET

    device = TOTPDevice.objects.get(user__username=f"{partnership_part}-coordinator", confirmed=True)

    assert device.bin_key == base64.b32decode(DEMO_TOTP_SECRET)
    assert not TOTPDevice.objects.filter(user__username=f"{partnership_part}-lead").exists()


# Leads as the plans write them: jobholder titles and organisations, not only text (issue 11)


@pytest.mark.parametrize(
    ("slug", "ref", "title", "labels"),
    [
        ("stevenage", "2.3", "", ["NW Liaison (Police)", "Licensing (SBC)"]),
        ("stevenage", "3.4", "", ["Licensing (SBC)"]),
        (
            "stevenage",
            "6.1",
            "",
            [
                "Evert Robotham (SBC)",
                "Sarah Brewerton (SBC)",
                "ASB officers (Police)",
                "Simon Tabert, Insp (Police)",
            ],
        ),
        ("stevenage", "5.1", "", ["ODG"]),
        ("east-herts", "4.1", "", ["Probation", "Police"]),
        ("east-herts", "2.1", "", ["JAG"]),
        ("hastings", "Licensing", "", ["Licensing team (Police)"]),
        ("hastings", "Communications", "", ["CSSO"]),
        ("hastings", "Op Marble", "", ["Police"]),
    ],
)
def test_demo_leads_hold_the_jobholder_title_and_organisation_the_plan_gives(slug, ref, title, labels):
    item = objective(slug, ref, title)
    assert [lead_label(lead) for lead in item.leads.select_related("person", "agency", "group")] == labels


def test_a_demo_officer_fills_in_the_plans_unnamed_lead_for_their_organisation():
    leads = objective("east-herts", "1.2").leads.select_related("person", "agency")
    assert [(lead.person.name if lead.person else None, lead.agency.short_name) for lead in leads] == [
        ("EHC Community Safety Officer", "EHC"),
        (None, "Police"),
    ]


def test_every_unnamed_demo_lead_organisation_is_one_of_the_objectives_lead_agencies():
    unnamed = ObjectiveLead.objects.filter(agency__isnull=False, person__isnull=True).select_related("objective")
    assert unnamed.exists()
    for lead in unnamed:
        assert lead.agency in lead.objective.lead_agencies.all(), lead
