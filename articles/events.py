"""What happened to what readers see, as the articles app's services say it: one Django signal
per event, sent once by the service that made the change (as Wagtail sends `page_published`).

The page cache subscribes (`articles/purging.py`); anything else may. Each is sent inside the
change's transaction, with the objects as they now are; receivers that act on other systems do
so once it commits. A plain model save sends none of them.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.dispatch import Signal

# An article became visible, or was scheduled to be (`workflow.apply`).
# Arguments: article, before (a `Listing` of it before the step).
article_published = Signal()

# A published or scheduled article was taken back: unpublished or archived (`workflow.apply`).
# Arguments: article, before.
article_unpublished = Signal()

# An article readers may see was deleted (the desk's delete). Sent just before the rows go, so
# that receivers can still read its topics and bylines. Arguments: article.
article_deleted = Signal()

# Changes kept over a published article were made live (`changes.publish`), or its live
# coverage ended (`live/coverage.py`). Arguments: article, before.
live_changes_published = Signal()

# A correction or update note was added to an article or changed (`notes.noted`).
# Arguments: article, notes.
note_added = Signal()

# A topic's name, description or place changed (the desk). Arguments: topic.
topic_changed = Signal()

# Topics were deleted (the desk), sent once the rows are gone. Arguments: topic_ids.
topics_deleted = Signal()

# An author's name, picture or page changed, or they were deleted (the desk). Arguments: author.
author_changed = Signal()

# Content was written in bulk, without the services above (the WordPress import, the demo
# loader). No arguments.
import_finished = Signal()


# What decides whether readers see an article and where it is listed, as `before` carries it.
LISTED_BY = (
    "primary_topic_id",
    "publish_at",
    "live_from",
    "live_until",
)


@dataclass(frozen=True, slots=True)
class Listing:
    """Whether readers see an article, and what decides where it is listed (and how: the
    "Live" label), taken from the article in hand before a service changes it."""

    visible: bool
    primary_topic_id: int | None
    publish_at: datetime | None
    live_from: datetime | None
    live_until: datetime | None
    # Its topics and authors, when the change may move them (two queries).
    topic_ids: frozenset[int] = field(default_factory=frozenset)
    author_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, article, *, with_people: bool = False) -> "Listing":
        listed = [getattr(article, name) for name in LISTED_BY]
        if not with_people:
            return cls(article.is_published(), *listed)
        topics = frozenset(article.topics.values_list("pk", flat=True))
        authors = frozenset(article.bylines.values_list("author_id", flat=True))
        return cls(article.is_published(), *listed, topic_ids=topics, author_ids=authors)

    def moved(self, other: "Listing") -> bool:
        return any(getattr(self, name) != getattr(other, name) for name in LISTED_BY)
