"""Serializers of the partnership core."""

from __future__ import annotations

from rest_framework import serializers

from csp.models import Agency, Group, Partnership, Person, ReportingPeriod
from csp.selectors import agencies_visible_to, partnerships_visible_to, people_visible_to

from .archive import ArchivedFieldsMixin
from .base import ScopedModelSerializer, VisibleRelatedField


class PartnershipSerializer(ScopedModelSerializer):
    partnership_path = ""
    # The police force / PCC area's name; operators set it in the admin, so the API only reads it.
    area = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "name",
            "slug",
            "short_name",
            "area",
            "green_meaning",
            "amber_meaning",
            "red_meaning",
            "update_deadline_days",
            "reminder_days_before",
            "created_at",
            "updated_at",
        ]


def partnership_field() -> VisibleRelatedField:
    return VisibleRelatedField(selector=partnerships_visible_to, queryset=Partnership.objects.all())


class AgencySerializer(ScopedModelSerializer):
    partnership = partnership_field()

    class Meta:
        model = Agency
        fields = ["id", "partnership", "name", "short_name", "kind", "is_responsible_authority", "updated_at"]


class PersonSerializer(ArchivedFieldsMixin, ScopedModelSerializer):
    partnership = partnership_field()
    agency = VisibleRelatedField(
        selector=agencies_visible_to, queryset=Agency.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Person
        fields = ["id", "partnership", "name", "job_title", "agency", "email", "user", "updated_at"]
        read_only_fields = ["user"]


class GroupSerializer(ScopedModelSerializer):
    partnership = partnership_field()
    chair = VisibleRelatedField(
        selector=people_visible_to, queryset=Person.objects.all(), allow_null=True, required=False
    )
    chair_agency = VisibleRelatedField(
        selector=agencies_visible_to, queryset=Agency.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Group
        fields = [
            "id",
            "partnership",
            "name",
            "short_name",
            "kind",
            "chair",
            "chair_agency",
            "meets",
            "next_meeting",
            "updated_at",
        ]


class ReportingPeriodSerializer(ScopedModelSerializer):
    partnership = partnership_field()
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "partnership", "kind", "financial_year", "number", "label", "start", "end", "update_deadline"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": ["The end must be on or after the start."]})
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        number = attrs.get("number", getattr(self.instance, "number", None))
        highest = {ReportingPeriod.Kind.QUARTER: 4, ReportingPeriod.Kind.HALF_YEAR: 2, ReportingPeriod.Kind.YEAR: 1}
        if kind and number is not None and not 1 <= number <= highest[kind]:
            raise serializers.ValidationError({"number": [f"A {kind} is numbered 1 to {highest[kind]}."]})
        return attrs
