"""What changes the header and footer, from the events the other services send, and what it purges.

The header and footer (`SiteChrome`) show the top bar's sections, the banner and the footer
pages. They are rebuilt, once, and the `chrome` tag purged, when:
- the desk changes a banner, the top bar or a footer page (`chrome/admin.py`, `chrome/topbar.py`);
- a topic changes or is deleted (the top bar may link to it: a deleted one's link goes with it);
- an article the raised banner or the top bar links to is published, unpublished, changed live
  or deleted (its link shows only once it is published; a deleted one's top-bar link goes).

Pages end, in every cache, when the raised banner's end time comes (`banner_seconds_left`).
"""

from articles import events as article_events
from chrome import events
from chrome.models import BreakingNews, TopBarLink, banner_seconds_left, changed
from chrome.tags import CHROME
from newsroom.pagecache.middleware import limit_lifetime
from newsroom.pagecache.tags import purge


def _chrome_changed(sender, **kwargs):
    purge(CHROME)


def _section_changed(sender, **kwargs):
    changed()


def _article_moved(sender, article, **kwargs):
    if (
        BreakingNews.objects.raised().filter(article=article).exists()
        or TopBarLink.objects.filter(article=article).exists()
    ):
        changed()


def _article_deleted(sender, article, **kwargs):
    # Sent before the rows go: the banner lets go of it now (as SET_NULL would) and its top-bar
    # link goes (as CASCADE would), so the header is rebuilt once, without them.
    unlinked = BreakingNews.objects.filter(article=article).update(article=None)
    removed, _ = TopBarLink.objects.filter(article=article).delete()
    if unlinked or removed:
        changed()


def connect() -> None:
    limit_lifetime(banner_seconds_left)
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
