"""What happened to an embed, as the embeds app says it (the apps showing embeds purge the
pages that show it: `articles/purging.py`, `live/purging.py`)."""

from django.dispatch import Signal

# The provider answered and the embed is ready, or it refused for good: pages showing the
# embed's address as a link card can now show its facade, or keep the card. Arguments: embed.
embed_fetched = Signal()
