"""WordPress post bodies and comments turned into what this site stores.

Bodies: block-editor comments (`<!-- wp:… -->`) go and the markup stays; classic posts get
their paragraphs (WordPress adds them only on display, with `wpautop`); `[caption]` becomes a
figure; other shortcodes are removed, their names reported; pictures from the old uploads
become the library's; links to the old site become paths on this one, which answer with a
redirect to the new address. Then the editor's own sanitiser has the last word.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import nh3

from articles.richtext import sanitize_body

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
WP_COMMENT = re.compile(r"<!--\s*/?(?:more|nextpage|noteaser)\b.*?-->", re.S)
CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.S | re.I)
SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)([^\[\]]*?)(/?)\]")
IMG = re.compile(r'<img\b(?:[^>"\']|"[^"]*"|\'[^\']*\')*>', re.I)
ANCHOR = re.compile(r'<a\b((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>(.*?)</a>', re.S | re.I)
ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))')
# Shortcodes WordPress and its common plugins register; anything else in square brackets
# counts as one only with attributes or a closing tag ("[sic]" and "[1]" are words).
KNOWN_SHORTCODES = frozenset(
    {"gallery", "audio", "video", "playlist", "embed", "wp_caption", "caption",
     "contact-form", "contact-form-7", "gravityform", "ninja_form", "wpforms", "instagram",
     "tweet", "youtube", "vimeo", "soundcloud", "googlemaps", "slideshow", "wpvideo"}
)  # fmt: skip
BLOCK_TAGS = (
    "table|thead|tfoot|caption|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "blockquote|address|p|h[1-6]|hr|section|article|aside|header|footer|nav|figure|"
    "figcaption|details|summary"
)
BLOCK_START = re.compile(rf"^</?(?:{BLOCK_TAGS})[\s/>]", re.I)
PLACEHOLDER = "\x00{}\x00"
SIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.\w+$)")


@dataclass
class Picture:
    """A picture of the library as a body shows it."""

    src: str
    width: int
    height: int
    alt: str


@dataclass
class Converted:
    html: str
    shortcodes: set[str] = field(default_factory=set)
    missing_pictures: list[str] = field(default_factory=list)


def attributes(tag: str) -> dict[str, str]:
    return {
        m[1].lower(): html.unescape(
            m[2] if m[2] is not None else m[3] if m[3] is not None else m[4]
        )
        for m in ATTRIBUTE.finditer(tag)
    }


def nicename(login: str) -> str:
    """The address WordPress gives an author: their login, lower case, other marks as dashes."""
    return re.sub(r"[^a-z0-9_-]+", "-", login.lower()).strip("-")


def upload_key(url: str) -> str:
    """A picture's address in the old uploads, as the attachment's own: without the size
    WordPress adds to the copies it makes ("-1024x768", "-scaled")."""
    path = urlsplit(url).path
    marker = "/wp-content/uploads/"
    path = path.split(marker, 1)[1] if marker in path else path.lstrip("/")
    return SIZED.sub("", path)


def autop(text: str) -> str:
    """WordPress's paragraphs for a classic post: blank lines part paragraphs, a single line
    break is a break; block-level markup stays as it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(rf"(<(?:{BLOCK_TAGS})[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.I)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if BLOCK_START.match(chunk) or re.fullmatch(r"\x00\d+\x00", chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(paragraphs)


class BodyConverter:
    """Converts the bodies of one export; `picture(key, wp_id)` finds a library picture by
    its upload key or attachment id; `old_hosts` are the old site's host names."""

    def __init__(self, picture: Callable[[str, int | None], Picture | None], old_hosts):
        self.picture = picture
        hosts = "|".join(re.escape(h) for h in sorted(old_hosts) if h)
        self.old_site = (
            re.compile(rf"(?:https?:)?//(?:{hosts})(?=[/\"'?#]|$)", re.I) if hosts else None
        )

    def convert(self, content: str) -> Converted:
        result = Converted("")
        if "<!-- wp:" in content:
            text, classic = BLOCK_COMMENT.sub("", content), False
        else:
            text, classic = content, True
        text = WP_COMMENT.sub("", text)
        figures = []

        def figure(match):
            figures.append(self.figure(match[2], match[3], result))
            return "\n\n" + PLACEHOLDER.format(len(figures) - 1) + "\n\n"

        text = CAPTION.sub(figure, text)
        text = self.remove_shortcodes(text, result)
        if classic:
            text = autop(text)
        text = self.pictures(text, result)
        text = re.sub(r"\x00(\d+)\x00", lambda m: figures[int(m[1])], text)
        text = re.sub(r"<p>\s*(<figure>.*?</figure>)\s*</p>", r"\1", text, flags=re.S)
        if self.old_site:
            text = self.old_site.sub("", text)
        text = sanitize_body(text)
        text = re.sub(r"<figure [^>]*>", "<figure>", text)  # the old theme's classes
        text = re.sub(r"<p>(?:\s|<br>)*</p>", "", text)  # left by what was removed
        result.html = re.sub(r"\n\s*\n+", "\n", text).strip()
        return result

    def remove_shortcodes(self, text: str, result: Converted) -> str:
        closed = {m[2].lower() for m in SHORTCODE.finditer(text) if m[1]}

        def remove(match):
            name = match[2].lower()
            if name in KNOWN_SHORTCODES or "=" in match[3] or name in closed:
                result.shortcodes.add(name)
                return ""
            return match[0]

        return SHORTCODE.sub(remove, text)

    def figure(self, options: str, inner: str, result: Converted) -> str:
        """A `[caption]`: its picture (perhaps in a link) and the words after it."""
        image = IMG.search(inner)
        caption = attributes(options).get("caption", "")
        words = ANCHOR.sub(lambda m: "" if IMG.search(m[2]) else m[0], inner)
        words = IMG.sub("", words).strip()
        caption = words or caption
        picture = self.resolve(image[0], result) if image else ""
        if not picture:
            return f"<p>{caption}</p>" if caption else ""
        return f"<figure>{picture}<figcaption>{caption}</figcaption></figure>"

    def resolve(self, tag: str, result: Converted) -> str:
        """An `<img>` of the old site as the library's picture, or "" (reported)."""
        found = attributes(tag)
        src = found.get("src", "")
        wp_id = re.search(r"\bwp-image-(\d+)\b", found.get("class", ""))
        picture = self.picture(upload_key(src), int(wp_id[1]) if wp_id else None)
        if picture is None:
            result.missing_pictures.append(src or "(no address)")
            return ""
        alt = found.get("alt") or picture.alt
        return (
            f'<img src="{html.escape(picture.src)}" alt="{html.escape(alt)}" '
            f'width="{picture.width}" height="{picture.height}">'
        )

    def pictures(self, text: str, result: Converted) -> str:
        def unlink(match):
            # A picture linked to its own file: the link went to the old uploads.
            if IMG.search(match[2]) and "/wp-content/uploads/" in attributes(match[1]).get(
                "href", ""
            ):
                return match[2]
            return match[0]

        text = ANCHOR.sub(unlink, text)
        return IMG.sub(lambda m: self.resolve(m[0], result), text)


def comment_text(content: str) -> str:
    """A WordPress comment (a little HTML) as the plain text replies are stored as: links keep
    their address, paragraphs their blank line, entities become characters."""

    def link(match):
        href = attributes(match[1]).get("href", "")
        words = nh3.clean(match[2], tags=set())
        return f"{words} ({href})" if href and href not in html.unescape(words) else words

    text = ANCHOR.sub(link, content.replace("\r\n", "\n"))
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text, flags=re.I)
    text = html.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain_text(content: str) -> str:
    """Markup out, entities in, spaces tidied: for headlines, standfirsts and captions."""
    return " ".join(html.unescape(nh3.clean(content, tags=set())).split())
