"""WordPress post bodies and comments turned into what this site stores.

Bodies: block-editor comments (`<!-- wp:… -->`) go and the markup stays; classic posts get
their paragraphs (WordPress adds them only on display, with `wpautop`); `[caption]` becomes a
figure; other shortcodes are removed, their names reported; pictures from the old uploads
become the library's; links to the old site become paths on this one, which answer with a
redirect to the new address. Then the editor's own sanitiser has the last word.
"""

import html
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from articles.richtext import sanitize_body
from wordpress.markup import cut_short, inner_html, parse, remove, unwrap, words

# A shortcode: `[name attributes]`, `[/name]` or `[name /]`. Possessive, and stopped by the
# next "[", so each stretch of text is tried once.
SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*+)([^\[\]]*+)\]")
# One attribute of a shortcode; starting only where a name starts, so tried once.
ATTRIBUTE = re.compile(r"""(?<![\w:-])([\w:-]++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]++))""")
CAPTIONS = frozenset({"caption", "wp_caption"})
# Shortcodes WordPress and its common plugins register; anything else in square brackets
# counts as one only with attributes or a closing tag ("[sic]" and "[1]" are words).
KNOWN_SHORTCODES = frozenset(
    {
        "gallery",
        "audio",
        "video",
        "playlist",
        "embed",
        "wp_caption",
        "caption",
        "contact-form",
        "contact-form-7",
        "gravityform",
        "ninja_form",
        "wpforms",
        "instagram",
        "tweet",
        "youtube",
        "vimeo",
        "soundcloud",
        "googlemaps",
        "slideshow",
        "wpvideo",
    }
)
BLOCK_TAGS = (
    "table|thead|tfoot|caption|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "blockquote|address|p|h[1-6]|hr|section|article|aside|header|footer|nav|figure|"
    "figcaption|details|summary"
)
BLOCK_START = re.compile(rf"^</?(?:{BLOCK_TAGS})[\s/>]", re.I)
# Where a caption's figure goes until the rest is converted: two noncharacters, which no
# text uses (any in the export are dropped), and which the parser keeps as they are.
PLACEHOLDER = "\ufdd0{}\ufdd1"
PLACED = re.compile("\ufdd0(\\d+)\ufdd1")
SIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.\w+$)")
WORDPRESS_COMMENT = re.compile(r"\s*+(/?wp:|(?:more|nextpage|noteaser)\b)")


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
    cut_short: bool = False  # nested too deep: the rest left out


def attributes(options: str) -> dict[str, str]:
    """A shortcode's attributes (`id="attachment_20" caption="…"`), entities read."""
    return {
        m[1].lower(): html.unescape(
            m[2] if m[2] is not None else m[3] if m[3] is not None else m[4]
        )
        for m in ATTRIBUTE.finditer(options)
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


def without_wordpress_comments(text: str, *, blocks: bool) -> str:
    """`text` without `<!--more-->`, `<!--nextpage-->`, `<!--noteaser-->` and, with `blocks`,
    the block editor's `<!-- wp:… -->`; other comments stay (the sanitiser drops them)."""
    out, done = [], 0
    while (start := text.find("<!--", done)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        kind = WORDPRESS_COMMENT.match(text, start + 4, end)
        out.append(text[done:start])
        if kind is None or (kind[1].endswith("wp:") and not blocks):
            out.append(text[start : end + 3])
        done = end + 3
    out.append(text[done:])
    return "".join(out)


def autop(text: str) -> str:
    """WordPress's paragraphs for a classic post: blank lines part paragraphs, a single line
    break is a break; block-level markup stays as it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(rf"(<(?:{BLOCK_TAGS})[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.I)
    paragraphs = []
    for chunk in re.split(r"\n[^\S\n]*+\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if BLOCK_START.match(chunk) or PLACED.fullmatch(chunk):
            paragraphs.append(chunk)
        else:
            lines = (line.strip() for line in chunk.split("\n"))
            paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
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
        blocks = "<!-- wp:" in content
        text = content.replace("\ufdd0", "").replace("\ufdd1", "")
        text = without_wordpress_comments(text, blocks=blocks)
        figures: list[str] = []
        text = self.captions(text, figures, result)
        text = self.remove_shortcodes(text, result)
        if not blocks:
            text = autop(text)
        text = self.pictures(text, result)
        text = PLACED.sub(lambda m: figures[int(m[1])], text)
        if self.old_site:
            text = self.old_site.sub("", text)
        text = sanitize_body(text)
        text = re.sub(r"<figure [^<>]*+>", "<figure>", text)  # the old theme's classes
        text = re.sub(r"<p>(?:\s|<br>)*+</p>", "", text)  # left by what was removed
        result.html = re.sub(r"\n(?:[^\S\n]*+\n)++", "\n", text).strip()
        return result

    def captions(self, text: str, figures: list[str], result: Converted) -> str:
        """Each `[caption]…[/caption]` as a placeholder for its figure (added to `figures`)."""
        found = list(SHORTCODE.finditer(text))
        ends: dict[str, deque[int]] = {}  # a caption's name -> where its closing tags are
        for n, tag in enumerate(found):
            name = tag[2].lower()
            if tag[1] and name in CAPTIONS and not tag[3].strip():
                ends.setdefault(name, deque()).append(n)
        out, done, n = [], 0, 0
        while n < len(found):
            tag, name = found[n], found[n][2].lower()
            closing = ends.get(name)
            while closing and closing[0] <= n:
                closing.popleft()
            if tag[1] or name not in CAPTIONS or not closing:
                n += 1
                continue
            last = closing.popleft()
            end = found[last]
            figures.append(self.figure(tag[3], text[tag.end() : end.start()], result))
            out += [text[done : tag.start()], "\n\n", PLACEHOLDER.format(len(figures) - 1)]
            out.append("\n\n")
            done, n = end.end(), last + 1
        out.append(text[done:])
        return "".join(out)

    def remove_shortcodes(self, text: str, result: Converted) -> str:
        found = list(SHORTCODE.finditer(text))
        closed = {m[2].lower() for m in found if m[1]}
        out, done = [], 0
        for match in found:
            name = match[2].lower()
            if name in KNOWN_SHORTCODES or "=" in match[3] or name in closed:
                result.shortcodes.add(name)
                out.append(text[done : match.start()])
                done = match.end()
        out.append(text[done:])
        return "".join(out)

    def figure(self, options: str, inner: str, result: Converted) -> str:
        """A `[caption]`: its picture (perhaps in a link) and the words after it."""
        root = parse(inner)
        image = next(root.iter("img"), None)
        found = dict(image.attrib) if image is not None else None
        for element in root.xpath(".//a[.//img] | .//img"):
            remove(element)
        caption = inner_html(root).strip() or attributes(options).get("caption", "")
        picture = self.resolve(found, result) if found is not None else None
        if picture is None:
            return f"<p>{caption}</p>" if caption else ""
        img = " ".join(f'{name}="{html.escape(value)}"' for name, value in picture.items())
        return f"<figure><img {img}><figcaption>{caption}</figcaption></figure>"

    def resolve(self, found: dict[str, str], result: Converted) -> dict[str, str] | None:
        """An `<img>`'s attributes of the old site as the library's picture's, or None
        (reported)."""
        src = found.get("src", "")
        wp_id = re.search(r"\bwp-image-(\d++)\b", found.get("class", ""))
        picture = self.picture(upload_key(src), int(wp_id[1]) if wp_id else None)
        if picture is None:
            result.missing_pictures.append(src or "(no address)")
            return None
        return {
            "src": picture.src,
            "alt": found.get("alt") or picture.alt,
            "width": str(picture.width),
            "height": str(picture.height),
        }

    def pictures(self, text: str, result: Converted) -> str:
        """The body's pictures as the library's; a picture linked to its own file (the link
        went to the old uploads) loses the link; a paragraph holding only a figure goes."""
        root = parse(text)
        result.cut_short = cut_short()
        for link in root.xpath(".//a[.//img]"):
            if "/wp-content/uploads/" in link.get("href", ""):
                unwrap(link)
        for image in root.xpath(".//img"):
            picture = self.resolve(dict(image.attrib), result)
            if picture is None:
                remove(image)
                continue
            image.attrib.clear()
            image.attrib.update(picture)
        for paragraph in root.xpath(
            ".//p[figure and count(*) = 1][not(text()[normalize-space()])]"
        ):
            unwrap(paragraph)
        return inner_html(root)


def comment_text(content: str) -> str:
    """A WordPress comment (a little HTML) as the plain text replies are stored as: links keep
    their address, paragraphs their blank line, entities become characters."""
    if "<" not in content and "&" not in content:  # most comments: plain text already
        text = content.replace("\r\n", "\n").replace("\r", "\n")
        return re.sub(r"\n{3,}+", "\n\n", text).strip()
    root = parse(content.replace("\r\n", "\n"))
    for link in list(root.iter("a")):
        href, said = link.get("href", ""), words(link)
        link.text = f"{said} ({href})" if href and href not in said else said
        for child in list(link):
            link.remove(child)
    for newline in root.iter("br"):
        newline.tail = "\n" + (newline.tail or "")
    for paragraph in root.iter("p"):
        after = paragraph.getnext()
        if after is not None and after.tag == "p" and not (paragraph.tail or "").strip():
            paragraph.tail = "\n\n"
    return re.sub(r"\n{3,}+", "\n\n", words(root)).strip()


def plain_text(content: str) -> str:
    """Markup out, entities in, spaces tidied: for headlines, standfirsts and captions."""
    if "<" in content or "&" in content:
        content = words(parse(content))
    return " ".join(content.split())
