"""A small SVG bar-chart builder: charts drawn on the server, readable in a PDF with no JavaScript."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
FONT = "font-family:Arial,Helvetica,sans-serif"


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


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
            f'fill="#0b0c0c">{escape(_short(label))}</text>'
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
