"""A story's views per hour as a bar chart drawn on the server: no script, no third-party
library. The bars are an SVG image with a title and a description; the axis labels are text
beside it in the page, not in the image, so they keep the page's own size however narrow the
screen shrinks the bars (in the image they would shrink with it, to 6 px on a phone). The desk
page puts the same figures in a table under it, for screen readers and for copying."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from figures.reports import Hour

# The image's own units: the bars stretch to the width the page gives them.
WIDTH, HEIGHT = 720, 200


@dataclass(frozen=True)
class Chart:
    html: str
    peak: int
    total: int


def _when(hour: Hour) -> str:
    return f"{timezone.localtime(hour.start):%d %b %H:00}"


def _bars(hours: list[Hour], peak: int) -> str:
    step = WIDTH / max(len(hours), 1)
    bar = min(max(step * 0.8, 1), 48)
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"></rect>',
        (
            (f"{n * step:.1f}", f"{HEIGHT - height:.1f}", f"{bar:.1f}", f"{height:.1f}")
            for n, h in enumerate(hours)
            for height in [h.views / peak * HEIGHT if peak else 0]
        ),
    )


def views_chart(hours: list[Hour], *, title: str) -> Chart:
    """The chart, with its busiest hour and its total. The time axis names the first, middle
    and last hours; the middle one is left out on a narrow screen (`figures.css`)."""
    peak = max((h.views for h in hours), default=0)
    total = sum(h.views for h in hours)
    description = (
        f"{total} views in {len(hours)} hours from {_when(hours[0])} to {_when(hours[-1])}; "
        f"at most {peak} in one hour."
        if hours
        else "No hours to show yet."
    )
    ticks = [hours[0], hours[len(hours) // 2], hours[-1]] if len(hours) > 2 else hours
    html = format_html(
        '<div class="figures-chart">'
        '<div class="figures-chart-y" aria-hidden="true"><span>{peak}</span><span>0</span></div>'
        '<svg class="figures-chart-bars" viewBox="0 0 {w} {h}" preserveAspectRatio="none" '
        'role="img" aria-labelledby="chart-title chart-desc">'
        '<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>'
        '<g class="bars">{bars}</g>'
        '<line x1="0" y1="{h}" x2="{w}" y2="{h}" class="axis" '
        'vector-effect="non-scaling-stroke"></line></svg>'
        '<div class="figures-chart-x" aria-hidden="true">{ticks}</div></div>',
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=description,
        peak=peak,
        bars=_bars(hours, peak),
        ticks=format_html_join("", "<span>{}</span>", ((_when(h),) for h in ticks)),
    )
    return Chart(html=html, peak=peak, total=total)
