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


@dataclass(frozen=True)
class Window:
    """The hours a story's figures page counts, all its figures alike: since publication, or
    the last MAX_HOURS for an older story. `label` names it on the page."""

    start: datetime
    end: datetime
    label: str


def hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def midnight(*, now=None) -> datetime:
    """The start of today in the newsroom's time zone: what "today" means at the desk."""
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def window(article: Article, *, now=None) -> Window:
    end = hour_start(now or timezone.now())
    start = hour_start(article.publish_at or article.created_at)
    if start > end - timedelta(hours=MAX_HOURS - 1):
        return Window(start, end, "since publication")
    return Window(end - timedelta(hours=MAX_HOURS - 1), end, f"in the last {MAX_HOURS // 24} days")


def hours(article: Article, *, now=None) -> list[Hour]:
    """Views in each hour of the story's window (every hour, none left out)."""
    counted_in = window(article, now=now)
    start, end = counted_in.start, counted_in.end
    if start > end:
        return []
    counted = dict(
        HourlyViews.objects.filter(article=article, hour__gte=start, hour__lte=end).values_list(
            "hour", "views"
        )
    )
    span = int((end - start) / timedelta(hours=1)) + 1
    moments = (start + timedelta(hours=n) for n in range(span))
    return [Hour(m, counted.get(m, 0)) for m in moments]


def referrers(article: Article, *, now=None) -> list[tuple[str, int]]:
    """Where readers came from in the story's window, most views first: the TOP_HOSTS hosts
    most readers came from, and always the direct visits ("": no site named, from a link
    typed, bookmarked or opened from an app), however they rank. Empty when nothing was
    counted."""
    counted_in = window(article, now=now)
    rows = HourlyReferrer.objects.filter(
        article=article, hour__gte=counted_in.start, hour__lte=counted_in.end
    )
    named = (
        rows.exclude(host="")
        .values("host")
        .annotate(total=Sum("views"))
        .order_by("-total", "host")[:TOP_HOSTS]
    )
    direct = rows.filter(host="").aggregate(total=Coalesce(Sum("views"), 0))["total"]
    found = [(row["host"], row["total"]) for row in named]
    if not found and not direct:
        return []
    return sorted([*found, ("", direct)], key=lambda row: -row[1])


def views_today(article: Article, *, now=None) -> int:
    """The story's views since midnight, as *Stories read today* counts them."""
    since = midnight(now=now)
    counted = HourlyViews.objects.filter(article=article, hour__gte=since)
    return counted.aggregate(total=Coalesce(Sum("views"), 0))["total"]


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
    return list(
        Article.objects.annotate(views_today=views_since(midnight(now=now)))
        .filter(views_today__gt=0)
        .select_related("primary_topic")
        .order_by("-views_today", "-publish_at")[:TODAY_LIMIT]
    )
