"""A small SVG bar-chart builder: charts drawn on the server, readable in a PDF with no JavaScript."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from csp.text import shorten
from plans.selectors.status import STATUS_ORDER, PeriodStatus

# GOV.UK colours; each status also carries its word in the legend and a number on its segment.
STATUS_COLOURS = {
    PeriodStatus.RED: ("#d4351c", "#ffffff"),
    PeriodStatus.AMBER: ("#ffdd00", "#0b0c0c"),
    PeriodStatus.NO_UPDATE: ("#b1b4b6", "#0b0c0c"),
    PeriodStatus.NO_STATUS: ("#f3f2f1", "#0b0c0c"),
    PeriodStatus.GREEN: ("#00703c", "#ffffff"),
}
LABEL_WIDTH = 230
BAR_WIDTH = 380
ROW_HEIGHT = 26
BAR_HEIGHT = 18
LABEL_CHARACTERS = 34  # a label longer than this is cut between words
FONT = "font-family:Arial,Helvetica,sans-serif"


def status_bar_chart(*, title: str, bars: list[tuple[str, list[tuple[str, int]]]]) -> SafeString:
    """A horizontal stacked bar per label, one segment per status, with a legend in words."""
    largest = max((sum(count for _, count in segments) for _, segments in bars), default=0) or 1
    height = ROW_HEIGHT * len(bars) + 44
    width = LABEL_WIDTH + BAR_WIDTH + 40
    description = "; ".join(
        f"{label}: " + ", ".join(f"{count} {PeriodStatus.label(status).lower()}" for status, count in segments)
        for label, segments in bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="app-chart-svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    for row, (label, segments) in enumerate(bars):
        y = row * ROW_HEIGHT + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end" font-size="11" style="{FONT}" '
            f'fill="#0b0c0c">{escape(shorten(label, LABEL_CHARACTERS))}</text>'
        )
        x = float(LABEL_WIDTH)
        for status, count in segments:
            if not count:
                continue
            fill, ink = STATUS_COLOURS[status]
            segment = BAR_WIDTH * count / largest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{segment:.1f}" height="{BAR_HEIGHT}" fill="{fill}" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            if segment >= 14:
                parts.append(
                    f'<text x="{x + segment / 2:.1f}" y="{y + 13}" text-anchor="middle" font-size="11" '
                    f'style="{FONT}" fill="{ink}">{count}</text>'
                )
            x += segment
    legend_y = ROW_HEIGHT * len(bars) + 16
    x = 8.0
    for status in STATUS_ORDER:
        fill, _ = STATUS_COLOURS[status]
        word = PeriodStatus.label(status)
        parts.append(f'<rect x="{x:.1f}" y="{legend_y}" width="12" height="12" fill="{fill}" stroke="#0b0c0c"/>')
        parts.append(
            f'<text x="{x + 16:.1f}" y="{legend_y + 10}" font-size="11" style="{FONT}" fill="#0b0c0c">{word}</text>'
        )
        x += 24 + 6 * len(word)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


# --- Indicator trends -------------------------------------------------------------------------
LINE_COLOUR = "#1d70b8"  # GOV.UK blue: the figures
TARGET_COLOUR = "#505a5f"  # GOV.UK dark grey, dashed: the target
TREND_WIDTH, TREND_HEIGHT = 600, 240
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 64, 48, 16, 56


def _number(value) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def indicator_trend_chart(*, title: str, points: list, unit: str = "") -> SafeString:
    """A line of the figures against a dashed target line, one point per reading period.

    `points` are priorities.indicators.Point. The chart carries a title and a description in
    words; pages and reports show the same figures as a table beside it.
    """
    figures = [p.figure for p in points]
    targets = [p.target for p in points]
    known = [float(v) for v in figures + targets if v is not None]
    description = "; ".join(
        f"{p.label}: {_number(p.figure) if p.figure is not None else 'no figure'}"
        + (f" against a target of {_number(p.target)}" if p.target is not None else "")
        for p in points
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="app-chart-svg" width="{TREND_WIDTH}" '
        f'height="{TREND_HEIGHT}" viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(description or 'No readings yet.')}</desc>",
    ]
    plot_w = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    plot_h = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    font = 'font-family="Arial, Helvetica, sans-serif" font-size="11" fill="#0b0c0c"'
    if not points or not known:
        parts.append(f'<text x="{TREND_LEFT}" y="{TREND_TOP + 20}" {font}>No readings yet.</text></svg>')
        return mark_safe("".join(parts))  # noqa: S308 - escaped above
    top = max(known) * 1.1 or 1.0
    bottom = min(0.0, min(known))
    span = (top - bottom) or 1.0

    def x_of(index: int) -> float:
        return TREND_LEFT + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y_of(value) -> float:
        return TREND_TOP + plot_h * (1 - (float(value) - bottom) / span)

    # Axes, three gridlines with their figures.
    for step in range(3):
        value = bottom + span / 1.1 * step / 2 if step else bottom
        y = y_of(value)
        parts.append(
            f'<line x1="{TREND_LEFT}" y1="{y:.1f}" x2="{TREND_WIDTH - TREND_RIGHT}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(f'<text x="{TREND_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {font}>{_number(value)}</text>')
    every = max(1, -(-len(points) // 8))  # at most 8 period labels
    for index, point in enumerate(points):
        if index % every == 0 or index == len(points) - 1:
            parts.append(
                f'<text x="{x_of(index):.1f}" y="{TREND_HEIGHT - TREND_BOTTOM + 16}" text-anchor="middle" '
                f"{font}>{escape(point.label)}</text>"
            )

    def polyline(values, colour: str, dashed: bool) -> None:
        run: list[str] = []
        for index, value in enumerate(values + [None]):
            if value is None:
                if len(run) > 1:
                    dash = ' stroke-dasharray="6 4"' if dashed else ""
                    parts.append(
                        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
                    )
                run = []
                continue
            run.append(f"{x_of(index):.1f},{y_of(value):.1f}")

    polyline(targets, TARGET_COLOUR, dashed=True)
    polyline(figures, LINE_COLOUR, dashed=False)
    for index, value in enumerate(figures):
        if value is not None:
            parts.append(f'<circle cx="{x_of(index):.1f}" cy="{y_of(value):.1f}" r="3.5" fill="{LINE_COLOUR}"/>')
    # Legend in words.
    legend_y = TREND_HEIGHT - 14
    figure_word = f"Figure{f' ({escape(unit)})' if unit else ''}"
    parts.append(
        f'<line x1="{TREND_LEFT}" y1="{legend_y - 4}" x2="{TREND_LEFT + 24}" y2="{legend_y - 4}" '
        f'stroke="{LINE_COLOUR}" stroke-width="2"/>'
        f'<text x="{TREND_LEFT + 30}" y="{legend_y}" {font}>{figure_word}</text>'
        f'<line x1="{TREND_LEFT + 220}" y1="{legend_y - 4}" x2="{TREND_LEFT + 244}" y2="{legend_y - 4}" '
        f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{TREND_LEFT + 250}" y="{legend_y}" {font}>Target</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def sparkline(*, label: str, points: list) -> SafeString:
    """A small line of the figures (no axes) with its meaning in aria-label; figures sit beside it."""
    values = [p.figure for p in points if p.figure is not None]
    width, height = 96, 24
    if len(values) < 2:
        return mark_safe("")
    low, high = float(min(values)), float(max(values))
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    coords = " ".join(
        f"{i * step:.1f},{height - 3 - (float(v) - low) / span * (height - 6):.1f}" for i, v in enumerate(values)
    )
    summary = f"{label}: from {_number(values[0])} to {_number(values[-1])} over {len(values)} readings"
    return mark_safe(  # noqa: S308 - the only text is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="app-sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(summary)}"><title>{escape(summary)}</title>'
        f'<polyline points="{coords}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2"/></svg>'
    )
