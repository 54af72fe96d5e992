"""The article body's rich-text allowlist, shared by the admin editor and the sanitiser.

The editor offers exactly these extensions and `sanitize_body()` keeps exactly the markup
they produce, so what an editor can type is what readers get, and nothing else. What the body
stores, beyond text (the editor's nodes write it, `articles/body.py` renders it for readers):

- a library picture: `<figure data-picture="42" data-align="text|wide"><img src alt width
  height><figcaption>Caption for this use<small>Credit</small></figcaption></figure>`;
- an embed: `<figure data-embed="https://…"><a href="https://…">…</a></figure>`;
- a pull quote: `<blockquote class="pull-quote"><p>…</p><cite>…</cite></blockquote>`;
- a table: `<table><caption>…</caption><tbody><tr><th>…</th></tr>…</tbody></table>`.

One rule more than the editor's own: a picture in the body must come from the site's own media
(the picture library), so no body can make a reader's browser call another host. A form
refuses a body that holds another (`outside_pictures`); the sanitiser drops it.
"""

import re

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from articles.body import name_pictures, unknown_pictures
from articles.editor_extensions import CHOOSER

BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    # A picture from the library (see below), with its caption and credit for this story.
    "LibraryPicture": CHOOSER,
    "Embed": CHOOSER,
    "PullQuote": True,
    "CaptionedTable": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "CleanPaste": {"mediaUrl": settings.MEDIA_URL},
}

# The stored formats above, whatever the editor's extensions allow.
STORED = {
    "tags": {"figure", "figcaption", "img", "small", "a", "hr", "blockquote", "p", "cite"}
    | {"table", "caption", "thead", "tbody", "tr", "th", "td"},
    "attributes": {
        "figure": {"data-picture", "data-align", "data-embed"},
        "img": {"src", "alt", "width", "height"},
        "th": {"colspan", "rowspan"},
        "td": {"colspan", "rowspan"},
    },
    "allowed_classes": {"blockquote": {"pull-quote"}},
}

# A picture whose address the filter below removed is removed whole.
_IMAGE_WITHOUT_ADDRESS = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
_EMPTY = re.compile(r"^(?:<(\w+)></\1>)?$")
# Headings the body does not use, as the levels it does: a pasted H1 is a section's H2, an H4
# to H6 an H3 (a heading is never lost for being at the wrong level).
_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_LEVEL = {"1": "2", "4": "3", "5": "3", "6": "3"}
# The editor keeps a table cell's words in a paragraph; stored, a cell of one paragraph holds
# its words alone (the editor reads them back into one).
_CELL_PARAGRAPH = re.compile(r"<(th|td)([^>]*)><p>((?:(?!</?p\b)[^<]|<(?!/?p\b))*)</p></\1>")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def is_own_media(address: str) -> bool:
    """Whether an address is one of the site's own media files."""
    media = settings.MEDIA_URL
    return address.startswith(media) and not (media.startswith("/") and address.startswith("//"))


def outside_pictures(html: str) -> list[str]:
    """The addresses of the pictures in `html` that are not the site's own, in order, each
    once: a form names them rather than dropping them unseen."""
    found = (next(filter(None, match.groups()), "") for match in _IMG_SRC.finditer(html or ""))
    return list(dict.fromkeys(src for src in found if not is_own_media(src.strip())))


OUTSIDE = (
    "Not saved: the body shows a picture from outside the library (%(addresses)s). Readers' "
    "pages load nothing from other sites. Upload it to the library with the Picture button "
    "and insert it from there, or remove it."
)


NOT_IN_LIBRARY = (
    "Not saved: the body shows a picture the library does not hold (%(addresses)s): it may "
    "have been deleted. Remove it, or insert a picture from the library with the Picture button."
)
TOO_LONG = "Not saved: the body is %(length)s characters long; it may be at most %(limit)s."
BODY_MAX_CHARS = 300_000  # a long read is a tenth of this, with its markup


def refuse_outside_pictures(html: str) -> str:
    """A form's check of a body: one showing a picture from another site, or one the library
    does not hold, is refused with the pictures' addresses, never saved without them unseen;
    a body past the limit is refused with its length."""
    html = html or ""
    if len(html) > BODY_MAX_CHARS:
        params = {"length": f"{len(html):,}", "limit": f"{BODY_MAX_CHARS:,}"}
        raise ValidationError(TOO_LONG, code="too_long", params=params)
    for found, message, code in (
        (outside_pictures(html), OUTSIDE, "outside_picture"),
        (unknown_pictures(sanitize_body(html)), NOT_IN_LIBRARY, "unknown_picture"),
    ):
        if found:
            shown = ", ".join(a if len(a) <= 120 else a[:117] + "…" for a in found[:5])
            raise ValidationError(message, code=code, params={"addresses": shown})
    return html


_FIGURE_VALUES = {
    "data-picture": re.compile(r"[1-9][0-9]{0,17}").fullmatch,
    "data-align": {"text", "wide"}.__contains__,
    "data-embed": re.compile(r"https?://[^\s<>\"]{1,2000}").fullmatch,
}


def _checked(element: str, attribute: str, value: str) -> str | None:
    """Pictures from the site's own media only; a figure's data only in its own form."""
    if element == "img" and attribute == "src" and not is_own_media(value):
        return None
    check = _FIGURE_VALUES.get(attribute) if element == "figure" else None
    if check is not None and not check(value):
        return None
    return value


def _allowlist() -> dict:
    allowed = allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS))
    allowed["tags"] = set(allowed["tags"]) | STORED["tags"]
    attributes = allowed["attributes"]
    for tag, names in STORED["attributes"].items():
        attributes[tag] = set(attributes.get(tag, ())) | names
    classes = allowed.setdefault("allowed_classes", {})
    for tag, names in STORED["allowed_classes"].items():
        if "class" not in attributes.get(tag, ()):
            classes[tag] = set(classes.get(tag, ())) | names
    return allowed


_cleaner = nh3.Cleaner(**_allowlist(), attribute_filter=_checked)


def sanitize_body(html: str) -> str:
    html = _HEADING.sub(lambda m: f"<{m[1]}h{_LEVEL.get(m[2], m[2])}", html or "")
    clean = _cleaner.clean(html)
    clean = _IMAGE_WITHOUT_ADDRESS.sub(lambda m: m[0] if ' src="' in m[0] else "", clean)
    if "<t" in clean:
        clean = _CELL_PARAGRAPH.sub(r"<\1\2>\3</\1>", clean)
    # The editor always leaves at least one empty paragraph: an empty body is "".
    return "" if _EMPTY.match(clean) else name_pictures(clean)
