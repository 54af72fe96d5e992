"""What we keep of a provider's markup: never its scripts, styles or event handlers.

A frame provider's answer gives us one thing, the address of its player, kept only if it is
served from the provider's own hosts; we write the iframe ourselves. A script provider's answer
is a blockquote (the post's text and links) followed by its script: we keep the blockquote's
text, links and the few attributes its script reads, and add the script from our own table.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

import nh3
from django.utils.html import format_html

from embeds.providers import Provider, origin_of

_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")

# The attributes the providers' scripts read on their blockquotes.
_POST_ATTRIBUTES = {
    "class",
    "cite",
    "lang",
    "data-lang",
    "data-theme",
    "data-dnt",
    "data-instgrm-permalink",
    "data-instgrm-version",
    "data-video-id",
    "data-bluesky-uri",
    "data-bluesky-cid",
    "data-embed-height",
}


def _no_unsafe_values(element: str, attribute: str, value: str) -> str | None:
    cleaned = "".join(value.split()).lower()
    return None if cleaned.startswith(_UNSAFE_SCHEMES) else value


_post_cleaner = nh3.Cleaner(
    tags={"blockquote", "p", "a", "br", "em", "strong", "b", "i", "span"},
    attributes={"blockquote": _POST_ATTRIBUTES, "a": {"href"}, "p": {"lang", "dir"}},
    url_schemes={"http", "https"},
    clean_content_tags={"script", "style"},
    link_rel="noopener noreferrer nofollow",
    attribute_filter=_no_unsafe_values,
    strip_comments=True,
)

_frame_cleaner = nh3.Cleaner(
    tags={"iframe"},
    attributes={"iframe": {"src"}},
    url_schemes={"http", "https"},
    clean_content_tags={"script", "style"},
    link_rel=None,
    strip_comments=True,
)


class _FirstFrame(HTMLParser):
    def __init__(self):
        super().__init__()
        self.src = ""

    def handle_starttag(self, tag, attrs):
        if tag == "iframe" and not self.src:
            self.src = dict(attrs).get("src") or ""


def frame_url(html: str, *, provider: Provider, url: str) -> str:
    """The address of the provider's player in its markup (or made from `url` by its
    `frame_template`), on its cookie-less host where it has one; "" unless it is served from
    one of the provider's own hosts."""
    finder = _FirstFrame()
    finder.feed(_frame_cleaner.clean(html or ""))
    src = finder.src or provider.frame_template.replace("{url}", url)
    if not src:
        return ""
    parts = urlsplit(src.strip())
    host = parts.hostname or ""
    moved = dict(provider.frame_host).get(host)
    netloc = moved if moved else parts.netloc
    src = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    if parts.scheme not in ("http", "https") or origin_of(src) not in provider.origins(url):
        return ""
    return src


def frame_markup(src: str, *, title: str, width: int | None, height: int | None) -> str:
    """Our own iframe for a player: only its address, title and size."""
    return str(
        format_html(
            '<iframe src="{}" title="{}" width="{}" height="{}" allowfullscreen></iframe>',
            src,
            title,
            width or 640,
            height or 360,
        )
    )


def post_markup(html: str) -> str:
    """A script provider's blockquote, its text and links only; "" if there is none."""
    clean = _post_cleaner.clean(html or "").strip()
    return clean if clean.startswith("<blockquote") else ""
