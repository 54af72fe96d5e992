"""The home page's front, listed at the desk from the start, and seeded from the stories editors
had ticked "Featured": the first (by their order) leads, the next four are the top stories,
each pinned; then a row for each of the top-level sections, by name, filled automatically."""

from django.db import migrations
from django.utils import timezone

TOP = 4
SECTIONS = 6


def seed(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Topic = apps.get_model("articles", "Topic")
    Front = apps.get_model("fronts", "Front")
    Arrangement = apps.get_model("fronts", "Arrangement")
    front, made = Front.objects.get_or_create(topic=None)
    if not made:
        return
    featured = list(
        Article.objects.filter(is_featured=True)
        .order_by("featured_order", "-publish_at")
        .values_list("pk", flat=True)[: 1 + TOP]
    )
    if not featured:
        return  # a new site: the home page shows its default front until an editor arranges it
    pins = featured + [None] * (1 + TOP - len(featured))
    sections = Topic.objects.filter(parent=None).order_by("name")[:SECTIONS]
    blocks = [
        {"kind": "lead", "title": "", "topic": None, "pins": pins[:1]},
        {"kind": "top", "title": "", "topic": None, "pins": pins[1:]},
        *({"kind": "section", "title": "", "topic": t.pk, "pins": [None] * 4} for t in sections),
    ]
    Arrangement.objects.create(front=front, layout={"blocks": blocks}, live_from=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("fronts", "0001_initial"),
        ("articles", "0017_body_help"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
