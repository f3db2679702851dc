"""Serializers of priorities (with themes and narratives), indicators and readings."""

from __future__ import annotations

from rest_framework import serializers

from csp.api.archive import ArchivedFieldsMixin
from csp.api.base import ApiModelSerializer, ScopedModelSerializer, VisibleRelatedField
from csp.api.serializers import partnership_field
from csp.models import Agency, ReportingPeriod
from csp.selectors import agencies_visible_to, partnership_ids_visible_to, reporting_periods_visible_to
from priorities import services
from priorities.indicators import figure_of
from priorities.models import Indicator, IndicatorReading, Priority, Theme
from priorities.selectors import indicators_visible_to, populations_by_year, priorities_visible_to
from priorities.services import reading_record


class ThemeSerializer(ApiModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Give the id to keep (and change) an existing theme.")

    class Meta:
        model = Theme
        fields = ["id", "title", "description", "position"]


class PrioritySerializer(ArchivedFieldsMixin, ScopedModelSerializer):
    """A priority with its narratives and themes; `themes` given on a write replaces the set."""

    partnership = partnership_field()
    lead_agencies = VisibleRelatedField(
        selector=agencies_visible_to, queryset=Agency.objects.all(), many=True, required=False
    )
    themes = ThemeSerializer(many=True, required=False)

    class Meta:
        model = Priority
        fields = [
            "id",
            "partnership",
            "code",
            "title",
            "scope",
            "period_start",
            "period_end",
            "period_label",
            "position",
            "lead_agencies",
            "lead_agency_text",
            "is_cross_cutting",
            "indicators_text",
            "source",
            "informed_by_consultation",
            "narrative_what",
            "narrative_why",
            "narrative_achievements",
            "narrative_plans",
            "narrative_hotspots",
            "narrative_outcome",
            "themes",
            "updated_at",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": ["The end must be on or after the start."]})
        titles = [theme["title"] for theme in attrs.get("themes", [])]
        if len(titles) != len(set(titles)):
            raise serializers.ValidationError({"themes": ["Each theme of a priority needs its own title."]})
        return attrs

    def create(self, validated_data):
        themes = validated_data.pop("themes", None)
        m2m = {name: validated_data.pop(name) for name in services.PRIORITY_M2M_FIELDS if name in validated_data}
        return services.priority_create(
            user=self.context["request"].user, fields=validated_data, m2m=m2m, themes=themes
        )

    def update(self, instance, validated_data):
        themes = validated_data.pop("themes", None)
        m2m = {name: validated_data.pop(name) for name in services.PRIORITY_M2M_FIELDS if name in validated_data}
        return services.priority_update(
            user=self.context["request"].user, priority=instance, fields=validated_data, m2m=m2m, themes=themes
        )


class IndicatorSerializer(ScopedModelSerializer):
    partnership = partnership_field()
    priority = VisibleRelatedField(
        selector=priorities_visible_to, queryset=Priority.objects.all(), allow_null=True, required=False
    )
    target_figure = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "partnership",
            "priority",
            "code",
            "name",
            "unit",
            "direction",
            "baseline",
            "baseline_label",
            "target_value",
            "target_change_percent",
            "target_figure",
            "source",
            "notes",
            "updated_at",
        ]


class IndicatorReadingSerializer(ScopedModelSerializer):
    partnership_path = "indicator.partnership"

    indicator = VisibleRelatedField(selector=indicators_visible_to, queryset=Indicator.objects.all())
    period = VisibleRelatedField(selector=reporting_periods_visible_to, queryset=ReportingPeriod.objects.all())

    figure = serializers.SerializerMethodField(
        help_text="A rate per 1,000 population for rate indicators, else the value."
    )

    class Meta:
        model = IndicatorReading
        fields = ["id", "indicator", "period", "value", "figure", "note", "updated_at"]

    def get_figure(self, reading) -> str | None:
        # Populations are read once per response (one query), not once per reading.
        populations = self.context.get("_populations")
        if populations is None:
            populations = self.context["_populations"] = populations_by_year(
                partnership_ids_visible_to(self.context["request"].user)
            )
        figure = figure_of(
            value=reading.value,
            unit=reading.indicator.unit,
            population=populations.get((reading.indicator.partnership_id, reading.period.financial_year)),
        )
        return None if figure is None else str(figure)

    # Writes go through the one service (the pages and the file upload use it too).
    def create(self, validated_data):
        reading, _ = reading_record(
            indicator=validated_data["indicator"],
            period=validated_data["period"],
            value=validated_data["value"],
            note=validated_data.get("note", ""),
        )
        return reading

    def update(self, instance, validated_data):
        indicator = validated_data.get("indicator", instance.indicator)
        period = validated_data.get("period", instance.period)
        if (indicator.pk, period.pk) != (instance.indicator_id, instance.period_id):
            raise serializers.ValidationError({"period": "A reading's indicator and period cannot be changed."})
        reading, _ = reading_record(
            indicator=indicator,
            period=period,
            value=validated_data.get("value", instance.value),
            note=validated_data.get("note", instance.note),
        )
        return reading
