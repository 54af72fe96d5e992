"""What happened to the figures readers see: one signal, sent by `most_read.refresh` inside its
transaction when the ranking's stories or their order changed. The page cache subscribes
(`figures/purging.py`). Views counted and folded change nothing a reader sees, and send nothing.
"""

from django.dispatch import Signal

# The most-read ranking now lists other stories, or the same in another order.
most_read_changed = Signal()
