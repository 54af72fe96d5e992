"""What the desk reads of the figures: a story's views hour by hour, where its readers came
from, its replies and reports, and the day's stories ranked. A fixed number of queries each,
whatever the data."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article
from comments.models import Reply
from figures.models import HourlyReferrer, HourlyViews

MAX_HOURS = 14 * 24  # a story's chart shows its first fortnight, or the last one
TOP_HOSTS = 10
TODAY_LIMIT = 50


@dataclass(frozen=True)
class Hour:
    start: datetime
    views: int


def hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def hours(article: Article, *, now=None) -> list[Hour]:
    """Views in each hour since publication (every hour, none left out), at most MAX_HOURS."""
    now = hour_start(now or timezone.now())
    start = hour_start(article.publish_at or article.created_at)
    start = max(start, now - timedelta(hours=MAX_HOURS - 1))
    if start > now:
        return []
    counted = dict(
        HourlyViews.objects.filter(article=article, hour__gte=start, hour__lte=now).values_list(
            "hour", "views"
        )
    )
    span = int((now - start) / timedelta(hours=1)) + 1
    moments = (start + timedelta(hours=n) for n in range(span))
    return [Hour(m, counted.get(m, 0)) for m in moments]


def referrers(article: Article) -> list[tuple[str, int]]:
    """The hosts most readers came from, with their views; "" for none named."""
    rows = (
        HourlyReferrer.objects.filter(article=article)
        .values("host")
        .annotate(total=Sum("views"))
        .order_by("-total", "host")[:TOP_HOSTS]
    )
    return [(row["host"], row["total"]) for row in rows]


def replies(article: Article) -> dict[str, int]:
    """Its replies, those readers see, and the reports readers made on them."""
    totals = Reply.objects.filter(article=article).aggregate(
        replies=Count("pk"),
        reports=Coalesce(Sum("report_count"), 0),
    )
    totals["approved"] = Reply.objects.approved().filter(article=article).count()
    return totals


def views_since(since: datetime):
    """An expression: an article's views in the hours from `since` (0 when none)."""
    total = (
        HourlyViews.objects.filter(article=OuterRef("pk"), hour__gte=since)
        .values("article")
        .annotate(total=Sum("views"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def today(*, now=None) -> list[Article]:
    """The stories read today (since midnight in the newsroom's time zone), most read first,
    each with `views_today`: one query."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Article.objects.annotate(views_today=views_since(midnight))
        .filter(views_today__gt=0)
        .select_related("primary_topic")
        .order_by("-views_today", "-publish_at")[:TODAY_LIMIT]
    )
