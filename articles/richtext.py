"""The article body's rich-text allowlist, shared by the admin editor and the sanitiser.

The editor offers exactly these extensions and `sanitize_body()` keeps exactly the markup
they produce, so what an editor can type is what readers get, and nothing else. One rule
more than the editor's own: a picture in the body must come from the site's own media (the
picture library), so no body can make a reader's browser call another host.
"""

import re

import nh3
from django.conf import settings
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

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
    "CleanPaste": True,
}

# A picture whose address the filter below removed is removed whole.
_IMAGE_WITHOUT_ADDRESS = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
_EMPTY = re.compile(r"^(?:<(\w+)></\1>)?$")


def is_own_media(address: str) -> bool:
    """Whether an address is one of the site's own media files."""
    media = settings.MEDIA_URL
    return address.startswith(media) and not (media.startswith("/") and address.startswith("//"))


def _only_own_pictures(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not is_own_media(value):
        return None
    return value


_cleaner = nh3.Cleaner(
    **allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS)),
    attribute_filter=_only_own_pictures,
)


def sanitize_body(html: str) -> str:
    clean = _cleaner.clean(html)
    clean = _IMAGE_WITHOUT_ADDRESS.sub(lambda m: m[0] if ' src="' in m[0] else "", clean)
    # The editor always leaves at least one empty paragraph: an empty body is "".
    return "" if _EMPTY.match(clean) else clean
