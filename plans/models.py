"""What the partnership will do: plans, objectives and their parts, quarterly updates and reviews."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csp.models import (
    Agency,
    ArchivableModel,
    Group,
    Partnership,
    Person,
    RagStatus,
    ReportingPeriod,
    TimeStampedModel,
)
from csp.text import shorten
from priorities.models import Indicator, Priority


class Plan(ArchivableModel, TimeStampedModel):
    """A three-year partnership plan or an annual action plan: a 'living document'."""

    class Kind(models.TextChoices):
        STRATEGIC = "strategic", "Three-year strategic plan"
        ANNUAL = "annual", "Annual action plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=40, blank=True, help_text="As written: '2014/15', '2011 – 2014'.")
    review_date = models.DateField(null=True, blank=True)
    review_date_text = models.CharField(max_length=100, blank=True, help_text="As written: 'March 2012'.")
    predecessor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="successors")
    owning_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_plans",
        help_text="The group that keeps the plan (ODG in Stevenage).",
    )
    current_period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The quarter lead officers are updating now; when empty, the quarter of today's date.",
    )
    introduction = models.TextField(blank=True)
    # Hastings: 'Addressing all local priorities, unless otherwise indicated'.
    objectives_address_all_priorities = models.BooleanField(default=False)
    priority_scope_note = models.CharField(max_length=300, blank=True)
    priority_neighbourhoods = models.TextField(blank=True)
    funding_statement = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    priorities = models.ManyToManyField(Priority, blank=True, related_name="plans")
    # The public summary page (issue 14): published by a coordinator, withdrawn by clearing it.
    public_since = models.DateTimeField(null=True, blank=True, help_text="When the public summary was published.")
    # Imported plans (issue 12): the file's SHA-256 makes a second import of the same file a no-op.
    source_sha256 = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the imported file."
    )
    imported_from = models.CharField(max_length=255, blank=True, help_text="The file name the plan was imported from.")

    history = HistoricalRecords(m2m_fields=[priorities])

    class Meta:
        ordering = ["partnership", "-period_start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "title"], name="unique_plan_title"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ConsultationActivity(models.Model):
    """Community consultation behind a plan, and what it found (Hastings)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    activity = models.CharField(max_length=300)
    key_results = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name_plural = "consultation activities"

    def __str__(self) -> str:
        return self.activity


class Section(models.Model):
    """A section of a plan, usually one per priority ('1. Domestic abuse')."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300)
    priority = models.ForeignKey(Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="sections")
    introduction = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="unique_section_title"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Objective(ArchivableModel, TimeStampedModel):
    """One line of the plan: an objective with its actions, leads, outcomes and milestones."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        STRUCK = "struck", "Struck from the plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="objectives")
    ref = models.CharField(max_length=120, blank=True, help_text="'1.1', 'CH1', 'ASB 3' or a name: 'Op Marble'.")
    title = models.TextField(help_text="The objective or aim as the plan words it.")
    label = models.CharField(max_length=60, blank=True, help_text="A tag the plan gives: 'Project / campaign'.")
    theme = models.CharField(max_length=200, blank=True, help_text="The objective's theme as the plan words it.")
    position = models.PositiveIntegerField(default=0)
    priorities = models.ManyToManyField(Priority, blank=True, related_name="objectives")
    addresses_all_priorities = models.BooleanField(default=False)
    priorities_text = models.CharField(max_length=60, blank=True, help_text="As written: '(LP2&3)'.")
    target_and_indicator = models.TextField(blank=True)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="objectives")
    lead_text = models.TextField(blank=True, help_text="The lead column word for word.")
    lead_role_text = models.TextField(blank=True, help_text="'Chaired by Police', 'Police initially...'.")
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="led_objectives")
    lead_groups = models.ManyToManyField(Group, blank=True, related_name="objectives")
    lead_officers = models.ManyToManyField(Person, through="ObjectiveLead", blank=True, related_name="led_objectives")
    due_date = models.DateField(null=True, blank=True, help_text="Only where the plan means a date.")
    due_text = models.CharField(max_length=200, blank=True, help_text="As written: 'Ongoing', 'Summer 2014'.")
    resources = models.TextField(blank=True, help_text="One resource per line.")
    cost_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    cost_text = models.CharField(max_length=200, blank=True, help_text="'TBC', 'Officer time'.")
    funding_source = models.CharField(max_length=200, blank=True, help_text="'PCC grant'.")
    how_measured = models.TextField(blank=True)
    how_evaluated = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    completed_on = models.DateField(null=True, blank=True)
    struck_on = models.DateField(null=True, blank=True)
    struck_reason = models.TextField(blank=True)
    carried_forward_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_forward_to"
    )

    history = HistoricalRecords(m2m_fields=[priorities, lead_agencies, lead_groups])

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], condition=~Q(ref=""), name="unique_objective_ref"),
            models.CheckConstraint(
                condition=~Q(state="struck") | (Q(struck_on__isnull=False) & ~Q(struck_reason="")),
                name="struck_objective_has_reason_and_date",
            ),
            models.CheckConstraint(
                condition=Q(cost_amount__gte=0) | Q(cost_amount__isnull=True), name="cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.short_title}".strip()

    @property
    def short_title(self) -> str:
        return shorten(self.title, 80)

    @property
    def resource_list(self) -> list[str]:
        return [line.strip() for line in self.resources.splitlines() if line.strip()]

    @property
    def is_struck(self) -> bool:
        return self.state == self.State.STRUCK


class LeadKind(models.TextChoices):
    LEAD = "lead", "Lead"
    IN_CONJUNCTION = "in_conjunction", "In conjunction with"
    REPORTING_OFFICER = "reporting", "Reporting officer"


def _lead_constraints(owner: str, prefix: str) -> list:
    """A lead names someone or something; a person leads for one organisation once per objective or milestone."""
    return [
        models.CheckConstraint(
            condition=Q(person__isnull=False) | ~Q(job_title="") | Q(agency__isnull=False) | Q(group__isnull=False),
            name=f"{prefix}_names_someone",
        ),
        models.UniqueConstraint(
            fields=[owner, "person", "agency"],
            condition=Q(person__isnull=False, agency__isnull=False),
            name=f"unique_{prefix}_person_agency",
        ),
        models.UniqueConstraint(
            fields=[owner, "person"],
            condition=Q(person__isnull=False, agency__isnull=True),
            name=f"unique_{prefix}_person_no_agency",
        ),
    ]


class LeadFields(models.Model):
    """A lead as the plan writes it: a person (optional), a jobholder title, an organisation or a group, and a kind.

    `job_title` is the title as written in this plan ('Chief Inspector Eastbourne District'): a later change
    of the person's own job title does not rewrite the plan.
    """

    Kind = LeadKind

    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    job_title = models.CharField(max_length=300, blank=True, help_text="As written in this plan.")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=LeadKind.choices, default=LeadKind.LEAD)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        from .rules import lead_label

        return lead_label(self)


class ObjectiveLead(LeadFields):
    """A lead of an objective."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="leads")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="objective_leads")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="objective_leads")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="objective_leads")

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position", "id"]
        constraints = _lead_constraints("objective", "objective_lead")


class Action(models.Model):
    """One of an objective's ordered actions."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ExpectedOutcome(models.Model):
    """A numbered expected outcome / output of an objective, with an optional numeric target."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    target_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    target_unit = models.CharField(max_length=40, blank=True, help_text="'%', 'events', 'case studies'.")
    budget = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="What the plan sets aside for it, in pounds."
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes")

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "number"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "number"], name="unique_outcome_number"),
            models.CheckConstraint(
                condition=Q(budget__gte=0) | Q(budget__isnull=True), name="outcome_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class Milestone(models.Model):
    """A dated step of an objective, with its own lead."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="milestones")
    text = models.TextField()
    due_date = models.DateField(null=True, blank=True)
    due_text = models.CharField(max_length=200, blank=True)
    lead_text = models.CharField(max_length=300, blank=True, help_text="The lead as written; `leads` are the truth.")
    cost_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    cost_text = models.CharField(max_length=200, blank=True, help_text="'Officer time', 'TBC'.")
    completed_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_amount__gte=0) | Q(cost_amount__isnull=True), name="milestone_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class MilestoneLead(LeadFields):
    """A lead of a milestone, in the same shape as an objective's."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="leads")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="milestone_leads")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestone_leads")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestone_leads")

    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone", "position", "id"]
        constraints = _lead_constraints("milestone", "milestone_lead")


class QuarterlyUpdate(ArchivableModel, TimeStampedModel):
    """A lead officer's progress on an objective for one quarter."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"

    # PROTECT: an objective with updates is archived, never deleted with its record of progress.
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    progress = models.TextField(blank=True)
    rag_status = models.CharField(max_length=12, choices=RagStatus.choices, default=RagStatus.NOT_UPDATED)
    rag_note = models.TextField(blank=True, help_text="Why the overall status is red or amber.")
    spend_to_date = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    milestones_met = models.ManyToManyField(Milestone, blank=True, related_name="met_in_updates")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    is_late = models.BooleanField(default=False)
    # Optimistic locking: a save must name the version it started from.
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True, help_text="Who wrote it, where they have no login.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True, help_text="The reviewer's latest comment, e.g. why it was returned.")

    history = HistoricalRecords(m2m_fields=[milestones_met])

    class Meta:
        ordering = ["objective", "period__start"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "period"], name="one_update_per_objective_and_period"),
            models.CheckConstraint(
                condition=Q(spend_to_date__gte=0) | Q(spend_to_date__isnull=True), name="spend_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective.ref} {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class OutcomeStatus(models.Model):
    """The status and note of one expected outcome in a quarterly update."""

    update = models.ForeignKey(QuarterlyUpdate, on_delete=models.CASCADE, related_name="outcome_statuses")
    outcome = models.ForeignKey(ExpectedOutcome, on_delete=models.PROTECT, related_name="statuses")
    rag_status = models.CharField(max_length=12, choices=RagStatus.choices, default=RagStatus.NOT_UPDATED)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        # update_id, not update: ordering by the relation pulls in the update's, objective's, plan's and
        # partnership's orderings, joining national tables for what is only ever read per update.
        ordering = ["update_id", "outcome__number"]
        verbose_name_plural = "outcome statuses"
        constraints = [
            models.UniqueConstraint(fields=["update", "outcome"], name="one_status_per_outcome_and_update"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome.number}: {self.get_rag_status_display()}"


class Review(ArchivableModel):
    """A decision on a submitted update: approved, returned with a comment, or escalated."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned to lead officers"
        ESCALATED = "escalated", "Escalated to the board"

    update = models.ForeignKey(QuarterlyUpdate, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["update_id", "created_at"]  # not "update": see OutcomeStatus

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.update}"


class Escalation(ArchivableModel):
    """An item raised to the board / Responsible Authorities Group for its next meeting."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="escalations")
    update = models.ForeignKey(
        QuarterlyUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations"
    )
    board = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="escalations")
    note = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    meeting_date = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)  # the board's decision text
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minute_reference = models.CharField(max_length=60, blank=True, help_text="The board minute: 'RAG 14/07 item 5'.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.objective} to {self.board}"


class ChangeProposal(ArchivableModel):
    """A proposal to strike or change an objective, decided by the group chair."""

    class Kind(models.TextChoices):
        STRIKE = "strike", "Strike from the plan"
        CHANGE = "change", "Change the objective"

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    proposed_change = models.TextField(blank=True)
    # The objective's editable text fields, worded as proposed: the non-empty ones are applied on approval.
    proposed_title = models.TextField("Proposed title", blank=True)
    proposed_target_and_indicator = models.TextField("Proposed target and indicator", blank=True)
    proposed_due_text = models.CharField("Proposed due", max_length=200, blank=True)
    proposed_how_measured = models.TextField("Proposed way it is measured", blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "kind"], condition=Q(decision="pending"), name="one_pending_proposal_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.objective}"


class Comment(ArchivableModel):
    """A comment on an objective, optionally about one update."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="comments")
    update = models.ForeignKey(
        QuarterlyUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Reminder(models.Model):
    """A reminder e-mail to a lead officer for a period; unique so a re-run sends nothing twice.

    A row is recorded 'pending', claimed ('sending', with the claiming task and time) just before its
    e-mail goes out, and marked 'sent' as soon as the mail server has accepted it.
    """

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before", "Before the deadline"
        AFTER_DEADLINE = "after", "After the deadline"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminders")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField()
    objectives = models.ManyToManyField(Objective, blank=True, related_name="reminders")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True, help_text="The task sending it.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "claimed_at"], name="reminder_state_claimed")]
        constraints = [
            models.UniqueConstraint(fields=["person", "period", "kind"], name="one_reminder_per_person_period_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.period} {self.kind}"


class PendingSave(models.Model):
    """What someone posted to an update page after their session had ended, kept for them alone.

    Restored into the form after they sign in again (plans.services.pending_saves); removed once they
    save that update, and ignored after PENDING_SAVE_HOURS. Not history: a holding place, never the record.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    fields = models.JSONField(help_text="The posted form fields: name -> list of values.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "objective", "period"], name="pending_save_owner")]

    def __str__(self) -> str:
        return f"Kept for {self.user_id}: {self.objective_id} {self.period_id}"


class Meeting(TimeStampedModel):
    """A meeting of a group (ODG, JAG, board) on a date: its pack, the decisions taken there, its action log."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    minute_reference = models.CharField(max_length=60, blank=True, help_text="The minutes: 'ODG 14/07'.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-date"]
        constraints = [models.UniqueConstraint(fields=["group", "date"], name="one_meeting_per_group_and_date")]

    def __str__(self) -> str:
        return f"{self.group} {self.date:%-d %B %Y}"


class MeetingDecision(models.Model):
    """A decision taken from a meeting's pack, recorded in the same transaction as the decision itself."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Update approved"
        RETURN = "return", "Update returned to lead officers"
        ESCALATE = "escalate", "Escalated to the board"
        STRIKE = "strike", "Strike from the plan agreed"
        CHANGE = "change", "Change to the objective agreed"
        REJECT = "reject", "Proposal rejected"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="meeting_decisions")
    update = models.ForeignKey(
        QuarterlyUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_decisions"
    )
    proposal = models.ForeignKey(
        ChangeProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_decisions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.objective_id} at {self.meeting_id}"


class ActionLogItem(TimeStampedModel):
    """An action agreed at a group's meeting; it shows in every later pack of the group until it is done."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="action_log")
    raised_at = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions_raised")
    text = models.TextField()
    owner = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_actions")
    owner_text = models.CharField(max_length=200, blank=True, help_text="Who, where they are not a listed person.")
    due_date = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "raised_at__date", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def owner_name(self) -> str:
        return self.owner_text or (str(self.owner) if self.owner_id else "")


def evidence_path(evidence: UpdateEvidence, filename: str) -> str:
    # A random name: the file's own name is kept in the row, never trusted as a path.
    return f"evidence/{evidence.update.objective.plan.partnership_id}/{evidence.update_id}/{uuid.uuid4().hex}"


class UpdateEvidence(ArchivableModel):
    """A file a lead officer attaches to a quarterly update as evidence (a report, a photo, a spreadsheet).

    Stored privately; served only through the authorised view, as an attachment.
    """

    update = models.ForeignKey(QuarterlyUpdate, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    filename = models.CharField(max_length=255, help_text="The name the file had on the uploader's computer.")
    content_type = models.CharField(max_length=100, help_text="Found from the file's content, not its name.")
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["update", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


def plan_import_path(plan_import: PlanImport, filename: str) -> str:
    """A random stored name under the partnership's folder; the uploader's file name is kept on the row."""
    return f"imports/{plan_import.partnership_id}/{uuid.uuid4().hex}"


class PlanImport(TimeStampedModel):
    """A plan document a coordinator uploaded to import: its tables, the column mapping, and the plan it became.

    Nothing is written to plans until the import is confirmed; the row (and its history) stays afterwards
    as the record of where the plan came from.
    """

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        MAPPED = "mapped", "Columns checked"
        IMPORTED = "imported", "Imported"
        ABANDONED = "abandoned", "Abandoned"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plan_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=plan_import_path, max_length=300)
    filename = models.CharField(max_length=255, help_text="The name the file had on the uploader's computer.")
    sha256 = models.CharField(max_length=64, db_index=True)
    title = models.CharField(max_length=300, blank=True, help_text="The plan's title, if the uploader gave one.")
    tables = models.JSONField(default=list, help_text="The file's tables as cell text (drafts.RawTable).")
    mappings = models.JSONField(default=list, help_text="What each column holds (drafts.TableMapping).")
    check_result = models.JSONField(
        default=dict, help_text="The last dry run with these mappings: counts, errors, duplicate plan id."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.UPLOADED)
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
