"""Admin for plans, objectives (with their actions, outcomes, milestones and leads) and updates."""

from django.contrib import admin

from csp.admin_scoping import (
    PartnershipScopedAdmin,
    PartnershipScopedHistoryAdmin,
    PartnershipScopedInline,
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


@admin.register(Section)
class SectionAdmin(PartnershipScopedHistoryAdmin):
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
    fields = ["number", "text", "target_value", "target_unit", "indicator"]


class MilestoneInline(PartnershipScopedInline):
    model = Milestone
    extra = 0
    fields = ["position", "text", "due_date", "due_text", "lead", "lead_text", "completed_on"]
    autocomplete_fields = ["lead"]


class LeadInline(PartnershipScopedInline):
    model = ObjectiveLead
    extra = 0
    fields = ["position", "person", "agency", "kind"]
    autocomplete_fields = ["person", "agency"]


@admin.register(Objective)
class ObjectiveAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["ref", "short_title", "plan", "section", "due_text", "state"]
    list_filter = ["plan__partnership", "plan", "state", "lead_groups", "lead_agencies"]
    search_fields = ["ref", "title", "lead_text", "leads__person__name"]
    filter_horizontal = ["priorities", "lead_agencies", "lead_groups", "indicators"]
    autocomplete_fields = ["carried_forward_from"]
    list_select_related = ["plan", "section"]
    inlines = [ActionInline, OutcomeInline, MilestoneInline, LeadInline]
    fieldsets = [
        (None, {"fields": ["plan", "section", "position", "ref", "title", "label", "state"]}),
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
    model = OutcomeStatus
    extra = 0
    fields = ["outcome", "rag_status", "note"]
    raw_id_fields = ["outcome"]


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["objective", "period", "rag_status", "state", "is_late", "updated_at"]
    list_filter = ["objective__plan__partnership", "period", "state", "rag_status", "is_late"]
    search_fields = ["objective__ref", "objective__title", "progress"]
    raw_id_fields = ["objective", "author", "submitted_by", "reviewed_by"]
    filter_horizontal = ["milestones_met"]
    readonly_fields = ["version", "created_at", "updated_at"]
    list_select_related = ["objective", "period"]
    inlines = [OutcomeStatusInline]


@admin.register(OutcomeStatus)
class OutcomeStatusAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["update", "outcome", "rag_status"]
    list_filter = ["rag_status", "update__period"]
    raw_id_fields = ["update", "outcome"]
    list_select_related = ["update__objective", "update__period", "outcome"]


@admin.register(ObjectiveLead, Action, ExpectedOutcome, Milestone)
class ObjectivePartAdmin(PartnershipScopedHistoryAdmin):
    raw_id_fields = ["objective"]
    search_fields = ["objective__ref", "objective__title"]
    list_filter = ["objective__plan__partnership"]


@admin.register(ConsultationActivity)
class ConsultationActivityAdmin(PartnershipScopedAdmin):
    list_display = ["activity", "plan"]
    search_fields = ["activity", "key_results"]


@admin.register(Review)
class ReviewAdmin(PartnershipScopedAdmin):
    list_display = ["update", "decision", "reviewer", "created_at"]
    list_filter = ["decision"]
    raw_id_fields = ["update", "reviewer"]


@admin.register(Escalation)
class EscalationAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["objective", "board", "raised_by", "raised_at", "meeting_date", "resolved_at"]
    list_filter = ["board"]
    raw_id_fields = ["objective", "update", "raised_by"]


@admin.register(ChangeProposal)
class ChangeProposalAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["objective", "kind", "decision", "proposed_by", "proposed_at"]
    list_filter = ["kind", "decision"]
    raw_id_fields = ["objective", "proposed_by", "decided_by"]


@admin.register(Comment)
class CommentAdmin(PartnershipScopedAdmin):
    list_display = ["objective", "author", "created_at"]
    raw_id_fields = ["objective", "update", "author"]
    search_fields = ["text"]


@admin.register(Reminder)
class ReminderAdmin(PartnershipScopedAdmin):
    list_display = ["person", "period", "kind", "email", "sent_at"]
    list_filter = ["kind", "period__partnership"]
    raw_id_fields = ["person", "period"]
    filter_horizontal = ["objectives"]
