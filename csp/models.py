"""The partnership core: partnerships, agencies, groups, people, memberships and the calendar."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Base model: when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ArchivableModel(models.Model):
    """A row a partnership's users archive instead of deleting: who, when and why; a coordinator restores it.

    Archived rows leave lists, counts and reports (the selectors' `include_archived=False`) but stay
    readable by id, and their history is kept.
    """

    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archive_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class RagStatus(models.TextChoices):
    """Red / amber / green delivery status (not the Responsible Authorities Group)."""

    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    NOT_UPDATED = "not_updated", "Not updated"


class Area(TimeStampedModel):
    """A police force area, PCC area or county that partnerships belong to; kept by operators in the admin."""

    class Kind(models.TextChoices):
        POLICE_FORCE = "police_force", "Police force area"
        PCC = "pcc", "Police and Crime Commissioner area"
        COUNTY = "county", "County"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POLICE_FORCE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(TimeStampedModel):
    """A Community Safety Partnership (CSP / CDRP) of a district or borough."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text="The police force / PCC area the partnership belongs to, e.g. Hertfordshire.",
    )
    # Each partnership gives the colours its own meaning; defaults are the Stevenage plan's.
    green_meaning = models.CharField(max_length=200, default="Complete")
    amber_meaning = models.CharField(max_length=200, default="In progress / on target")
    red_meaning = models.CharField(max_length=200, default="Not started / at risk")
    update_deadline_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days after a quarter ends by which lead officers must update."
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        default=7, help_text="Days before the update deadline that lead officers are reminded."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """How pages and reports name the partnership in one line ('Stevenage', else 'Stevenage Community Safety
        Partnership'): select options, table cells, chart bars."""
        return short_or_full_name(self.short_name, self.name)

    def rag_meaning(self, status: str) -> str:
        """The partnership's own words for a status."""
        return {
            RagStatus.GREEN: self.green_meaning,
            RagStatus.AMBER: self.amber_meaning,
            RagStatus.RED: self.red_meaning,
            RagStatus.NOT_UPDATED: "No update for this period",
        }.get(status, "")


class PartnershipPopulation(models.Model):
    """Resident population for a financial year: the denominator of 'per 1,000' rates."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="populations")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2014 means 2014/15.")
    population = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "financial_year"], name="unique_population_per_year"),
            models.CheckConstraint(condition=Q(population__gt=0), name="population_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.financial_year}: {self.population}"


def short_or_full_name(short_name: str, name: str) -> str:
    """How an agency or group is named in one line ('SBC', else 'Stevenage Borough Council'): their `__str__`,
    and pages that read the two names as values (plans.rules.lead_label_of_values)."""
    return short_name or name


class Agency(TimeStampedModel):
    """A body taking part in the partnership: police, council, fire and rescue, health..."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
        HEALTH = "health", "Health"
        PROBATION = "probation", "Probation"
        PCC = "pcc", "Police and crime commissioner"
        VOLUNTARY = "voluntary", "Voluntary / community"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True, help_text="As plans write it: 'SBC', 'HFRS'.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_responsible_authority = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_agency_name"),
        ]

    def __str__(self) -> str:
        return short_or_full_name(self.short_name, self.name)


class Person(ArchivableModel, TimeStampedModel):
    """Someone named in a plan; may have no login yet and be linked to a user later."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True, help_text="'Insp', 'Station Commander'.")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="people")
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_person_name"),
            models.UniqueConstraint(
                fields=["partnership", "user"], condition=Q(user__isnull=False), name="unique_person_user"
            ),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.job_title, self.name) if part)


class Group(TimeStampedModel):
    """A partnership group: ODG, JAG, MATT, the Responsible Authorities Group, thematic groups."""

    class Kind(models.TextChoices):
        ODG = "odg", "Operational Delivery Group"
        JAG = "jag", "Joint Action Group"
        MATT = "matt", "Multi-Agency Tasking Team"
        BOARD = "board", "Board / Responsible Authorities Group"
        THEMATIC = "thematic", "Thematic group"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.THEMATIC)
    chair = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="chaired_groups")
    chair_agency = models.ForeignKey(
        Agency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_groups",
        help_text="When the plan names the chairing agency only ('Chaired by Police').",
    )
    meets = models.CharField(max_length=120, blank=True, help_text="'Monthly', 'Quarterly', 'Six weekly'.")
    next_meeting = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_group_name"),
        ]

    def __str__(self) -> str:
        return short_or_full_name(self.short_name, self.name)


class Role(models.TextChoices):
    """What a member may do in a partnership."""

    COORDINATOR = "coordinator", "Coordinator"
    GROUP_CHAIR = "group_chair", "Group chair"
    LEAD_OFFICER = "lead_officer", "Lead officer"
    ANALYST = "analyst", "Analyst"
    VIEWER = "viewer", "Viewer"


class Membership(TimeStampedModel):
    """A user's place in a partnership: their agency, the person they are, their roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.partnership}"

    @property
    def role_set(self) -> set[str]:
        return {r.role for r in self.roles.all()}


class MembershipRole(models.Model):
    """One role held through a membership; a member may hold several."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    # Role grants and removals appear on the partnership's audit page.
    history = HistoricalRecords()

    class Meta:
        ordering = ["membership", "role"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="unique_membership_role"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class AreaRole(models.TextChoices):
    """What a member of an area (not of one partnership) may do: read every partnership of the area."""

    AREA_ANALYST = "area_analyst", "Area analyst (reads every partnership of the area)"


class AreaMembership(TimeStampedModel):
    """A user's place in an area, e.g. a PCC office analyst: reads all the area's partnerships, writes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_memberships")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=AreaRole.choices, default=AreaRole.AREA_ANALYST)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "area", "role"], name="unique_area_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.area} ({self.get_role_display()})"


class ReportingPeriod(models.Model):
    """A quarter, half-year or whole financial year of a partnership (Q1 = April to June)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", "Quarter"
        HALF_YEAR = "half_year", "Half-year"
        YEAR = "year", "Financial year"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reporting_periods")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2014 means 2014/15.")
    number = models.PositiveSmallIntegerField(help_text="Quarter 1-4, half 1-2, or 1 for the year.")
    start = models.DateField()
    end = models.DateField()
    update_deadline = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "financial_year", "number"], name="unique_reporting_period"
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start"),
            models.CheckConstraint(
                condition=(
                    Q(kind="quarter", number__gte=1, number__lte=4)
                    | Q(kind="half_year", number__gte=1, number__lte=2)
                    | Q(kind="year", number=1)
                ),
                name="period_number_in_range",
            ),
        ]
        indexes = [
            # A partnership's periods latest first: "the latest quarter with a counted update"
            # (plans.selectors.reviews.latest_reported_period) walks this backwards and stops at the first,
            # instead of joining every update of the plan (2.3 ms -> 0.2 ms at national scale).
            models.Index(fields=["partnership", "start"], name="period_partnership_start"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def year_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.QUARTER:
            return f"Q{self.number} {self.year_label}"
        if self.kind == self.Kind.HALF_YEAR:
            return f"H{self.number} {self.year_label}"
        return self.year_label

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


# API tokens live with their services and authentication (csp/tokens.py); imported here so the
# app's models are all registered when models.py loads.
from . import sessions  # noqa: E402,F401  (connects the sign-in signal that starts the idle clock)
from .tokens import ApiToken  # noqa: E402,F401


class Notification(models.Model):
    """Something a user is told about: shown in the app, and e-mailed at once or in the daily digest.

    `key` names the event (one row per user and event), so telling someone twice about the same event
    records nothing new. The e-mail is claimed (`email_state` 'sending') before it goes, so two
    senders never both send it.
    """

    class Kind(models.TextChoices):
        UPDATE_SUBMITTED = "update_submitted", "Update submitted"
        UPDATE_RETURNED = "update_returned", "Update returned"
        UPDATE_APPROVED = "update_approved", "Update approved"
        ESCALATED = "escalated", "Escalated to the board"
        ESCALATION_RESOLVED = "escalation_resolved", "Escalation resolved"
        PROPOSAL_MADE = "proposal_made", "Proposal made"
        PROPOSAL_DECIDED = "proposal_decided", "Proposal decided"
        REPORT_READY = "report_ready", "Report ready"
        REMINDER = "reminder", "Reminder"

    class EmailState(models.TextChoices):
        PENDING = "pending", "Waiting to be e-mailed"
        SENDING = "sending", "Being e-mailed"
        SENT = "sent", "E-mailed"
        NOT_SENT = "not_sent", "Not e-mailed (no address)"
        SEPARATE = "separate", "E-mailed by its own message (a reminder)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path in the app, e.g. /plans/objectives/1/.")
    key = models.CharField(max_length=200, help_text="The event: one notification per user and key.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.PENDING)
    email_claimed_by = models.CharField(max_length=100, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_notification_per_event")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["email_state"], name="notification_email_state"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How a user wants notifications e-mailed; no row means at once."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "Straight away, one e-mail each"
        DAILY = "daily", "Once a day, in one digest"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_delivery_display()}"
