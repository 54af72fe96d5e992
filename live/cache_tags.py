"""What readers' pages show of live coverage, and what each change purges (see
newsroom/purges.py).

One tag, `live-<pk>`: a live page's updates: the page itself and its endpoint for new
updates. An update posted, corrected, pinned or deleted purges this alone: no listing shows
updates. A draft live page's updates purge nothing.
"""

from django.db.models.signals import post_delete, post_save

from articles.models import Article
from live.models import LiveUpdate
from newsroom import purges


def live_tag(pk) -> str:
    return f"live-{pk}"


def _live_update_changed(sender, instance: LiveUpdate, raw=False, **kwargs):
    if not raw and Article.objects.filter(pk=instance.article_id).published().exists():
        purges.purge(live_tag(instance.article_id))


def connect() -> None:
    uid = "purge-LiveUpdate"
    post_save.connect(_live_update_changed, sender=LiveUpdate, dispatch_uid=f"{uid}-save")
    post_delete.connect(_live_update_changed, sender=LiveUpdate, dispatch_uid=f"{uid}-delete")
