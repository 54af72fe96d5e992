"""What happened to a library picture, as the pictures app says it: one Django signal per event.

The apps that show pictures subscribe and purge the pages showing it (`articles/purging.py`).
"""

from django.dispatch import Signal

# A picture's words or focal point changed (the desk), or its renditions were made
# (`Image.refresh_renditions`). Arguments: image.
picture_changed = Signal()
renditions_made = Signal()

# A picture is about to be deleted (the desk). Arguments: image.
picture_deleted = Signal()
