import re

from django.utils.html import escape
from django.utils.safestring import mark_safe


def highlight(text: str, words) -> str:
    """The text escaped, with the given words (a list, or comma-separated) marked."""
    if isinstance(words, str):
        words = words.split(",")
    escaped = escape(text)
    for word in sorted(filter(None, (w.strip() for w in words or ())), key=len, reverse=True):
        escaped = re.sub(
            rf"(?i)(?<![\w&])({re.escape(escape(word))})(?!\w)", r"<mark>\1</mark>", escaped
        )
    return mark_safe(escaped)  # noqa: S308 - escaped above; only <mark> is added
