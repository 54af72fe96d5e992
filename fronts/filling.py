"""Where a block's automatic slots come from: one query per source for a whole front.

Each source takes the scopes that ask it (a section's id, or None for the whole site) and how
many stories each needs, and answers, for each scope, the ids of stories readers may see now,
best first. One query answers every scope, so reading a front makes the same number of
queries however many blocks and sections it has.
"""

from django.db.models import Case, F, Q, When, Window
from django.db.models.functions import RowNumber

from articles.models import Article


def _in_sections(queryset, sections: list[int]):
    """Stories filed under these sections or their subsections, each under its section."""
    section = Case(
        When(primary_topic__in=sections, then=F("primary_topic")),
        default=F("primary_topic__parent"),
    )
    return queryset.filter(
        Q(primary_topic__in=sections) | Q(primary_topic__parent__in=sections)
    ).annotate(section=section)


def newest(scopes: set[int | None], *, depth: int, now) -> dict[int | None, list[int]]:
    """The newest published stories: of the whole site, and of each section."""
    published = Article.objects.published(now)
    found: dict[int | None, list[int]] = {}
    if None in scopes:
        found[None] = list(
            published.order_by("-publish_at", "-pk").values_list("pk", flat=True)[:depth]
        )
    sections = sorted(s for s in scopes if s is not None)
    if sections:
        rows = (
            _in_sections(published, sections)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("section"),
                    order_by=[F("publish_at").desc(), F("pk").desc()],
                )
            )
            .filter(rank__lte=depth)
            .order_by("section", "rank")
            .values_list("section", "pk")
        )
        for section, pk in rows:
            found.setdefault(section, []).append(pk)
    return found


def live_now(scopes: set[int | None], *, depth: int, now) -> dict[int | None, list[int]]:
    """Stories whose live coverage is running, newest coverage first."""
    running = (
        Article.objects.published(now)
        .filter(Q(live_until__isnull=True) | Q(live_until__gt=now), live_from__lte=now)
        .order_by("-live_from", "-pk")
        .values_list("pk", "primary_topic", "primary_topic__parent")[: depth * 4]
    )
    found: dict[int | None, list[int]] = {scope: [] for scope in scopes}
    for pk, topic, parent in running:
        for scope in {None, topic, parent} & scopes:
            found[scope].append(pk)
    return found


def nothing(scopes: set[int | None], *, depth: int, now) -> dict[int | None, list[int]]:
    """Pinned stories only: slots left unpinned stay empty."""
    return {}


def most_read(scopes: set[int | None], *, depth: int, now) -> dict[int | None, list[int]]:
    """The site's most-read stories of the last 24 hours (`figures/most_read.py`), most read
    first, whatever the block's section: readers' counts are the site's."""
    ranked = (
        Article.objects.published(now)
        .filter(most_read__isnull=False)
        .order_by("most_read__position")
        .values_list("pk", flat=True)[:depth]
    )
    found = list(ranked)
    return {scope: found for scope in scopes}
