"""factory_boy factories for every model the tests build."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from csp.models import (
    Agency,
    Area,
    AreaMembership,
    Group,
    Membership,
    MembershipRole,
    Partnership,
    Person,
    RagStatus,
    ReportingPeriod,
)
from csp.services import financial_quarter_bounds
from plans.models import (
    Action,
    ExpectedOutcome,
    Milestone,
    Objective,
    ObjectiveLead,
    OutcomeStatus,
    Plan,
    QuarterlyUpdate,
    Section,
)
from priorities.models import Indicator, IndicatorReading, Priority

PASSWORD = "test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # noqa: N805
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.LazyAttribute(lambda a: a.name.lower().replace(" ", "-"))
    kind = Area.Kind.POLICE_FORCE


class AreaMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaMembership

    user = factory.SubFactory("tests.factories.UserFactory")
    area = factory.SubFactory(AreaFactory)
    role = "area_analyst"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n} Community Safety Partnership")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    short_name = factory.Sequence(lambda n: f"CSP{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"AG{n}")
    kind = Agency.Kind.LOCAL_AUTHORITY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Officer {n}")
    job_title = "Community Safety Officer"
    agency = None


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = Group.Kind.ODG


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership; pass roles=('lead_officer', ...) and optionally person=."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    agency = None
    person = None
    roles = ()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        roles = kwargs.pop("roles", ())
        user_fields = {k: kwargs.pop(k) for k in list(kwargs) if k in ("username", "email", "first_name", "last_name")}
        if user_fields:
            kwargs["user"] = UserFactory(**user_fields)
        membership = super()._create(model_class, *args, **kwargs)
        for role in roles:
            MembershipRole.objects.create(membership=membership, role=role)
        if membership.person is not None and membership.person.user_id is None:
            membership.person.user = membership.user
            membership.person.save(update_fields=["user"])
        return membership


class QuarterFactory(factory.django.DjangoModelFactory):
    """A quarter of the 2014/15 financial year by default."""

    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("partnership", "kind", "financial_year", "number")

    partnership = factory.SubFactory(PartnershipFactory)
    kind = ReportingPeriod.Kind.QUARTER
    financial_year = 2014
    number = 1
    start = factory.LazyAttribute(lambda p: financial_quarter_bounds(p.financial_year, p.number)[0])
    end = factory.LazyAttribute(lambda p: financial_quarter_bounds(p.financial_year, p.number)[1])
    update_deadline = factory.LazyAttribute(lambda p: p.end + dt.timedelta(days=14))


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    partnership = factory.SubFactory(PartnershipFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    title = factory.Sequence(lambda n: f"Priority {n}")
    period_start = dt.date(2014, 4, 1)
    period_end = dt.date(2015, 3, 31)
    period_label = "2014/15"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = Indicator.Unit.COUNT


class IndicatorReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorReading

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(QuarterFactory, partnership=factory.SelfAttribute("..indicator.partnership"))
    value = 10


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Action plan {n}")
    kind = Plan.Kind.ANNUAL
    status = Plan.Status.LIVE
    period_start = dt.date(2014, 4, 1)
    period_end = dt.date(2015, 3, 31)
    period_label = "2014/15"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Section {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(PlanFactory)
    ref = factory.Sequence(lambda n: f"{n // 10 + 1}.{n % 10 + 1}")
    title = factory.Sequence(lambda n: f"Objective {n}: support the work of the partnership")
    position = factory.Sequence(lambda n: n)
    due_text = "March 2015"
    due_date = dt.date(2015, 3, 31)


class ObjectiveLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectiveLead

    objective = factory.SubFactory(ObjectiveFactory)
    person = factory.SubFactory(PersonFactory, partnership=factory.SelfAttribute("..objective.plan.partnership"))
    kind = ObjectiveLead.Kind.LEAD


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    text = factory.Sequence(lambda n: f"Action {n}")
    position = factory.Sequence(lambda n: n)


class ExpectedOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpectedOutcome

    objective = factory.SubFactory(ObjectiveFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"At least {n} campaigns undertaken this year.")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    objective = factory.SubFactory(ObjectiveFactory)
    text = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = dt.date(2014, 9, 30)
    due_text = "September 2014"


class QuarterlyUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyUpdate

    objective = factory.SubFactory(ObjectiveFactory)
    period = factory.SubFactory(QuarterFactory, partnership=factory.SelfAttribute("..objective.plan.partnership"))
    progress = "Work is under way."
    rag_status = RagStatus.AMBER
    state = QuarterlyUpdate.State.DRAFT


class OutcomeStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeStatus

    update = factory.SubFactory(QuarterlyUpdateFactory)
    outcome = factory.SubFactory(ExpectedOutcomeFactory, objective=factory.SelfAttribute("..update.objective"))
    rag_status = RagStatus.GREEN
