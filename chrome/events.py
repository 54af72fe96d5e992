"""What happened to the header and footer, as the chrome's services say it (see
`articles/events.py`). A plain model save sends none of them."""

from django.dispatch import Signal

# The header or footer changed: a banner raised or cleared, a footer page, the top bar's
# links, an article the banner or the top bar links to (`chrome.models.changed`). No arguments.
chrome_changed = Signal()
