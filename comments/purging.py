"""What each change to the replies readers see purges, from the events the services send
(`comments/events.py`): the replies part of the articles' pages (`comments/tags.py`)."""

from comments import events
from comments.tags import replies_tag
from newsroom.pagecache.tags import purge


def _replies_changed(sender, article_ids, **kwargs):
    purge(*map(replies_tag, set(article_ids)))


def connect() -> None:
    for name in (
        "reply_approved",
        "reply_rejected",
        "reply_hidden_by_reports",
        "reply_sent_back",
        "replies_deleted",
        "replies_erased",
    ):
        getattr(events, name).connect(_replies_changed, dispatch_uid=f"purge-{name}")
