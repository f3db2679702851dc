"""Admin for plans, objectives (with their actions, outcomes, milestones and leads) and updates."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from csp.admin_scoping import (
    PartnershipScopedHistoryAdmin,
    PartnershipScopedInline,
    RecordOnlyAdminMixin,
    register_partnership_lookups,
)

from .models import (
    Action,
    ChangeProposal,
    Comment,
    ConsultationActivity,
    Escalation,
    ExpectedOutcome,
    Milestone,
    Objective,
    ObjectiveLead,
    OutcomeStatus,
    Plan,
    QuarterlyUpdate,
    Reminder,
    Review,
    Section,
)
from .rules import plan_check_writable, plan_is_read_only
from .services.updates import OutcomeInput, UpdateInput, update_save_draft

register_partnership_lookups(
    {
        "plans.plan": "partnership",
        "plans.section": "plan__partnership",
        "plans.consultationactivity": "plan__partnership",
        "plans.objective": "plan__partnership",
        "plans.objectivelead": "objective__plan__partnership",
        "plans.action": "objective__plan__partnership",
        "plans.expectedoutcome": "objective__plan__partnership",
        "plans.milestone": "objective__plan__partnership",
        "plans.quarterlyupdate": "objective__plan__partnership",
        "plans.outcomestatus": "update__objective__plan__partnership",
        "plans.review": "update__objective__plan__partnership",
        "plans.escalation": "objective__plan__partnership",
        "plans.changeproposal": "objective__plan__partnership",
        "plans.comment": "objective__plan__partnership",
        "plans.reminder": "period__partnership",
    }
)


class SectionInline(PartnershipScopedInline):
    model = Section
    extra = 0
    fields = ["position", "number", "title", "priority"]


class ConsultationInline(PartnershipScopedInline):
    model = ConsultationActivity
    extra = 0


@admin.register(Plan)
class PlanAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["title", "partnership", "kind", "status", "period_label", "current_period"]
    list_filter = ["partnership", "kind", "status"]
    search_fields = ["title", "introduction"]
    filter_horizontal = ["priorities"]
    autocomplete_fields = ["predecessor", "owning_group"]
    inlines = [SectionInline, ConsultationInline]
    list_select_related = ["partnership", "current_period"]
    # Where an imported plan came from: set by the import, which checks a second import of the file against it.
    workflow_fields = ("source_sha256", "imported_from")


class ReadOnlyPlanAdminMixin:
    """A row of a read-only plan (next year's plan is live) is shown, not changed or deleted (plans.rules)."""

    plan_path = "plan"

    def _plan_of(self, obj):
        for step in self.plan_path.split("."):
            obj = getattr(obj, step)
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        """An added row, or one moved, may not land in a read-only plan: an error on the form, not a 500."""
        form_class = super().get_form(request, obj, change=change, **kwargs)
        first, _, rest = self.plan_path.partition(".")

        class PlanWritableForm(form_class):
            def clean(self):
                cleaned = super().clean()
                plan = cleaned.get(first)
                for step in rest.split(".") if rest else []:
                    plan = getattr(plan, step, None)
                if plan is not None:
                    plan_check_writable(plan)
                return cleaned

        return PlanWritableForm

    def has_change_permission(self, request, obj=None):
        if obj is not None and plan_is_read_only(self._plan_of(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and plan_is_read_only(self._plan_of(obj)):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Section)
class SectionAdmin(ReadOnlyPlanAdminMixin, PartnershipScopedHistoryAdmin):
    list_display = ["__str__", "plan", "priority"]
    list_filter = ["plan__partnership", "plan"]
    search_fields = ["title"]


class ActionInline(PartnershipScopedInline):
    model = Action
    extra = 0
    fields = ["position", "text"]


class OutcomeInline(PartnershipScopedInline):
    model = ExpectedOutcome
    extra = 0
    fields = ["number", "text", "target_value", "target_unit", "budget", "indicator"]


class MilestoneInline(PartnershipScopedInline):
    model = Milestone
    extra = 0
    fields = [
        "position",
        "text",
        "due_date",
        "due_text",
        "lead_text",
        "cost_amount",
        "cost_text",
        "completed_on",
    ]


class LeadInline(PartnershipScopedInline):
    model = ObjectiveLead
    extra = 0
    fields = ["position", "person", "job_title", "agency", "group", "kind"]
    autocomplete_fields = ["person", "agency", "group"]


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyPlanAdminMixin, PartnershipScopedHistoryAdmin):
    list_display = ["ref", "short_title", "plan", "section", "due_text", "state"]
    list_filter = ["plan__partnership", "plan", "state", "lead_groups", "lead_agencies"]
    search_fields = ["ref", "title", "lead_text", "leads__person__name", "leads__job_title"]
    filter_horizontal = ["priorities", "lead_agencies", "lead_groups", "indicators"]
    autocomplete_fields = ["carried_forward_from"]
    list_select_related = ["plan", "section"]
    inlines = [ActionInline, OutcomeInline, MilestoneInline, LeadInline]
    fieldsets = [
        (None, {"fields": ["plan", "section", "position", "ref", "title", "label", "theme", "state"]}),
        ("Priorities", {"fields": ["priorities", "addresses_all_priorities", "priorities_text"]}),
        ("Leads", {"fields": ["lead_text", "lead_role_text", "lead_agencies", "lead_groups"]}),
        (
            "When and resources",
            {"fields": ["due_date", "due_text", "resources", "cost_amount", "cost_text", "funding_source"]},
        ),
        ("Measurement", {"fields": ["target_and_indicator", "indicators", "how_measured", "how_evaluated"]}),
        ("Lifecycle", {"fields": ["completed_on", "struck_on", "struck_reason", "carried_forward_from", "notes"]}),
    ]


class OutcomeStatusInline(PartnershipScopedInline):
    """An update's outcome statuses, shown only: the lead officer writes them through the update page."""

    model = OutcomeStatus
    extra = 0
    fields = ["outcome", "rag_status", "note"]
    readonly_fields = ["outcome", "rag_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuarterlyUpdateAdminForm(forms.ModelForm):
    """The update's text fields; refused when the update is locked or someone saved it since it was opened."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = QuarterlyUpdate
        fields = ["objective", "period", "progress", "rag_status", "rag_note", "spend_to_date", "milestones_met"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        cleaned = super().clean()
        update = self.instance
        objective = update.objective if update.pk else cleaned.get("objective")
        if objective is not None and objective.archived_at is not None:
            raise ValidationError("This item is archived: a coordinator restores it before its updates change.")
        if update.pk:
            if not update.is_editable:
                raise ValidationError(
                    f"This update is {update.get_state_display().lower()} and cannot be changed until a reviewer "
                    "returns it."
                )
            if update.archived_at is not None:
                raise ValidationError("This update is archived: a coordinator restores it first.")
            if cleaned.get("expected_version") not in (None, update.version):
                raise ValidationError("Someone saved this update after you opened it. Reload the page and try again.")
        return cleaned


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(ReadOnlyPlanAdminMixin, PartnershipScopedHistoryAdmin):
    form = QuarterlyUpdateAdminForm
    plan_path = "objective.plan"
    list_display = ["objective", "period", "rag_status", "state", "is_late", "updated_at"]
    list_filter = ["objective__plan__partnership", "period", "state", "rag_status", "is_late"]
    search_fields = ["objective__ref", "objective__title", "progress"]
    raw_id_fields = ["objective"]
    filter_horizontal = ["milestones_met"]
    workflow_fields = (
        "state",
        "version",
        "is_late",
        "author",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    )
    list_select_related = ["objective", "period"]
    inlines = [OutcomeStatusInline]
    # An update changes only through the update service (state, version, review); a revert would bypass it.
    revertable = False
    # The update service checks `expected_version` itself.
    checks_concurrent_changes = False

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # An update stays with its objective and quarter once written.
        return [*readonly, "objective", "period"] if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        """The one hook from the admin into the update services: same rules, locking and version bump as the page."""
        statuses = obj.outcome_statuses.all() if change else []
        current = {s.outcome_id: OutcomeInput(s.rag_status, s.note) for s in statuses}
        saved = update_save_draft(
            user=request.user,
            objective=obj.objective,
            period=obj.period,
            data=UpdateInput(
                progress=obj.progress,
                rag_status=obj.rag_status,
                rag_note=obj.rag_note,
                spend_to_date=obj.spend_to_date,
                outcomes=current,
                milestone_ids=[m.pk for m in form.cleaned_data.get("milestones_met", [])],
            ),
            version=form.cleaned_data.get("expected_version") or 0,
        )
        obj.pk = saved.pk
        obj.version = saved.version

    def save_related(self, request, form, formsets, change):
        # The service wrote the milestones met (no form.save_m2m()); the read-only outcome statuses save nothing.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(OutcomeStatus)
class OutcomeStatusAdmin(RecordOnlyAdminMixin, PartnershipScopedHistoryAdmin):
    list_display = ["update", "outcome", "rag_status"]
    list_filter = ["rag_status", "update__period"]
    list_select_related = ["update__objective", "update__period", "outcome"]


@admin.register(ObjectiveLead, Action, ExpectedOutcome, Milestone)
class ObjectivePartAdmin(ReadOnlyPlanAdminMixin, PartnershipScopedHistoryAdmin):
    plan_path = "objective.plan"
    raw_id_fields = ["objective"]
    search_fields = ["objective__ref", "objective__title"]
    list_filter = ["objective__plan__partnership"]


@admin.register(ConsultationActivity)
class ConsultationActivityAdmin(ReadOnlyPlanAdminMixin, PartnershipScopedHistoryAdmin):
    list_display = ["activity", "plan"]
    search_fields = ["activity", "key_results"]


@admin.register(Review)
class ReviewAdmin(RecordOnlyAdminMixin, PartnershipScopedHistoryAdmin):
    """Review decisions are made on the review pages (plans.services.reviews); here they are only read."""

    list_display = ["update", "decision", "reviewer", "created_at"]
    list_filter = ["decision"]


@admin.register(Escalation)
class EscalationAdmin(PartnershipScopedHistoryAdmin):
    """Chairs escalate on the review pages; here an escalation's meeting and resolution are recorded."""

    list_display = ["objective", "board", "raised_by", "raised_at", "meeting_date", "resolved_at"]
    list_filter = ["board"]
    raw_id_fields = ["objective", "update"]
    workflow_fields = ("raised_by", "raised_at")

    def has_add_permission(self, request):
        return False


@admin.register(ChangeProposal)
class ChangeProposalAdmin(RecordOnlyAdminMixin, PartnershipScopedHistoryAdmin):
    """Proposals are made and decided on the review pages (plans.services.reviews)."""

    list_display = ["objective", "kind", "decision", "proposed_by", "proposed_at"]
    list_filter = ["kind", "decision"]


@admin.register(Comment)
class CommentAdmin(RecordOnlyAdminMixin, PartnershipScopedHistoryAdmin):
    """What someone said stays as they said it; comments are written on the item page."""

    list_display = ["objective", "author", "created_at"]
    search_fields = ["text"]


@admin.register(Reminder)
class ReminderAdmin(RecordOnlyAdminMixin, PartnershipScopedHistoryAdmin):
    """Reminders are sent by the schedule; the admin shows what went to whom."""

    list_display = ["person", "period", "kind", "email", "sent_at"]
    list_filter = ["kind", "period__partnership"]
