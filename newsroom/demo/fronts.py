"""The demo's fronts: a home page arranged as a newsroom would, and two section fronts.

Stories are named by slug; a pin whose story is missing is left to fill automatically.
"""

from articles.models import Article, Topic
from fronts import layout as layouts
from fronts.layout import Block
from fronts.models import Arrangement, Front

HOME = [
    # kind, title, section slug, pinned slugs (None: filled automatically)
    ("lead", "", None, ["european-discussions-ukraines-postwar-security"]),
    (
        "top",
        "",
        None,
        [
            "storm-live-gales-and-flooding-across-the-west",
            "shares-climb-as-inflation-eases",
            "researchers-map-ocean-floor-near-coast",
            None,
        ],
    ),
    ("live", "", None, [None, None]),
    ("most_read", "", None, [None] * 5),
    ("section", "", "world", [None] * 4),
    ("section", "", "politics", [None] * 4),
    ("section", "", "business", [None] * 4),
    (
        "list",
        "Analysis",
        None,
        [
            "new-study-on-sleep-and-memory",
            "parliament-debates-housing-bill",
            "rail-operator-announces-new-timetable",
        ],
    ),
    ("section", "", "science", [None] * 4),
    ("section", "", "culture", [None] * 4),
    ("section", "", "weather", [None] * 4),
]

SECTIONS = {
    "world": [
        ("lead", "", None, [None]),
        ("top", "", None, [None] * 3),
        ("section", "", "europe", [None] * 3),
    ],
    "weather": [
        ("lead", "", None, ["storm-crosses-the-coast-hour-by-hour"]),
        ("top", "Forecasts and warnings", None, [None] * 3),
    ],
}


def _layout(rows) -> layouts.Layout:
    slugs = {s for *_, pins in rows for s in pins if s}
    ids = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    topics = dict(Topic.objects.values_list("slug", "pk"))
    return tuple(
        Block(kind, tuple(ids.get(s) for s in pins), title=title, topic=topics.get(section))
        for kind, title, section, pins in rows
    )


def arrange() -> int:
    """Arrange the demo's fronts that no one has arranged yet; how many were."""
    made = 0
    pages = [(None, HOME), *((Topic.objects.get(slug=s), rows) for s, rows in SECTIONS.items())]
    for topic, rows in pages:
        front, _ = Front.objects.get_or_create(topic=topic)
        if not front.arrangements.exists():
            Arrangement.objects.create(front=front, layout=layouts.to_json(_layout(rows)))
            made += 1
    return made
