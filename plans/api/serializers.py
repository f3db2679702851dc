"""Serializers of plans, sections, consultation, objectives (with their parts), updates and reviews."""

from __future__ import annotations

from collections import Counter

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from csp.api.archive import ArchivedFieldsMixin
from csp.api.base import ApiModelSerializer, ListedListSerializer, ScopedModelSerializer, VisibleRelatedField
from csp.api.serializers import partnership_field
from csp.models import Agency, Group, Person, ReportingPeriod
from csp.selectors import agencies_visible_to, groups_visible_to, people_visible_to, reporting_periods_visible_to
from priorities.models import Indicator, Priority
from priorities.selectors import indicators_visible_to, priorities_visible_to

from ..models import (
    Action,
    ConsultationActivity,
    Escalation,
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
from ..rules import lead_label
from ..selectors import objectives_visible_to, plans_visible_to, updates_visible_to
from ..selectors.status import PeriodStatus, period_status
from ..services import plans as plan_services


def sections_visible_to(user):
    return Section.objects.filter(plan__in=plans_visible_to(user))


def milestones_visible_to(user):
    return Milestone.objects.filter(objective__in=objectives_visible_to(user))


def outcomes_visible_to(user):
    return ExpectedOutcome.objects.filter(objective__in=objectives_visible_to(user))


def plan_field(**kwargs) -> VisibleRelatedField:
    return VisibleRelatedField(selector=plans_visible_to, queryset=Plan.objects.all(), **kwargs)


def optional(selector, queryset, **kwargs) -> VisibleRelatedField:
    return VisibleRelatedField(selector=selector, queryset=queryset, allow_null=True, required=False, **kwargs)


def many(selector, queryset) -> VisibleRelatedField:
    return VisibleRelatedField(selector=selector, queryset=queryset, many=True, required=False)


ID_HELP = "Give the id of an existing part to keep (and change) it; leave it out for a new part."


class SectionSerializer(ScopedModelSerializer):
    partnership_path = "plan.partnership"
    plan = plan_field()
    priority = optional(priorities_visible_to, Priority.objects.all())

    class Meta:
        model = Section
        fields = ["id", "plan", "number", "title", "priority", "introduction", "position"]

    def create(self, validated_data):
        plan = validated_data.pop("plan")
        return plan_services.section_create(user=self.context["request"].user, plan=plan, fields=validated_data)

    def update(self, instance, validated_data):
        return plan_services.section_update(user=self.context["request"].user, section=instance, fields=validated_data)


class ConsultationActivitySerializer(ScopedModelSerializer):
    partnership_path = "plan.partnership"
    plan = plan_field()

    class Meta:
        model = ConsultationActivity
        fields = ["id", "plan", "activity", "key_results", "position"]


class PlanSectionSerializer(ApiModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "number", "title", "priority", "introduction", "position"]


class PlanConsultationSerializer(ApiModelSerializer):
    class Meta:
        model = ConsultationActivity
        fields = ["id", "activity", "key_results", "position"]


class PlanSerializer(ArchivedFieldsMixin, ScopedModelSerializer):
    """A plan; its sections and consultation activities are listed here and written at their own endpoints."""

    partnership = partnership_field()
    predecessor = optional(plans_visible_to, Plan.objects.all())
    owning_group = optional(groups_visible_to, Group.objects.all())
    current_period = optional(reporting_periods_visible_to, ReportingPeriod.objects.all())
    priorities = many(priorities_visible_to, Priority.objects.all())
    sections = PlanSectionSerializer(many=True, read_only=True)
    consultations = PlanConsultationSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "partnership",
            "title",
            "kind",
            "status",
            "period_start",
            "period_end",
            "period_label",
            "review_date",
            "review_date_text",
            "predecessor",
            "owning_group",
            "current_period",
            "introduction",
            "objectives_address_all_priorities",
            "priority_scope_note",
            "priority_neighbourhoods",
            "funding_statement",
            "notes",
            "priorities",
            "sections",
            "consultations",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": ["The end must be on or after the start."]})
        predecessor = attrs.get("predecessor")
        if predecessor is not None and self.instance is not None and predecessor.pk == self.instance.pk:
            raise serializers.ValidationError({"predecessor": ["A plan cannot follow itself."]})
        return attrs

    @staticmethod
    def _split(validated_data: dict) -> tuple[dict, dict]:
        m2m = {name: validated_data.pop(name) for name in plan_services.PLAN_M2M_FIELDS if name in validated_data}
        return validated_data, m2m

    def create(self, validated_data):
        fields, m2m = self._split(validated_data)
        return plan_services.plan_create(user=self.context["request"].user, fields=fields, m2m=m2m)

    def update(self, instance, validated_data):
        fields, m2m = self._split(validated_data)
        return plan_services.plan_update(user=self.context["request"].user, plan=instance, fields=fields, m2m=m2m)


class ActionSerializer(ApiModelSerializer):
    id = serializers.IntegerField(required=False, help_text=ID_HELP)

    class Meta:
        model = Action
        list_serializer_class = ListedListSerializer
        fields = ["id", "text", "position"]


class ExpectedOutcomeSerializer(ApiModelSerializer):
    id = serializers.IntegerField(required=False, help_text=ID_HELP)
    indicator = optional(indicators_visible_to, Indicator.objects.all())
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, allow_null=True, required=False)

    class Meta:
        model = ExpectedOutcome
        list_serializer_class = ListedListSerializer
        fields = ["id", "number", "text", "target_value", "target_unit", "budget", "indicator"]


class LeadSerializer(ApiModelSerializer):
    """A lead as the plan writes it: a person (optional), the job title as written in this plan, an organisation
    (agency) or a group, and a kind. At least one of person, job_title, agency, group is given."""

    person = optional(people_visible_to, Person.objects.all())
    agency = optional(agencies_visible_to, Agency.objects.all())
    group = optional(groups_visible_to, Group.objects.all())
    person_name = serializers.SerializerMethodField(help_text="The person's name, when the lead names a person.")
    label = serializers.SerializerMethodField(help_text="The lead in words, as every page and report says it.")

    class Meta:
        model = ObjectiveLead
        list_serializer_class = ListedListSerializer
        fields = ["id", "person", "person_name", "job_title", "agency", "group", "kind", "position", "label"]
        read_only_fields = ["id", "position"]

    @staticmethod
    def get_person_name(lead) -> str | None:
        return lead.person.name if lead.person_id else None

    @staticmethod
    def get_label(lead) -> str:
        return lead_label(lead)


class ObjectiveLeadSerializer(LeadSerializer):
    pass


class MilestoneLeadSerializer(LeadSerializer):
    class Meta(LeadSerializer.Meta):
        model = MilestoneLead


class MilestoneSerializer(ApiModelSerializer):
    id = serializers.IntegerField(required=False, help_text=ID_HELP)
    leads = MilestoneLeadSerializer(many=True, required=False)
    cost_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, allow_null=True, required=False
    )

    class Meta:
        model = Milestone
        list_serializer_class = ListedListSerializer
        fields = [
            "id",
            "text",
            "due_date",
            "due_text",
            "leads",
            "lead_text",
            "cost_amount",
            "cost_text",
            "completed_on",
            "position",
        ]


class OutcomeNoteSerializer(serializers.Serializer):
    """An expected outcome's status and note in a counted update: the reasons beside a red or amber status."""

    outcome = serializers.IntegerField(source="outcome_id")
    outcome_number = serializers.IntegerField(source="outcome.number")
    rag_status = serializers.CharField()
    note = serializers.CharField()


class ObjectiveListSerializer(serializers.ListSerializer):
    """A page of objectives: the outcome notes of every counted update are read in one query."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.context["_current_update_ids"] = [getattr(o, "current_update_id", None) for o in items]
        return super().to_representation(items)


class ObjectiveSerializer(ArchivedFieldsMixin, ScopedModelSerializer):
    """An objective with its actions, outcomes, milestones and leads; nested lists given replace the set."""

    partnership_path = "plan.partnership"
    plan = plan_field()
    section = optional(sections_visible_to, Section.objects.all())
    priorities = many(priorities_visible_to, Priority.objects.all())
    indicators = many(indicators_visible_to, Indicator.objects.all())
    lead_agencies = many(agencies_visible_to, Agency.objects.all())
    lead_groups = many(groups_visible_to, Group.objects.all())
    carried_forward_from = optional(objectives_visible_to, Objective.objects.all())
    cost_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    actions = ActionSerializer(many=True, required=False)
    outcomes = ExpectedOutcomeSerializer(many=True, required=False)
    milestones = MilestoneSerializer(many=True, required=False)
    leads = ObjectiveLeadSerializer(many=True, required=False)
    current_status = serializers.ChoiceField(
        choices=PeriodStatus.choices,
        read_only=True,
        help_text="Status in the plan's current quarter (its chosen one, else today's) by the one status rule: "
        "a submitted or approved update's red/amber/green, 'no_status' when that update gives none, "
        "'no_update' when there is no submitted or approved update (drafts and returned updates never count).",
    )
    current_status_label = serializers.SerializerMethodField(help_text="The status in words, as every page says it.")
    current_status_reason = serializers.CharField(
        read_only=True, allow_null=True, help_text="Why the status is red or amber (the counted update's rag_note)."
    )
    current_outcome_notes = serializers.SerializerMethodField(
        help_text="Each expected outcome's status and note in the counted update of the current quarter."
    )

    class Meta:
        model = Objective
        list_serializer_class = ObjectiveListSerializer
        fields = [
            "id",
            "plan",
            "section",
            "ref",
            "title",
            "label",
            "theme",
            "position",
            "priorities",
            "addresses_all_priorities",
            "priorities_text",
            "target_and_indicator",
            "indicators",
            "lead_text",
            "lead_role_text",
            "lead_agencies",
            "lead_groups",
            "due_date",
            "due_text",
            "resources",
            "cost_amount",
            "cost_text",
            "funding_source",
            "how_measured",
            "how_evaluated",
            "notes",
            "state",
            "completed_on",
            "struck_on",
            "struck_reason",
            "carried_forward_from",
            "actions",
            "outcomes",
            "milestones",
            "leads",
            "current_status",
            "current_status_label",
            "current_status_reason",
            "current_outcome_notes",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def get_current_status_label(objective: Objective) -> str | None:
        status = getattr(objective, "current_status", None)
        return PeriodStatus.label(status) if status else None

    @extend_schema_field(OutcomeNoteSerializer(many=True))
    def get_current_outcome_notes(self, objective: Objective) -> list[dict]:
        update_id = getattr(objective, "current_update_id", None)
        if update_id is None:
            return []
        notes = self.context.setdefault("_outcome_notes", {})
        if update_id not in notes:
            # One query for the whole page: every listed objective's counted update at once.
            wanted = {update_id, *(i for i in self.context.get("_current_update_ids", ()) if i is not None)}
            for status in OutcomeStatus.objects.filter(update_id__in=wanted).select_related("outcome"):
                notes.setdefault(status.update_id, []).append(status)
            for missing in wanted:
                notes.setdefault(missing, [])
        # One note serializer for the page (binding a new one per objective built its fields 50 times).
        note = self.context.get("_outcome_note_serializer")
        if note is None:
            note = self.context["_outcome_note_serializer"] = OutcomeNoteSerializer()
        return [note.to_representation(status) for status in sorted(notes[update_id], key=lambda s: s.outcome.number)]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        plan = attrs.get("plan", getattr(self.instance, "plan", None))
        section = attrs.get("section", getattr(self.instance, "section", None))
        if section is not None and plan is not None and section.plan_id != plan.pk:
            raise serializers.ValidationError({"section": ["The section must be one of the objective's plan."]})
        state = attrs.get("state", getattr(self.instance, "state", Objective.State.ACTIVE))
        if state == Objective.State.STRUCK:
            if not attrs.get("struck_on", getattr(self.instance, "struck_on", None)):
                raise serializers.ValidationError({"struck_on": ["Give the date the objective was struck."]})
            if not attrs.get("struck_reason", getattr(self.instance, "struck_reason", "")).strip():
                raise serializers.ValidationError({"struck_reason": ["Give the reason the objective was struck."]})
        duplicates = {"outcomes": Counter(item["number"] for item in attrs.get("outcomes", []))}
        for name, counts in duplicates.items():
            if any(count > 1 for count in counts.values()):
                raise serializers.ValidationError({name: ["Each appears once: no repeated outcome number or lead."]})
        return attrs

    @staticmethod
    def _split(validated_data: dict) -> tuple[dict, dict, dict]:
        m2m = {name: validated_data.pop(name) for name in plan_services.M2M_FIELDS if name in validated_data}
        parts = {name: validated_data.pop(name) for name in plan_services.PARTS if name in validated_data}
        return validated_data, m2m, parts

    def create(self, validated_data):
        fields, m2m, parts = self._split(validated_data)
        return plan_services.objective_create(user=self.context["request"].user, fields=fields, m2m=m2m, parts=parts)

    def update(self, instance, validated_data):
        fields, m2m, parts = self._split(validated_data)
        return plan_services.objective_update(
            user=self.context["request"].user, objective=instance, fields=fields, m2m=m2m, parts=parts
        )


class OutcomeStatusSerializer(ApiModelSerializer):
    outcome = VisibleRelatedField(selector=outcomes_visible_to, queryset=ExpectedOutcome.objects.all())
    outcome_number = serializers.IntegerField(source="outcome.number", read_only=True)

    class Meta:
        model = OutcomeStatus
        fields = ["id", "outcome", "outcome_number", "rag_status", "note"]
        read_only_fields = ["id"]


class QuarterlyUpdateSerializer(ArchivedFieldsMixin, ScopedModelSerializer):
    """A lead officer's update for one objective and quarter, written through the same rules as the update page."""

    partnership_path = "objective.plan.partnership"
    objective = VisibleRelatedField(selector=objectives_visible_to, queryset=Objective.objects.all())
    period = VisibleRelatedField(selector=reporting_periods_visible_to, queryset=ReportingPeriod.objects.all())
    period_label = serializers.CharField(source="period.label", read_only=True)
    counted_status = serializers.SerializerMethodField(
        help_text="The status this update gives its objective: its red/amber/green once submitted or approved, "
        "'no_status' if it gives none, 'no_update' while a draft or returned (not counted)."
    )
    counted_status_label = serializers.SerializerMethodField(help_text="`counted_status` in words.")
    milestones_met = many(milestones_visible_to, Milestone.objects.all())
    outcome_statuses = OutcomeStatusSerializer(many=True, required=False)
    spend_to_date = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version you read (0 for a new update). Optional when you send If-Match.",
    )
    submit = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Submit for review, not just save a draft."
    )

    class Meta:
        model = QuarterlyUpdate
        fields = [
            "id",
            "objective",
            "period",
            "period_label",
            "progress",
            "rag_status",
            "counted_status",
            "counted_status_label",
            "rag_note",
            "spend_to_date",
            "milestones_met",
            "outcome_statuses",
            "state",
            "is_late",
            "version",
            "submit",
            "author",
            "author_name",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "state",
            "is_late",
            "author",
            "author_name",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=PeriodStatus.choices))
    def get_counted_status(self, update: QuarterlyUpdate) -> str:
        return period_status(update)

    def get_counted_status_label(self, update: QuarterlyUpdate) -> str:
        return PeriodStatus.label(period_status(update))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            for name in ("objective", "period"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: ["An update stays with its objective and quarter."]})
        objective = attrs.get("objective", getattr(self.instance, "objective", None))
        period = attrs.get("period", getattr(self.instance, "period", None))
        if objective is not None and period is not None and period.partnership_id != objective.plan.partnership_id:
            raise serializers.ValidationError({"period": ["The quarter must be one of the objective's partnership."]})
        if objective is not None:
            for status in attrs.get("outcome_statuses", []):
                if status["outcome"].objective_id != objective.pk:
                    raise serializers.ValidationError({"outcome_statuses": ["Each outcome must be the objective's."]})
            for milestone in attrs.get("milestones_met", []):
                if milestone.objective_id != objective.pk:
                    raise serializers.ValidationError({"milestones_met": ["Each milestone must be the objective's."]})
        return attrs


class ReviewSerializer(ArchivedFieldsMixin, ScopedModelSerializer):
    """A decision on a submitted update: approve, return with a comment, or escalate to the board with a note."""

    partnership_path = "update.objective.plan.partnership"
    update = VisibleRelatedField(selector=updates_visible_to, queryset=QuarterlyUpdate.objects.all())

    class Meta:
        model = Review
        fields = ["id", "update", "decision", "comment", "reviewer", "created_at"]
        read_only_fields = ["reviewer"]


class EscalationSerializer(ArchivedFieldsMixin, ScopedModelSerializer):
    """An item raised to the board, and the board's decision once resolved (read-only: resolve with the action)."""

    partnership_path = "objective.plan.partnership"

    class Meta:
        model = Escalation
        fields = [
            "id",
            "objective",
            "update",
            "board",
            "note",
            "raised_by",
            "raised_at",
            "meeting_date",
            "resolved_at",
            "resolved_by",
            "resolution",
            "minute_reference",
        ]
        read_only_fields = fields


class EscalationResolveSerializer(serializers.Serializer):
    """The board's decision and the minute that records it."""

    decision = serializers.CharField(allow_blank=False, trim_whitespace=True)
    minute_reference = serializers.CharField(allow_blank=False, trim_whitespace=True)
