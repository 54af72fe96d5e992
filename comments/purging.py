"""What each change to the replies readers see purges, from the events the services send
(`comments/events.py`): the replies part of the articles' pages (`comments/tags.py`)."""

from comments import events
from comments.tags import replies_tag
from newsroom.pagecache.tags import purge


def _replies_changed(sender, article_ids, **kwargs):
    purge(*map(replies_tag, set(article_ids)))


def connect() -> None:
    for event in (
        events.reply_approved,
        events.reply_rejected,
        events.reply_hidden_by_reports,
        events.reply_sent_back,
        events.replies_deleted,
        events.replies_erased,
    ):
        event.connect(_replies_changed, dispatch_uid=f"purge-replies-{id(event)}")
