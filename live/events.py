"""What happened to a live page, as live coverage's services say it (see `articles/events.py`).

A plain model save sends none of them.
"""

from django.dispatch import Signal

# A live page's updates changed: one posted, corrected, deleted, pinned or unpinned
# (`live/coverage.py`). Arguments: article.
live_page_updated = Signal()
