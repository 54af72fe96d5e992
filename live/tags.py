"""What readers' pages show of live coverage, as a page-cache tag (see newsroom/pagecache/tags.py).

One tag, `live-<pk>`: a live page's updates: the page itself and its endpoint for new updates.
No listing shows updates, so an update purges this alone (`live/purging.py`).
"""


def live_tag(pk) -> str:
    return f"live-{pk}"
