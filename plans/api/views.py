"""API views of plans, objectives, quarterly updates and reviews.

Updates and reviews are written through the same services as the pages (plans.services.updates,
plans.services.reviews), so the rules (who may write, what a complete update is, who may approve)
are the pages' rules.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from csp.api.archive import ArchiveOnDeleteMixin
from csp.api.base import Conflict, ScopedModelViewSet, ScopedReadOnlyViewSet
from csp.api.concurrency import IF_MATCH, ETagMixin, PreconditionFailed
from csp.models import Role
from csp.selectors import REVIEWER_ROLES

from ..models import QuarterlyUpdate, Review
from ..rules import plan_check_writable
from ..selectors.access import escalations_visible_to
from ..services.escalations import escalation_resolve
from ..services.reviews import update_approve, update_escalate, update_return
from ..services.updates import OutcomeInput, StaleUpdate, UpdateInput, UpdateLocked, update_save_draft, update_submit
from . import filters, selectors, serializers


class PlanViewSet(ArchiveOnDeleteMixin, ScopedModelViewSet):
    """Partnership plans and annual action plans."""

    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    ordering_fields = ["title", "period_start", "updated_at"]
    ordering = ["partnership", "-period_start", "title"]

    def get_queryset(self):
        return selectors.plans_for_api(self.request.user, include_archived=self.include_archived)


class PlanWritableMixin:
    """Writes to a part of a plan (its sections, consultations, objectives) refused once the plan is read-only.

    These viewsets save through their serializers, so the one rule is called here; 400 with the message.
    """

    def _check_plans(self, *plans) -> None:
        for plan in plans:
            if plan is not None:
                plan_check_writable(plan)

    def perform_create(self, serializer):
        self._check_plans(serializer.validated_data.get("plan"))
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self._check_plans(serializer.instance.plan, serializer.validated_data.get("plan"))
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        self._check_plans(instance.plan)
        super().perform_destroy(instance)


class SectionViewSet(PlanWritableMixin, ScopedModelViewSet):
    """Sections of plans, usually one per priority."""

    serializer_class = serializers.SectionSerializer
    filterset_class = filters.SectionFilter
    ordering_fields = ["position", "number", "title"]
    ordering = ["plan", "position", "id"]

    def get_queryset(self):
        return selectors.sections_for_api(self.request.user)


class ConsultationActivityViewSet(PlanWritableMixin, ScopedModelViewSet):
    """Community consultation behind a plan and what it found."""

    serializer_class = serializers.ConsultationActivitySerializer
    filterset_class = filters.ConsultationActivityFilter
    ordering_fields = ["position", "activity"]
    ordering = ["plan", "position", "id"]

    def get_queryset(self):
        return selectors.consultations_for_api(self.request.user)


class ObjectiveViewSet(PlanWritableMixin, ArchiveOnDeleteMixin, ScopedModelViewSet):
    """Objectives with their actions, outcomes, milestones and leads, written together in one request."""

    serializer_class = serializers.ObjectiveSerializer
    filterset_class = filters.ObjectiveFilter
    ordering_fields = ["position", "ref", "due_date", "updated_at", "current_status"]
    ordering = ["plan", "position", "id"]

    def get_queryset(self):
        return selectors.objectives_for_api(self.request.user, include_archived=self.include_archived)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.objectives_api_page_prefetch(page)
        return page


UPDATE_WRITERS = frozenset({Role.COORDINATOR, Role.LEAD_OFFICER})


class QuarterlyUpdateViewSet(ArchiveOnDeleteMixin, ScopedModelViewSet):
    """Quarterly updates: a lead officer saves a draft and submits it, under the update page's rules.

    POST creates the update of an objective for a quarter (version 0); PUT/PATCH change a draft or
    returned one, naming the version read (If-Match or `version`); `submit: true` or the submit
    action sends it for review. A submitted or approved update is locked (409) until returned.
    """

    serializer_class = serializers.QuarterlyUpdateSerializer
    filterset_class = filters.QuarterlyUpdateFilter
    write_roles = UPDATE_WRITERS
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["period__start", "updated_at", "rag_status", "state"]
    ordering = ["objective", "period__start"]

    def get_queryset(self):
        return selectors.updates_for_api(self.request.user, include_archived=self.include_archived)

    @staticmethod
    def _input(validated: dict, current: QuarterlyUpdate | None) -> UpdateInput:
        """What to save: the current update, with what the request gives laid over it."""
        outcomes: dict[int, OutcomeInput] = {}
        if current is not None:
            outcomes = {s.outcome_id: OutcomeInput(s.rag_status, s.note) for s in current.outcome_statuses.all()}
        for given in validated.get("outcome_statuses", []):
            outcomes[given["outcome"].pk] = OutcomeInput(given.get("rag_status", "not_updated"), given.get("note", ""))
        milestones = validated.get("milestones_met")
        if milestones is None:
            milestone_ids = [m.pk for m in current.milestones_met.all()] if current is not None else []
        else:
            milestone_ids = [m.pk for m in milestones]

        def value(name: str, default):
            return validated.get(name, getattr(current, name) if current is not None else default)

        return UpdateInput(
            progress=value("progress", ""),
            rag_status=value("rag_status", "not_updated"),
            rag_note=value("rag_note", ""),
            spend_to_date=value("spend_to_date", None),
            outcomes=outcomes,
            milestone_ids=milestone_ids,
        )

    def _save(self, *, validated: dict, current: QuarterlyUpdate | None, submit: bool) -> QuarterlyUpdate:
        objective = current.objective if current is not None else validated["objective"]
        period = current.period if current is not None else validated["period"]
        version = validated.get("version", current.version if current is not None else 0)
        write = update_submit if submit else update_save_draft
        try:
            update = write(
                user=self.request.user,
                objective=objective,
                period=period,
                data=self._input(validated, current),
                version=version,
            )
        except StaleUpdate as exc:
            if current is None and exc.current is not None:
                raise Conflict(
                    f"This objective already has an update for {period}: change update {exc.current.pk}."
                ) from exc
            raise PreconditionFailed() from exc
        except UpdateLocked as exc:
            raise Conflict(str(exc)) from exc
        return self.get_queryset().get(pk=update.pk)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.instance = self._save(
                validated=serializer.validated_data, current=None, submit=serializer.validated_data.get("submit")
            )

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.instance = self._save(
                validated=serializer.validated_data,
                current=serializer.instance,
                submit=serializer.validated_data.get("submit"),
            )

    @extend_schema(
        request=serializers.QuarterlyUpdateSerializer(partial=True),
        responses=serializers.QuarterlyUpdateSerializer,
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the update for review, with any last changes given in the body."""
        with transaction.atomic():
            update = self.get_object_for_write()
            serializer = self.get_serializer(update, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            update = self._save(validated=serializer.validated_data, current=update, submit=True)
        return self.with_etag(Response(self.get_serializer(update).data))


class ReviewViewSet(ArchiveOnDeleteMixin, ScopedModelViewSet):
    """Review decisions. POST approves, returns (with a comment) or escalates (the comment is the note to the board)."""

    serializer_class = serializers.ReviewSerializer
    filterset_class = filters.ReviewFilter
    write_roles = REVIEWER_ROLES
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["created_at"]
    ordering = ["update", "created_at"]

    def get_queryset(self):
        return selectors.reviews_for_api(self.request.user, include_archived=self.include_archived)

    def perform_create(self, serializer):
        update = serializer.validated_data["update"]
        decision = serializer.validated_data["decision"]
        comment = serializer.validated_data.get("comment", "")
        reviewer = self.request.user
        with transaction.atomic():
            if decision == Review.Decision.APPROVED:
                update_approve(reviewer=reviewer, update=update, comment=comment)
            elif decision == Review.Decision.RETURNED:
                update_return(reviewer=reviewer, update=update, comment=comment)
            else:
                update_escalate(reviewer=reviewer, update=update, note=comment)
        serializer.instance = self.get_queryset().filter(update=update, reviewer=reviewer).latest("pk")


class EscalationViewSet(ScopedReadOnlyViewSet):
    """Items raised to the board; POST .../resolve/ records the board's decision and minute (chair or coordinator).

    The resolve action follows the other writes: the row is locked, then If-Match (the ETag of a
    GET) is checked, so a stale resolve gets 412.
    """

    serializer_class = serializers.EscalationSerializer
    filterset_class = filters.EscalationFilter
    ordering_fields = ["raised_at", "meeting_date", "resolved_at"]
    ordering = ["raised_at", "pk"]

    # The same If-Match checks as every other write (csp.api.concurrency.ETagMixin), without its CRUD routes.
    current_etag = ETagMixin.current_etag
    check_if_match = ETagMixin.check_if_match
    get_object_for_write = ETagMixin.get_object_for_write

    def get_queryset(self):
        return escalations_visible_to(self.request.user).filter(archived_at__isnull=True)

    @extend_schema(
        request=serializers.EscalationResolveSerializer,
        responses=serializers.EscalationSerializer,
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"], serializer_class=serializers.EscalationSerializer)
    def resolve(self, request, pk=None):
        """Record the board's decision and its minute reference; refused (400) once resolved."""
        payload = serializers.EscalationResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            escalation = self.get_object_for_write()
            escalation_resolve(
                user=request.user,
                escalation=escalation,
                decision=payload.validated_data["decision"],
                minute_reference=payload.validated_data["minute_reference"],
            )
        return self.with_etag(Response(self.get_serializer(self.get_queryset().get(pk=escalation.pk)).data))
