"""What the figures add to the article admin (through `articles/admin/extensions.py`): each
story's views in the last 24 hours in the list, read with the list's own query, and a link from
its change form to its figures page."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from figures.reports import views_since

VIEW_PERMISSION = "figures.view_hourlyviews"


def with_views_24h(queryset, request):
    since = timezone.now() - timedelta(hours=24)
    return queryset.annotate(views_24h=views_since(since))


def views_24h(article) -> int:
    return getattr(article, "views_24h", 0)


def figures_url(article) -> str:
    return reverse("admin:figures_story", args=[article.pk])
