"""What a front shows, as a page-cache tag (see newsroom/pagecache/tags.py).

`front-home`, `front-topic-<pk>`: how a front is arranged (its blocks, its pins, which
arrangement is live). The home page and a section's page 1 carry their front's tag, besides
the tags of the stories they show (`articles/tags.py`). A change to one front (published,
scheduled, cancelled) purges that front's tag only (`fronts/purging.py`).
"""


def front_tag(topic_id: int | None) -> str:
    return f"front-topic-{topic_id}" if topic_id else "front-home"
