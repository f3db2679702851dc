"""What the strategic assessment found: priorities, their themes, indicators and readings."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from csp.models import Agency, ArchivableModel, Partnership, ReportingPeriod, TimeStampedModel


class Priority(ArchivableModel, TimeStampedModel):
    """A priority from the strategic assessment ('Domestic abuse', 'LP2 Alcohol related crime')."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="priorities")
    code = models.CharField(max_length=20, help_text="'LP1', '1', 'DA'.")
    title = models.CharField(max_length=300)
    scope = models.TextField(blank=True, help_text="'to include public place violent crime & sexual offences'.")
    period_start = models.DateField(help_text="First day of the period the assessment covers.")
    period_end = models.DateField()
    period_label = models.CharField(max_length=40, blank=True, help_text="As written: '2014/15', '2011 – 2014'.")
    position = models.PositiveSmallIntegerField(default=0)
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="led_priorities")
    lead_agency_text = models.CharField(max_length=300, blank=True, help_text="As written: 'All partners'.")
    is_cross_cutting = models.BooleanField(default=False)
    indicators_text = models.TextField(blank=True, help_text="The indicators line as the plan writes it.")
    source = models.CharField(max_length=300, blank=True, help_text="'Joint Strategic Intelligence Assessment'.")
    informed_by_consultation = models.BooleanField(default=False)
    # Narrative sections some plans give per priority.
    narrative_what = models.TextField("What it is", blank=True)
    narrative_why = models.TextField("Why it is a priority", blank=True)
    narrative_achievements = models.TextField("Achievements so far", blank=True)
    narrative_plans = models.TextField("Plans", blank=True)
    narrative_hotspots = models.TextField("Hotspots", blank=True)
    narrative_outcome = models.TextField("Outcome sought", blank=True)

    history = HistoricalRecords(m2m_fields=[lead_agencies])

    class Meta:
        ordering = ["partnership", "period_start", "position", "code"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "period_start", "code"], name="unique_priority_code"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="priority_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Theme(models.Model):
    """A theme inside a priority ('personal harm', 'public nuisance', 'environmental harm')."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "title"], name="unique_theme_title"),
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(TimeStampedModel):
    """A performance indicator: 'NI 20 Assault with less serious injury', 'ASB per 1,000 population'."""

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        RATE_PER_1000 = "rate_per_1000", "Rate per 1,000 population"
        PERCENTAGE = "percentage", "Percentage"

    class Direction(models.TextChoices):
        UP_IS_GOOD = "up", "Up is good"
        DOWN_IS_GOOD = "down", "Down is good"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="indicators")
    priority = models.ForeignKey(Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    code = models.CharField(max_length=30, blank=True, help_text="National indicator number: 'NI 20'.")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.COUNT)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.DOWN_IS_GOOD)
    baseline = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    baseline_label = models.CharField(max_length=60, blank=True, help_text="'2013/14 outturn'.")
    target_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    target_change_percent = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, help_text="-5 means a 5% reduction on the baseline."
    )
    baseline_period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The period the baseline figure is for.",
    )
    tolerance_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("5"),
        help_text="How far the figure may miss its target, as a % of the target, and still be amber.",
    )
    source = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "priority", "name"],
                name="unique_indicator_name",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(tolerance_percent__gte=0), name="indicator_tolerance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def target_figure(self) -> Decimal | None:
        """The target as a figure: the value given, or the baseline moved by the % change."""
        if self.target_value is not None:
            return self.target_value
        if self.baseline is not None and self.target_change_percent is not None:
            return (self.baseline * (1 + self.target_change_percent / 100)).quantize(Decimal("0.001"))
        return None


class IndicatorTarget(models.Model):
    """The indicator's target for one financial year (plans set a figure per year)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2014 means 2014/15.")
    value = models.DecimalField(max_digits=14, decimal_places=3)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "financial_year"], name="unique_indicator_target_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.financial_year}: {self.value}"


class IndicatorReading(TimeStampedModel):
    """The indicator's figure for a reporting period.

    `value` is what was counted: the count, the numerator of a rate, or the percentage.
    Rates per 1,000 are derived from it and the partnership's population for the year.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="readings")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="indicator_readings")
    value = models.DecimalField(max_digits=14, decimal_places=3)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period__start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="unique_reading_per_period"),
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}: {self.value}"
