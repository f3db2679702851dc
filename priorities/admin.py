"""Admin for priorities, themes, indicators and readings."""

from django.contrib import admin

from csp.admin_scoping import PartnershipScopedHistoryAdmin, PartnershipScopedInline, register_partnership_lookups

from .models import Indicator, IndicatorReading, Priority, Theme

register_partnership_lookups(
    {
        "priorities.priority": "partnership",
        "priorities.theme": "priority__partnership",
        "priorities.indicator": "partnership",
        "priorities.indicatorreading": "indicator__partnership",
    }
)


class ThemeInline(PartnershipScopedInline):
    model = Theme
    extra = 0


class IndicatorInline(PartnershipScopedInline):
    model = Indicator
    extra = 0
    fields = ["code", "name", "unit", "direction", "baseline", "target_value", "target_change_percent"]
    show_change_link = True


@admin.register(Priority)
class PriorityAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["code", "title", "partnership", "period_label", "is_cross_cutting"]
    list_filter = ["partnership", "is_cross_cutting"]
    search_fields = ["code", "title", "scope"]
    filter_horizontal = ["lead_agencies"]
    inlines = [ThemeInline, IndicatorInline]
    fieldsets = [
        (None, {"fields": ["partnership", "code", "title", "scope", "position", "is_cross_cutting"]}),
        ("Period", {"fields": ["period_start", "period_end", "period_label"]}),
        (
            "Lead and indicators",
            {"fields": ["lead_agencies", "lead_agency_text", "indicators_text", "source", "informed_by_consultation"]},
        ),
        (
            "Narrative",
            {
                "fields": [
                    "narrative_what",
                    "narrative_why",
                    "narrative_achievements",
                    "narrative_plans",
                    "narrative_hotspots",
                    "narrative_outcome",
                ]
            },
        ),
    ]


@admin.register(Theme)
class ThemeAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["title", "priority"]
    list_filter = ["priority__partnership"]
    search_fields = ["title", "description"]


class ReadingInline(PartnershipScopedInline):
    model = IndicatorReading
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["code", "name", "unit", "direction", "priority", "partnership"]
    list_filter = ["partnership", "unit", "direction"]
    search_fields = ["code", "name"]
    inlines = [ReadingInline]


@admin.register(IndicatorReading)
class IndicatorReadingAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["indicator", "period", "value"]
    list_filter = ["indicator__partnership"]
    search_fields = ["indicator__name", "indicator__code"]
    list_select_related = ["indicator", "period"]
