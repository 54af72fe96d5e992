"""What happened to a front, as the fronts' services say it (see `articles/events.py`). A plain
model save sends none of them.
"""

from django.dispatch import Signal

# What readers see of a front changed, now or at a later time: an arrangement published,
# scheduled or cancelled (`fronts/services.py`). Arguments: front.
front_changed = Signal()
