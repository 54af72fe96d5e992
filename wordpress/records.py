"""Small helpers the import's parts share."""

from django.utils.text import Truncator

from wordpress import wxr
from wordpress.content import plain_text

BATCH = 500  # rows written, or read by their ids, in one query


def describe(item: wxr.Item) -> str:
    """How the summary names an item: `post 12 “Its title”`."""
    title = Truncator(plain_text(item.title)).chars(60) or "(no title)"
    return f"{item.post_type or 'item'} {item.wp_id} “{title}”"


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`…: the first not in `taken` (which it joins)."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def to_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
