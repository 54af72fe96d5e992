"""What a change of the most-read ranking purges: the pages showing it (`figures/tags.py`)."""

from figures import events
from figures.tags import MOST_READ
from newsroom.pagecache.tags import purge


def _most_read_changed(sender, **kwargs):
    purge(MOST_READ)


def connect() -> None:
    events.most_read_changed.connect(_most_read_changed, dispatch_uid="purge-most-read")
