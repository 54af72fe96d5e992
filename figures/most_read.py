"""The most-read stories: the published stories with the most views in the last 24 hours, from
our own counts.

`refresh()` ranks them (a task runs it after each fold) and stores the ranking in `MostRead`,
so a page reads it in one query (`stories()`). Readers see only the order, never the numbers,
so the pages showing it are purged (the `most-read` tag, once) only when the stories or their
order change, and at most every REFRESH_MINUTES: a change sooner waits for the next refresh.

For other pages (a front page's block): `stories(limit)` gives the stories in order, with their
section; tag the page with `tag_shown(request, stories)`.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from articles.models import Article
from articles.tags import article_tag, topic_tag
from figures import events
from figures.models import HourlyViews, MostRead
from figures.tags import MOST_READ
from newsroom.pagecache.tags import tag

KEPT = 10  # stories ranked and stored
SHOWN = 5  # stories shown under a story
REFRESH_MINUTES = 10
WINDOW = timedelta(hours=24)


def stories(limit: int = SHOWN) -> list[Article]:
    """The most-read published stories, most read first, each with its section: one query."""
    ranked = Article.objects.published().filter(most_read__isnull=False)
    return list(ranked.select_related("primary_topic").order_by("most_read__position")[:limit])


def tag_shown(request, shown: list[Article]) -> None:
    """Tag a page showing the ranking: purged when it changes, or a story in it does."""
    sections = {topic_tag(a.primary_topic_id) for a in shown if a.primary_topic_id}
    tag(request, MOST_READ, *sections, *(article_tag(a.pk) for a in shown))


def ranking(*, now=None) -> list[tuple[int, int]]:
    """(article id, views) of the KEPT published stories most viewed in the last 24 hours."""
    now = now or timezone.now()
    views = (
        HourlyViews.objects.filter(
            hour__gte=now - WINDOW, article__in=Article.objects.published(now)
        )
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "article_id")
    )
    return [(row["article_id"], row["total"]) for row in views[:KEPT]]


@transaction.atomic
def refresh(*, now=None, quietly=False) -> bool:
    """Rank the stories again and store the ranking; returns whether readers' pages changed
    (and were purged, unless `quietly`: for a load that purges the whole site once it ends).
    A new order is kept back while the last change is under REFRESH_MINUTES old."""
    now = now or timezone.now()
    new = ranking(now=now)
    stored = list(MostRead.objects.select_for_update().order_by("position"))
    if [pk for pk, _ in new] == [row.article_id for row in stored]:
        for row, (_, views) in zip(stored, new, strict=True):
            row.views = views
        MostRead.objects.bulk_update(stored, ["views"])
        return False
    if stored and stored[0].ranked_at > now - timedelta(minutes=REFRESH_MINUTES):
        return False
    MostRead.objects.all().delete()
    MostRead.objects.bulk_create(
        MostRead(article_id=pk, position=n, views=views, ranked_at=now)
        for n, (pk, views) in enumerate(new, start=1)
    )
    if not quietly:
        events.most_read_changed.send(sender=MostRead)
    return True
