"""What changes the header and footer, from the events the other services send, and what it purges.

The header and footer (`SiteChrome`) show the top bar's sections, the banner and the footer
pages. They are rebuilt, once, and the `chrome` tag purged, when:
- the desk changes a banner or a footer page (`chrome/admin.py` calls `changed()`);
- a topic changes or is deleted (the top bar lists the sections);
- the article a raised banner links to is published, unpublished, changed live or deleted
  (the link shows only once it is published).
"""

from articles import events as article_events
from chrome import events
from chrome.models import BreakingNews, changed
from chrome.tags import CHROME
from newsroom.pagecache.tags import purge


def _chrome_changed(sender, **kwargs):
    purge(CHROME)


def _section_changed(sender, **kwargs):
    changed()


def _article_moved(sender, article, **kwargs):
    if BreakingNews.objects.filter(is_active=True, article=article).exists():
        changed()


def _article_deleted(sender, article, **kwargs):
    # Sent before the rows go: the banner lets go of it now (as SET_NULL would), so the header
    # is rebuilt once, without the link.
    if BreakingNews.objects.filter(article=article).update(article=None):
        changed()


def connect() -> None:
    events.chrome_changed.connect(_chrome_changed, dispatch_uid="purge-chrome-changed")
    for name, event, receiver in [
        ("topic-changed", article_events.topic_changed, _section_changed),
        ("topics-deleted", article_events.topics_deleted, _section_changed),
        ("article-published", article_events.article_published, _article_moved),
        ("article-unpublished", article_events.article_unpublished, _article_moved),
        ("live-changes-published", article_events.live_changes_published, _article_moved),
        ("article-deleted", article_events.article_deleted, _article_deleted),
    ]:
        event.connect(receiver, dispatch_uid=f"chrome-{name}")
