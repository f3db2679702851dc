"""What must be unique or present is enforced by the database, not only by forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from csp.models import Membership, PartnershipPopulation, ReportingPeriod
from plans.models import ExpectedOutcome, Objective, QuarterlyUpdate, Reminder
from tests.factories import (
    ExpectedOutcomeFactory,
    MembershipFactory,
    ObjectiveFactory,
    PersonFactory,
    PlanFactory,
    QuarterFactory,
    QuarterlyUpdateFactory,
)

pytestmark = pytest.mark.django_db


def raises_integrity_error():
    return pytest.raises(IntegrityError)


def test_objective_ref_is_unique_within_a_plan():
    objective = ObjectiveFactory(ref="1.1")
    with raises_integrity_error(), transaction.atomic():
        ObjectiveFactory(plan=objective.plan, ref="1.1")


def test_same_ref_is_allowed_in_another_plan():
    objective = ObjectiveFactory(ref="CH1")
    other = ObjectiveFactory(ref="CH1", plan=PlanFactory(partnership=objective.plan.partnership))
    assert other.pk != objective.pk


def test_objectives_without_a_ref_may_share_a_plan():
    plan = PlanFactory()
    ObjectiveFactory(plan=plan, ref="")
    ObjectiveFactory(plan=plan, ref="")
    assert Objective.objects.filter(plan=plan, ref="").count() == 2


def test_one_update_per_objective_and_period():
    update = QuarterlyUpdateFactory()
    with raises_integrity_error(), transaction.atomic():
        QuarterlyUpdate.objects.create(objective=update.objective, period=update.period)


def test_outcome_numbers_are_unique_within_an_objective():
    outcome = ExpectedOutcomeFactory(number=1)
    with raises_integrity_error(), transaction.atomic():
        ExpectedOutcome.objects.create(objective=outcome.objective, number=1, text="Again")


def test_struck_objective_needs_a_reason_and_a_date():
    objective = ObjectiveFactory()
    objective.state = Objective.State.STRUCK
    with raises_integrity_error(), transaction.atomic():
        objective.save()
    objective.struck_on = dt.date(2014, 7, 1)
    objective.struck_reason = "ODG agreed: lack of time and resource makes this unachievable."
    objective.save()
    assert Objective.objects.get(pk=objective.pk).is_struck


def test_cost_cannot_be_negative():
    with raises_integrity_error(), transaction.atomic():
        ObjectiveFactory(cost_amount=-1)


def test_spend_cannot_be_negative():
    with raises_integrity_error(), transaction.atomic():
        QuarterlyUpdateFactory(spend_to_date=-5)


def test_reporting_period_is_unique_per_partnership_kind_year_and_number():
    quarter = QuarterFactory()
    with raises_integrity_error(), transaction.atomic():
        ReportingPeriod.objects.create(
            partnership=quarter.partnership,
            kind="quarter",
            financial_year=2014,
            number=1,
            start=quarter.start,
            end=quarter.end,
        )


@pytest.mark.parametrize(("kind", "number"), [("quarter", 5), ("quarter", 0), ("half_year", 3), ("year", 2)])
def test_reporting_period_number_must_fit_its_kind(kind, number, partnership):
    with raises_integrity_error(), transaction.atomic():
        ReportingPeriod.objects.create(
            partnership=partnership,
            kind=kind,
            financial_year=2014,
            number=number,
            start=dt.date(2014, 4, 1),
            end=dt.date(2014, 6, 30),
        )


def test_reporting_period_cannot_end_before_it_starts(partnership):
    with raises_integrity_error(), transaction.atomic():
        ReportingPeriod.objects.create(
            partnership=partnership,
            kind="quarter",
            financial_year=2014,
            number=1,
            start=dt.date(2014, 6, 30),
            end=dt.date(2014, 4, 1),
        )


def test_one_membership_per_user_and_partnership():
    membership = MembershipFactory()
    with raises_integrity_error(), transaction.atomic():
        Membership.objects.create(user=membership.user, partnership=membership.partnership)


def test_population_is_positive_and_unique_per_year(partnership):
    PartnershipPopulation.objects.create(partnership=partnership, financial_year=2014, population=86000)
    with raises_integrity_error(), transaction.atomic():
        PartnershipPopulation.objects.create(partnership=partnership, financial_year=2014, population=87000)
    with raises_integrity_error(), transaction.atomic():
        PartnershipPopulation.objects.create(partnership=partnership, financial_year=2015, population=0)


def test_a_reminder_is_recorded_once_per_person_period_and_kind():
    update = QuarterlyUpdateFactory()
    person = PersonFactory(partnership=update.objective.plan.partnership)
    Reminder.objects.create(person=person, period=update.period, kind="before", email="a@example.org")
    with raises_integrity_error(), transaction.atomic():
        Reminder.objects.create(person=person, period=update.period, kind="before", email="a@example.org")
