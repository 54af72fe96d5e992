"""A story's views per hour as an SVG bar chart, drawn on the server: no script, no
third-party library. The chart is an image with a title and a description; the desk page puts
the same figures in a table beside it, for screen readers and for copying."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from figures.reports import Hour

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 48, 24, 12  # room for the axis labels


@dataclass(frozen=True)
class Chart:
    svg: str
    peak: int
    total: int


def views_chart(hours: list[Hour], *, title: str) -> Chart:
    peak = max((h.views for h in hours), default=0)
    total = sum(h.views for h in hours)
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(hours), 1)
    bar = min(max(step * 0.8, 1), 48)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"></rect>',
        (
            (
                f"{LEFT + n * step:.1f}",
                f"{TOP + plot_h - height:.1f}",
                f"{bar:.1f}",
                f"{height:.1f}",
            )
            for n, h in enumerate(hours)
            for height in [h.views / peak * plot_h if peak else 0]
        ),
    )
    first = timezone.localtime(hours[0].start) if hours else None
    last = timezone.localtime(hours[-1].start) if hours else None
    description = (
        f"{total} views in {len(hours)} hours from {first:%d %b %H:00} to {last:%d %b %H:00}; "
        f"at most {peak} in one hour."
        if hours
        else "No hours to show yet."
    )
    svg = format_html(
        '<svg class="figures-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-title chart-desc">'
        '<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>'
        '<line x1="{left}" y1="{base}" x2="{w}" y2="{base}" class="axis"></line>'
        '<text x="{lx}" y="{ty}" class="label" text-anchor="end">{peak}</text>'
        '<text x="{lx}" y="{base}" class="label" text-anchor="end">0</text>'
        '<text x="{left}" y="{h}" class="label">{start}</text>'
        '<text x="{w}" y="{h}" class="label" text-anchor="end">{end}</text>'
        '<g class="bars">{bars}</g></svg>',
        w=WIDTH,
        h=HEIGHT - 4,
        title=title,
        desc=description,
        left=LEFT,
        base=TOP + plot_h,
        lx=LEFT - 6,
        ty=TOP + 10,
        peak=peak,
        start=f"{first:%d %b %H:00}" if first else "",
        end=f"{last:%d %b %H:00}" if last else "",
        bars=bars,
    )
    return Chart(svg=svg, peak=peak, total=total)
