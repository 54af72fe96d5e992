"""What each change to live coverage purges, from the events its services send (`live/events.py`).

An update posted, corrected, pinned or deleted purges its page's `live-<pk>` tag, only while
readers may see the page: a draft live page's updates purge nothing. A library picture that
changes purges the live pages whose updates show it.
"""

from django.db.models import Q

from articles.models import Article
from embeds import events as embeds_events
from live import events
from live.tags import live_tag
from newsroom.pagecache.tags import purge
from pictures import events as pictures_events
from pictures.usage import in_body


def _live_page_updated(sender, article, **kwargs):
    if article.is_published():
        purge(live_tag(article.pk))


def _picture_changed(sender, image, **kwargs):
    showing = Q(live_updates__image=image) | Q(live_updates__body__contains=in_body(image.pk))
    pages = Article.objects.published().filter(showing).values_list("pk", flat=True).distinct()
    if pages:
        purge(*map(live_tag, pages))


def _embed_fetched(sender, embed, **kwargs):
    showing = Q(live_updates__body__contains=f'data-embed="{embed.url}"')
    pages = Article.objects.published().filter(showing).values_list("pk", flat=True).distinct()
    if pages:
        purge(*map(live_tag, pages))


def connect() -> None:
    events.live_page_updated.connect(_live_page_updated, dispatch_uid="purge-live-page-updated")
    pictures_events.picture_changed.connect(_picture_changed, dispatch_uid="purge-live-picture")
    pictures_events.renditions_made.connect(_picture_changed, dispatch_uid="purge-live-sizes")
    embeds_events.embed_fetched.connect(_embed_fetched, dispatch_uid="purge-live-embed")
