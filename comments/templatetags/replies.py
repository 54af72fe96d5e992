from django import template
from django.utils.html import urlize
from django.utils.safestring import mark_safe

register = template.Library()

# Links in readers' text carry these; nothing else in a reply is markup.
READER_LINK_REL = 'rel="nofollow ugc noopener"'


@register.filter(needs_autoescape=False)
def reply_text(text: str) -> str:
    """A reply as typed: escaped, line breaks kept, web addresses made into links."""
    linked = urlize(text, nofollow=True, autoescape=True)
    # urlize escapes the reader's text, so this attribute can only come from urlize itself.
    linked = linked.replace('rel="nofollow"', READER_LINK_REL)
    return mark_safe(linked.replace("\r\n", "\n").replace("\n", "<br>\n"))  # noqa: S308
