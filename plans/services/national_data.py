"""National-scale benchmark data: many partnerships with realistic plan shapes, written in bulk.

Each partnership gets one four-year live plan of about 150 objectives (4 outcomes and 3 milestones
each), 16 quarters of updates with per-outcome statuses, reviews of decided updates, users with
roles, and a history row for every row created (simple-history), as production would hold.
A partnership is written in one transaction, so its slug is the marker that it is complete: a
second run adds only the partnerships that are missing.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from csp.models import (
    Agency,
    Area,
    AreaMembership,
    AreaRole,
    Group,
    Membership,
    MembershipRole,
    Partnership,
    Person,
    RagStatus,
    ReportingPeriod,
    Role,
)
from csp.services import reporting_periods_ensure

from ..models import (
    ExpectedOutcome,
    Milestone,
    MilestoneLead,
    Objective,
    ObjectiveLead,
    OutcomeStatus,
    Plan,
    QuarterlyUpdate,
    Review,
    Section,
)

logger = logging.getLogger(__name__)

SLUG_PREFIX = "national-"
# Bench users share one password so that 6,000 users need one hash, not 6,000.
BENCH_PASSWORD = "national-bench-password"
FIRST_YEAR = 2022
YEARS = 4
BATCH = 5_000
SECTIONS = ("Domestic abuse", "Anti-social behaviour", "Reducing reoffending", "Drugs and alcohol", "Exploitation")
AGENCIES = (
    ("Borough Council", "BC", Agency.Kind.LOCAL_AUTHORITY),
    ("Police", "POL", Agency.Kind.POLICE),
    ("Fire and Rescue Service", "FRS", Agency.Kind.FIRE_AND_RESCUE),
    ("Integrated Care Board", "ICB", Agency.Kind.HEALTH),
    ("Probation Service", "PS", Agency.Kind.PROBATION),
    ("Housing Association", "HA", Agency.Kind.VOLUNTARY),
)
LEADS_PER_PARTNERSHIP = 16
BOARD_NAME = "Responsible Authorities Group"
WORDS = [
    *("deliver", "reduce", "support", "increase", "partnership", "awareness", "victims", "training"),
    *("campaign", "schools", "referrals", "housing", "offenders", "hotspots", "patrols", "families"),
]


@dataclass(frozen=True)
class Shape:
    """How big one partnership is."""

    objectives: int = 150
    outcomes: int = 4
    milestones: int = 3
    quarters: int = YEARS * 4


# Bench partnerships are grouped into areas of this many, as police force areas hold about ten.
PARTNERSHIPS_PER_AREA = 10


def national_slug(number: int) -> str:
    """The slug of bench partnership `number` (1-based): its existence marks it complete."""
    return f"{SLUG_PREFIX}{number:04d}"


def national_existing() -> set[str]:
    """Slugs of the bench partnerships already written."""
    return set(Partnership.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True))


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


@transaction.atomic
def national_partnership_create(*, number: int, shape: Shape, password_hash: str) -> Partnership:
    """Write one bench partnership with its plan, people, updates, reviews and history."""
    rng = random.Random(number)
    slug = national_slug(number)
    area_number = (number - 1) // PARTNERSHIPS_PER_AREA + 1
    area, _ = Area.objects.get_or_create(
        slug=f"national-bench-area-{area_number:03d}", defaults={"name": f"National bench area {area_number:03d}"}
    )
    partnership = Partnership.objects.create(
        name=f"National bench {number:04d} Community Safety Partnership",
        slug=slug,
        short_name=f"NB{number:04d}",
        area=area,
    )
    periods: list[ReportingPeriod] = []
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        periods += list(reporting_periods_ensure(partnership=partnership, financial_year=year))
    quarters = sorted((p for p in periods if p.kind == ReportingPeriod.Kind.QUARTER), key=lambda p: p.start)
    quarters = quarters[: shape.quarters]

    agencies = Agency.objects.bulk_create(
        [
            Agency(partnership=partnership, name=f"{name} {number:04d}", short_name=short, kind=kind)
            for name, short, kind in AGENCIES
        ]
    )
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"{slug}-{role}", email=f"{slug}-{role}@bench.invalid", password=password_hash)
            for role in ("coordinator", "chair", "analyst")
        ]
        + [
            get_user_model()(
                username=f"{slug}-lead-{i:02d}", email=f"{slug}-lead-{i:02d}@bench.invalid", password=password_hash
            )
            for i in range(LEADS_PER_PARTNERSHIP)
        ]
    )
    coordinator, chair_user, analyst = users[:3]
    lead_users = users[3:]
    people = bulk_create_with_history(
        [
            Person(
                partnership=partnership,
                name=f"Lead officer {i:02d}",
                job_title="Officer",
                agency=agencies[i % len(agencies)],
                user=user,
            )
            for i, user in enumerate(lead_users)
        ]
        + [Person(partnership=partnership, name="Group chair", agency=agencies[1], user=chair_user)],
        Person,
    )
    chair_person = people[-1]
    leads = people[:-1]
    groups = bulk_create_with_history(
        [Group(partnership=partnership, name=BOARD_NAME, kind=Group.Kind.BOARD, chair=chair_person)]
        + [
            Group(partnership=partnership, name=f"{title} group", kind=Group.Kind.THEMATIC, chair=chair_person)
            for title in SECTIONS
        ],
        Group,
    )
    board, thematic = groups[0], groups[1:]
    memberships = Membership.objects.bulk_create(
        [
            Membership(user=coordinator, partnership=partnership),
            Membership(user=chair_user, partnership=partnership, person=chair_person),
            Membership(user=analyst, partnership=partnership),
        ]
        + [Membership(user=p.user, partnership=partnership, person=p, agency=p.agency) for p in leads]
    )
    roles = [Role.COORDINATOR, Role.GROUP_CHAIR, Role.ANALYST] + [Role.LEAD_OFFICER] * len(leads)
    pairs = zip(memberships, roles, strict=True)
    MembershipRole.objects.bulk_create([MembershipRole(membership=m, role=r) for m, r in pairs])

    plan = Plan.objects.create(
        partnership=partnership,
        title=f"Community Safety Plan {FIRST_YEAR}-{FIRST_YEAR + YEARS}",
        kind=Plan.Kind.STRATEGIC,
        status=Plan.Status.LIVE,
        period_start=quarters[0].start,
        period_end=quarters[-1].end,
        period_label=f"{FIRST_YEAR} – {FIRST_YEAR + YEARS}",
        owning_group=board,
        current_period=quarters[-1],
    )
    sections = bulk_create_with_history(
        [
            Section(plan=plan, number=str(i + 1), title=title, position=i, introduction=_text(rng, 30))
            for i, title in enumerate(SECTIONS)
        ],
        Section,
    )
    objectives = bulk_create_with_history(
        [
            Objective(
                plan=plan,
                section=sections[i % len(sections)],
                ref=f"{i % len(sections) + 1}.{i // len(sections) + 1}",
                title=_text(rng, 14),
                position=i,
                target_and_indicator=_text(rng, 10),
                lead_text=leads[i % len(leads)].name,
                due_text="Ongoing",
                resources="Officer time\nPCC grant",
                how_measured=_text(rng, 12),
            )
            for i in range(shape.objectives)
        ],
        Objective,
        batch_size=BATCH,
    )
    Objective.lead_groups.through.objects.bulk_create(
        [
            Objective.lead_groups.through(objective_id=o.pk, group_id=thematic[i % len(thematic)].pk)
            for i, o in enumerate(objectives)
        ]
    )
    # Leads as the real plans write them: a named officer of an agency on every item, an organisation on every
    # third ('Sussex Police') and a group on every fifth ('JAG'), so pages that name leads are measured (and
    # tests/test_bench_pages_flat.py checks their queries) with every kind.
    bulk_create_with_history(
        [
            ObjectiveLead(
                objective=o,
                person=leads[i % len(leads)],
                job_title=leads[i % len(leads)].job_title,
                agency=leads[i % len(leads)].agency,
            )
            for i, o in enumerate(objectives)
        ]
        + [
            ObjectiveLead(objective=o, agency=agencies[(i + 1) % len(agencies)], position=1)
            for i, o in enumerate(objectives)
            if i % 3 == 0
        ]
        + [
            ObjectiveLead(objective=o, group=thematic[(i + 1) % len(thematic)], position=2)
            for i, o in enumerate(objectives)
            if i % 5 == 0
        ],
        ObjectiveLead,
        batch_size=BATCH,
    )
    outcomes = bulk_create_with_history(
        [
            ExpectedOutcome(objective=o, number=n + 1, text=_text(rng, 12))
            for o in objectives
            for n in range(shape.outcomes)
        ],
        ExpectedOutcome,
        batch_size=BATCH,
    )
    outcomes_of: dict[int, list[ExpectedOutcome]] = {}
    for outcome in outcomes:
        outcomes_of.setdefault(outcome.objective_id, []).append(outcome)
    milestones = bulk_create_with_history(
        [
            Milestone(
                objective=o,
                text=_text(rng, 8),
                due_date=quarters[min(len(quarters) - 1, (m + 1) * len(quarters) // (shape.milestones + 1))].end,
                position=m,
            )
            for o in objectives
            for m in range(shape.milestones)
        ],
        Milestone,
        batch_size=BATCH,
    )
    bulk_create_with_history(
        [
            MilestoneLead(milestone=milestone, person=leads[n % len(leads)], job_title=leads[n % len(leads)].job_title)
            for n, milestone in enumerate(milestones)
        ],
        MilestoneLead,
        batch_size=BATCH,
    )
    _updates_write(
        rng=rng, objectives=objectives, outcomes_of=outcomes_of, quarters=quarters, leads=leads, chair=chair_user
    )
    return partnership


def _update_state(rng: random.Random, *, is_latest: bool) -> str | None:
    """The state of an update: the latest quarter is mid-cycle, earlier ones are mostly approved."""
    roll = rng.random()
    if is_latest:
        for state, upto in (
            (None, 0.10),
            (QuarterlyUpdate.State.DRAFT, 0.25),
            (QuarterlyUpdate.State.RETURNED, 0.35),
            (QuarterlyUpdate.State.SUBMITTED, 0.60),
        ):
            if roll < upto:
                return state
        return QuarterlyUpdate.State.APPROVED
    if roll < 0.02:
        return None
    return QuarterlyUpdate.State.SUBMITTED if roll < 0.07 else QuarterlyUpdate.State.APPROVED


def _updates_write(*, rng, objectives, outcomes_of, quarters, leads, chair) -> None:
    rag = (RagStatus.GREEN, RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED)
    for q, quarter in enumerate(quarters):
        when = timezone.make_aware(dt.datetime.combine(quarter.update_deadline or quarter.end, dt.time(12)))
        updates = []
        for i, objective in enumerate(objectives):
            state = _update_state(rng, is_latest=q == len(quarters) - 1)
            if state is None:
                continue
            status = rng.choice(rag)
            decided = state in (QuarterlyUpdate.State.APPROVED, QuarterlyUpdate.State.RETURNED)
            updates.append(
                QuarterlyUpdate(
                    objective=objective,
                    period=quarter,
                    progress=_text(rng, 40),
                    rag_status=status,
                    rag_note=_text(rng, 10) if status != RagStatus.GREEN else "",
                    state=state,
                    author=leads[i % len(leads)].user,
                    submitted_at=when if state != QuarterlyUpdate.State.DRAFT else None,
                    submitted_by=leads[i % len(leads)].user if state != QuarterlyUpdate.State.DRAFT else None,
                    reviewed_at=when if decided else None,
                    reviewed_by=chair if decided else None,
                    review_comment="Please add the figures." if state == QuarterlyUpdate.State.RETURNED else "",
                )
            )
        updates = bulk_create_with_history(updates, QuarterlyUpdate, batch_size=BATCH, default_date=when)
        bulk_create_with_history(
            [
                OutcomeStatus(update=u, outcome=outcome, rag_status=rng.choice(rag), note=_text(rng, 6))
                for u in updates
                for outcome in outcomes_of[u.objective_id]
            ],
            OutcomeStatus,
            batch_size=BATCH,
            default_date=when,
        )
        Review.objects.bulk_create(
            [
                Review(
                    update=u,
                    decision=Review.Decision.APPROVED if u.state == u.State.APPROVED else Review.Decision.RETURNED,
                    comment="" if u.state == u.State.APPROVED else u.review_comment,
                    reviewer=chair,
                )
                for u in updates
                if u.state in (u.State.APPROVED, u.State.RETURNED)
            ],
            batch_size=BATCH,
        )


def national_area_analyst_username(area: Area) -> str:
    return f"{area.slug}-analyst"


def national_area_analysts_ensure(*, password_hash: str) -> int:
    """One PCC-office analyst per bench area (reads its ten partnerships); returns how many were added."""
    user_model = get_user_model()
    areas = list(Area.objects.filter(slug__startswith="national-bench-area-"))
    have = set(
        user_model.objects.filter(username__in=[national_area_analyst_username(a) for a in areas]).values_list(
            "username", flat=True
        )
    )
    missing = [a for a in areas if national_area_analyst_username(a) not in have]
    with transaction.atomic():
        for area in missing:
            username = national_area_analyst_username(area)
            user = user_model.objects.create(
                username=username, email=f"{username}@bench.invalid", password=password_hash
            )
            AreaMembership.objects.create(user=user, area=area, role=AreaRole.AREA_ANALYST)
    return len(missing)


def national_reports_ensure() -> int:
    """Finished board and Responsible Authorities Group reports for each bench quarter (PCC half-yearly too),
    as four years of use leave in the report list; only for bench partnerships that have none yet."""
    from reporting.models import ReportJob  # reporting builds on plans: imported when used

    have = set(
        ReportJob.objects.filter(partnership__slug__startswith=SLUG_PREFIX).values_list("partnership_id", flat=True)
    )
    plans = Plan.objects.filter(partnership__slug__startswith=SLUG_PREFIX).exclude(partnership_id__in=have)
    jobs = []
    for plan in plans.select_related("partnership"):
        periods = ReportingPeriod.objects.filter(
            partnership=plan.partnership, start__gte=plan.period_start, end__lte=timezone.localdate()
        )
        for period in periods:
            kinds = {
                ReportingPeriod.Kind.QUARTER: (ReportJob.Kind.BOARD, ReportJob.Kind.RAG),
                ReportingPeriod.Kind.HALF_YEAR: (ReportJob.Kind.PCC,),
            }.get(period.kind, ())
            finished = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=20), dt.time(7)))
            jobs += [
                ReportJob(
                    kind=kind,
                    partnership=plan.partnership,
                    plan=plan,
                    period=period,
                    requested_at=finished,
                    is_automatic=True,
                    state=ReportJob.State.DONE,
                    attempts=1,
                    started_at=finished,
                    finished_at=finished,
                )
                for kind in kinds
            ]
    ReportJob.objects.bulk_create(jobs, batch_size=BATCH)
    return len(jobs)


def national_generate(*, partnerships: int, shape: Shape | None = None, log=None) -> dict[str, int | float]:
    """Write bench partnerships 1..N that are missing; returns how many were made and how long it took."""
    shape = shape or Shape()
    existing = national_existing()
    password_hash = make_password(BENCH_PASSWORD)
    started = time.monotonic()
    made = 0
    for number in range(1, partnerships + 1):
        if national_slug(number) in existing:
            continue
        one = time.monotonic()
        national_partnership_create(number=number, shape=shape, password_hash=password_hash)
        made += 1
        if log:
            log(f"partnership {number}/{partnerships} written in {time.monotonic() - one:.1f} s")
    national_area_analysts_ensure(password_hash=password_hash)
    national_reports_ensure()
    if made and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh planner statistics and visibility maps, as autovacuum keeps them on a live system: stale
        # statistics after a bulk load make the planner hash whole national tables, and without a vacuum the
        # first reads set hint bits and index-only scans visit the heap. VACUUM cannot run in a transaction
        # (the tests call this inside one: ANALYZE alone there).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    elif made and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"made": made, "reused": partnerships - made, "seconds": round(time.monotonic() - started, 1)}
