"""The demo's newsletters: a morning digest, breaking-news alerts, and a list for two sections,
all offered on the sign-up forms. Nothing here runs outside the demo."""

from datetime import time

from articles.models import Topic
from newsletters.models import Newsletter

LISTS = [
    # slug, name, description, kind, section slug, sent daily at
    (
        "morning-briefing",
        "The Morning Briefing",
        "The day's stories, every morning at 06:30.",
        Newsletter.Kind.DIGEST,
        None,
        time(6, 30),
    ),
    (
        "breaking-news",
        "Breaking news alerts",
        "One e-mail when a big story breaks.",
        Newsletter.Kind.ALERTS,
        None,
        None,
    ),
    ("world", "World", "Our World section's new stories.", Newsletter.Kind.SECTION, "world", None),
    (
        "science",
        "Science",
        "Our Science section's new stories.",
        Newsletter.Kind.SECTION,
        "science",
        None,
    ),
]


def seed() -> None:
    """The lists, unless there already (the load's end purges every page showing them)."""
    for position, (slug, name, description, kind, section, send_at) in enumerate(LISTS, 1):
        Newsletter.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "kind": kind,
                "topic": Topic.objects.filter(slug=section).first() if section else None,
                "send_at": send_at,
                "position": position,
            },
        )
