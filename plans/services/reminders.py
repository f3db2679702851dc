"""Reminders that chase lead officers before and after the update deadline, built to scale.

Two steps, so the work fans out: `reminders_record_due` writes one 'pending' row per lead officer,
quarter and kind (a unique constraint: a re-run records nothing twice), per partnership;
`reminders_send_batch` claims a batch of rows and sends them over ONE mail connection.

Never twice: each row is claimed on its own, by one UPDATE that only succeeds on a 'pending' row
(or a 'sending' row whose claim is older than the lease), committed before its e-mail goes out, and
marked 'sent' the moment the mail server accepts it. Two runs of the same batch (a redelivery while
the first still runs) therefore share the work instead of doubling it. A row left 'sending' by a
killed worker is claimed again once its lease has passed (the batch task retries after the lease).
The lease is longer than the mail connection's timeout, so a live sender never loses its claim.
The one case left is a worker killed in the instant between the server's acceptance and our
commit: that single message may go twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from csp.models import Notification, Partnership, Person, ReportingPeriod
from csp.notifications import notify, users_of_people

from ..models import Objective, ObjectiveLead, Plan, QuarterlyUpdate, Reminder
from ..selectors.access import LIVE_UPDATE
from ..selectors.status import COUNTED_UPDATE_STATES

logger = logging.getLogger(__name__)

# After-deadline reminders still go out if the daily job missed the day after the deadline.
AFTER_DEADLINE_CATCH_UP_DAYS = 7
# One mail connection and one task per batch; the task's time limits are sized from it.
BATCH_SIZE = 100
# A slow mail server takes up to this long per message; the batch's soft time limit allows for it.
SECONDS_PER_MESSAGE = 2
BATCH_SOFT_TIME_LIMIT = BATCH_SIZE * SECONDS_PER_MESSAGE + 30
BATCH_TIME_LIMIT = BATCH_SOFT_TIME_LIMIT + 30


def claim_lease() -> dt.timedelta:
    """How long a claim on one reminder holds; after it, the sender is taken to be dead."""
    return dt.timedelta(seconds=settings.CSP_REMINDER_CLAIM_SECONDS)


def _smtp_timeout() -> float:
    # Well inside the lease: a send that hangs fails before anyone else may take the row.
    return settings.CSP_REMINDER_CLAIM_SECONDS / 3


@dataclass
class DueReminder:
    period: ReportingPeriod
    kind: str


def _due_reminders(*, partnership: Partnership, today: dt.date) -> list[DueReminder]:
    """The quarters of a partnership whose reminder falls due today, before or after the deadline."""
    due = []
    periods = ReportingPeriod.objects.filter(
        partnership=partnership,
        kind=ReportingPeriod.Kind.QUARTER,
        update_deadline__gte=today - dt.timedelta(days=AFTER_DEADLINE_CATCH_UP_DAYS),
        update_deadline__lte=today + dt.timedelta(days=partnership.reminder_days_before),
    )
    for period in periods:
        if period.update_deadline >= today:
            due.append(DueReminder(period=period, kind=Reminder.Kind.BEFORE_DEADLINE))
        else:
            due.append(DueReminder(period=period, kind=Reminder.Kind.AFTER_DEADLINE))
    return due


def _outstanding_by_person(period: ReportingPeriod) -> dict[Person, list[Objective]]:
    """Lead officers of live plans' active objectives with no submitted update for the period."""
    done = QuarterlyUpdate.objects.filter(LIVE_UPDATE, period=period, state__in=COUNTED_UPDATE_STATES).values(
        "objective_id"
    )
    leads = (
        ObjectiveLead.objects.filter(
            objective__plan__partnership_id=period.partnership_id,
            objective__plan__status=Plan.Status.LIVE,
            objective__plan__period_start__lte=period.start,
            objective__plan__period_end__gte=period.end,
            objective__state=Objective.State.ACTIVE,
            objective__archived_at__isnull=True,
            objective__plan__archived_at__isnull=True,
            person__isnull=False,  # a jobholder title or an organisation has no one to remind
        )
        .exclude(objective_id__in=done)
        .select_related("person__user", "objective__plan", "objective__section")
        .order_by("person__name", "objective__plan_id", "objective__section__position", "objective__position")
    )
    by_person: dict[Person, list[Objective]] = defaultdict(list)
    for lead in leads:
        # One person may lead an objective for two organisations: remind them of it once.
        if _address_of(lead.person) and lead.objective not in by_person[lead.person]:
            by_person[lead.person].append(lead.objective)
    return by_person


def _address_of(person: Person) -> str:
    return person.email or (person.user.email if person.user_id else "")


def _record(*, person: Person, due: DueReminder, objectives: list[Objective]) -> Reminder | None:
    """Record one pending reminder; None if it exists already (the constraint decides, not a read)."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                person=person, period=due.period, kind=due.kind, email=_address_of(person)
            )
            reminder.objectives.set(objectives)
            _show_in_app(reminder, objectives)
    except IntegrityError:
        return None
    return reminder


def _show_in_app(reminder: Reminder, objectives: list[Objective]) -> None:
    """The reminder also appears on the lead officer's notifications page; its e-mail is the reminder's own."""
    notify(
        users=users_of_people([reminder.person]),
        kind=Notification.Kind.REMINDER,
        title=_subject(reminder),
        text="Items without a submitted update: " + "; ".join(str(objective) for objective in objectives),
        url=reverse("plans:my_items"),
        key=f"reminder:{reminder.pk}",
        email=False,
    )


def reminders_record_due(*, partnership_id: int, today: dt.date) -> list[int]:
    """Record the reminders of one partnership due today; returns the ids of its rows still to send."""
    partnership = Partnership.objects.get(pk=partnership_id)
    periods = []
    for due in _due_reminders(partnership=partnership, today=today):
        periods.append(due.period)
        already = set(Reminder.objects.filter(period=due.period, kind=due.kind).values_list("person_id", flat=True))
        for person, objectives in _outstanding_by_person(due.period).items():
            if person.pk not in already:
                _record(person=person, due=due, objectives=objectives)
    return reminders_unsent_ids(periods=periods)


def reminders_unsent_ids(*, periods: list[ReportingPeriod] | None = None) -> list[int]:
    """Ids of reminders not yet sent and free to claim (pending, or claimed by a task long gone)."""
    stale = timezone.now() - claim_lease()
    rows = Reminder.objects.filter(
        Q(state=Reminder.State.PENDING) | Q(state=Reminder.State.SENDING, claimed_at__lt=stale)
    )
    if periods is not None:
        rows = rows.filter(period__in=periods)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def reminder_batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    """Split reminder ids into batches of `size`, one task and one mail connection each."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _objectives_in_plan_order():
    return Objective.objects.select_related("plan", "section").order_by("plan_id", "position")


def _claim(*, reminder_id: int, claim: str) -> bool:
    """Claim one unsent reminder for this sender (one atomic UPDATE, committed at once)."""
    now = timezone.now()
    free = Q(state=Reminder.State.PENDING) | Q(state=Reminder.State.SENDING, claimed_at__lt=now - claim_lease())
    claimed = Reminder.objects.filter(free, pk=reminder_id).update(
        state=Reminder.State.SENDING, claimed_by=claim, claimed_at=now
    )
    return claimed == 1


def _subject(reminder: Reminder) -> str:
    period = reminder.period
    deadline = date_format(period.update_deadline, "j F Y")
    if reminder.kind == Reminder.Kind.AFTER_DEADLINE:
        return f"Overdue: your {period} updates were due on {deadline}"
    return f"Reminder: your {period} updates are due by {deadline}"


def _message(reminder: Reminder, connection) -> EmailMultiAlternatives:
    site = settings.SITE_URL.rstrip("/")
    period = reminder.period
    context = {
        "reminder": reminder,
        "person": reminder.person,
        "partnership": reminder.person.partnership,
        "period": period,
        "items": [
            {"objective": objective, "url": site + reverse("plans:update_edit", args=[objective.pk, period.pk])}
            for objective in reminder.objectives.all()
        ],
        "my_items_url": site + reverse("plans:my_items"),
        "is_after": reminder.kind == Reminder.Kind.AFTER_DEADLINE,
    }
    message = EmailMultiAlternatives(
        subject=_subject(reminder),
        body=render_to_string("plans/email/update_reminder.txt", context),
        to=[reminder.email],
        connection=connection,
        # One stable id per reminder, so a mail system can recognise the same reminder.
        headers={"Message-ID": f"<reminder-{reminder.pk}@{urlsplit(site).hostname or 'csp.localhost'}>"},
    )
    message.attach_alternative(render_to_string("plans/email/update_reminder.html", context), "text/html")
    return message


@dataclass
class BatchResult:
    sent: int
    unsent: int


def reminders_send_batch(*, reminder_ids: list[int], claim: str) -> BatchResult:
    """Send a batch over one mail connection, claiming each row first; `unsent` are rows still owed."""
    rows = (
        Reminder.objects.filter(pk__in=reminder_ids)
        .exclude(state=Reminder.State.SENT)
        .select_related("person__partnership", "period")
        .prefetch_related(Prefetch("objectives", queryset=_objectives_in_plan_order()))
        .order_by("pk")
    )
    sent = 0
    connection = None
    try:
        for reminder in rows:
            if not _claim(reminder_id=reminder.pk, claim=claim):
                continue
            if connection is None:
                connection = get_connection(timeout=_smtp_timeout())
                connection.open()
            if connection.send_messages([_message(reminder, connection)]):
                # Autocommit: 'sent' is durable the moment the server has the message.
                Reminder.objects.filter(pk=reminder.pk, claimed_by=claim).update(
                    state=Reminder.State.SENT, sent_at=timezone.now()
                )
                sent += 1
    finally:
        if connection is not None:
            connection.close()
    unsent = Reminder.objects.filter(pk__in=reminder_ids).exclude(state=Reminder.State.SENT).count()
    return BatchResult(sent=sent, unsent=unsent)


def reminders_send_due(*, today: dt.date | None = None) -> list[Reminder]:
    """In one process: record and send every partnership's due reminders (the tasks split this up)."""
    today = today or timezone.localdate()
    ids = []
    for partnership_id in Partnership.objects.order_by("pk").values_list("pk", flat=True):
        ids += reminders_record_due(partnership_id=partnership_id, today=today)
    for batch in reminder_batches(ids):
        reminders_send_batch(reminder_ids=batch, claim=f"inline-{uuid.uuid4().hex}")
    sent = list(Reminder.objects.filter(pk__in=ids, state=Reminder.State.SENT))
    logger.info("Update reminders: %d sent for %s", len(sent), today)
    return sent
