"""The figures' part of the article page: the most-read stories under the story, and the beacon
script that counts a sampled view (`figures/beacon.py`). The same bytes for every reader: the
script carries the article, its key and the sampling rate, nothing about the reader."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from figures import most_read
from figures.beacon import article_key
from newsroom.pagecache.fragments import fragment


def most_read_html(request, article) -> str:
    """The ranking without the story it is under; a fragment purged with the ranking."""

    def render():
        shown = [a for a in most_read.stories(most_read.SHOWN + 1) if a.pk != article.pk]
        shown = shown[: most_read.SHOWN]
        most_read.tag_shown(request, shown)
        return render_to_string("figures/_most_read.html", {"stories": shown}, request)

    return fragment(request, "most-read", str(article.pk), render)


def article_part(request, article, **options) -> dict:
    beacon = render_to_string(
        "figures/_beacon.html",
        {
            "article_id": article.pk,
            "key": article_key(article.pk),
            "rate": settings.FIGURES_SAMPLE_RATE,
            "endpoint": reverse("figures:view"),
        },
        request,
    )
    # Templates' output, escaped there.
    return {"html": SafeString(most_read_html(request, article) + beacon)}
