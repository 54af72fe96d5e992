"""The demo's story figures: a day of views for the newest stories, as the sampled beacon would
have counted them, so that the desk's figures pages and the *Most read* lists have something to
show on a fresh demo site. Nothing here runs outside the demo."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from figures import most_read
from figures.models import HourlyReferrer, HourlyViews

HOURS = 24
REFERRERS = ["news.example.org", "social.example.net", "search.example.com"]


def seed(*, now=None) -> None:
    """Views per hour over the last day for the newest published stories, fewer the older the
    story (the same figures on every run), then the most-read ranking made from them."""
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    stories = list(Article.objects.published().order_by("-publish_at", "-pk")[:12])
    views, referrers = [], []
    for rank, article in enumerate(stories):
        for back in range(HOURS):
            hour = now - timedelta(hours=back)
            if hour < article.publish_at.replace(minute=0, second=0, microsecond=0):
                break
            count = max(10, (1200 - rank * 90) // (back + 1)) // 10 * 10  # sampled 1 in 10
            views.append(HourlyViews(article=article, hour=hour, views=count))
            host = REFERRERS[(rank + back) % len(REFERRERS)]
            came = HourlyReferrer(article=article, hour=hour, host=host, views=count // 4)
            referrers.append(came)
    HourlyViews.objects.bulk_create(views, ignore_conflicts=True)
    HourlyReferrer.objects.bulk_create(referrers, ignore_conflicts=True)
    most_read.refresh(now=timezone.now(), quietly=True)  # the load's end purges every page
