"""An article's body as readers get it, from the body as stored (`articles/richtext.py`).

Stored, a picture is a figure naming its library picture (`data-picture`) with a modest
rendition as its `src` (what feeds and the editor show). Readers get every one as the lead
picture is delivered: WebP and JPEG renditions in a `srcset`, `sizes` for its column, width
and height (no layout shift), lazy loading, and the caption and credit of this use. The
original file is never linked. A table scrolls inside its own box, its header cells say what
they head. All the pictures of the bodies on a page are read in one query.
"""

import contextlib
import json
import logging
import re
from collections.abc import Iterable

import lxml.html
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, Value
from django.db.models.functions import JSONObject
from django.utils.html import format_html
from django.utils.safestring import SafeString
from lxml import etree

from embeds.markup import facade
from embeds.markup import policy as embed_policy
from embeds.models import Embed, normalise_url
from pictures.markup import picture
from pictures.models import Image

logger = logging.getLogger(__name__)

# The picture's width on the page: in the text column, or across the page (`data-align`).
SIZES = {
    "text": "(min-width: 46rem) 43rem, calc(100vw - 2rem)",
    "wide": "(min-width: 74rem) 70rem, calc(100vw - 2rem)",
}
# A rendition's address names its picture: renditions/<pk>/<key>/<spec>-<w>x<h>.<ext>.
_RENDITION = re.compile(r"renditions/(\d{1,18})/")
_FAST_PATH = ("<img", "<table", "data-embed=")  # a body with none is readers' as stored
_EMBED = re.compile(r'<figure\b[^>]*\sdata-embed="([^"]+)"')
_SLOT = re.compile(r'<x-slot n="(\d+)"></x-slot>')


def for_readers(bodies: Iterable[str]) -> list[SafeString]:
    """Each body as readers get it; one query for all their pictures (none without any)."""
    bodies = [body or "" for body in bodies]
    trees = [_parse(body) if any(t in body for t in _FAST_PATH) else None for body in bodies]
    library = Library.of([tree for tree in trees if tree is not None], embeds=True)
    return [
        Rendered(body) if tree is None else _render(tree, library)
        for body, tree in zip(bodies, trees, strict=True)
    ]


class Rendered(SafeString):
    """A body as readers get it (sanitised on save, made here from escaped parts), with the
    embeds it shows: the page's policy lets their providers in, and only theirs."""

    def __new__(cls, html: str, embeds=()):
        rendered = super().__new__(cls, html)
        rendered.embeds = list(embeds)
        return rendered


def policy(bodies: Iterable[Rendered]) -> dict[str, list[str]]:
    """The Content-Security-Policy additions a page showing these bodies needs."""
    return embed_policy([embed for body in bodies for embed in getattr(body, "embeds", ())])


def unknown_pictures(body: str) -> list[str]:
    """The pictures of a stored body that the library does not hold (deleted, or an address
    of ours no picture has): by their address, or by their number."""
    if "<img" not in (body or ""):
        return []
    tree = _parse(body)
    library = Library.of([tree])
    return [
        img.get("src") or "a picture without an address"
        for img, _figure, image in library.pictures(tree)
        if image is None
    ]


def embed_urls(body: str) -> list[str]:
    """The addresses of the embeds a stored body shows (`articles/richtext.py`)."""
    return _EMBED.findall(body or "")


def render(body: str) -> SafeString:
    return for_readers([body])[0]


def name_pictures(body: str) -> str:
    """The body as stored: each picture of the library in it named by id (`data-picture`),
    with a modest rendition as its address, whatever address it was pasted or imported with;
    each embed's address in the form its row keeps. A body without either is returned as it
    is, without a query."""
    if "<img" not in body and "data-embed=" not in body:
        return body
    tree = _parse(body)
    for figure in tree.iter("figure"):
        if url := figure.get("data-embed"):
            try:
                figure.set("data-embed", normalise_url(url))
            except ValidationError:
                figure.attrib.pop("data-embed")
    for img, figure, image in Library.of([tree]).pictures(tree):
        if image is None:
            continue
        if figure is not None:
            figure.set("data-picture", str(image.pk))
        width, height, src = image.for_editors
        img.set("src", src)
        img.set("width", str(width))
        img.set("height", str(height))
    return _inner(tree)


# The columns the page needs of a picture, and of an embed with its preview picture.
PICTURE = {f: f for f in ("file", "width", "height", "alt_text", "renditions")}
EMBED = {
    **{f: f for f in ("url", "provider", "status", "title", "author_name", "html", "frame_url")},
    **{f: f for f in ("width", "height", "thumbnail_id")},
    **{f"thumbnail_{f}": f"thumbnail__{f}" for f in PICTURE},
}


def _image(pk: int, data: dict, prefix: str = "") -> Image:
    fields = {f: data[prefix + f] for f in PICTURE}
    if isinstance(fields["renditions"], str):  # SQLite gives a JSON column inside as text
        fields["renditions"] = json.loads(fields["renditions"])
    return Image(pk=pk, **fields)


def _embed(pk: int, data: dict) -> Embed:
    embed = Embed(pk=pk, **{f: data[f] for f in EMBED if not f.startswith("thumbnail")})
    embed.thumbnail_id = data["thumbnail_id"]
    if embed.thumbnail_id:
        embed.thumbnail = _image(embed.thumbnail_id, data, prefix="thumbnail_")
    return embed


class Library:
    """The library pictures a set of bodies shows, found by id or by their files' addresses
    (bodies stored before pictures were named by id)."""

    def __init__(self, addresses: Iterable[str]):
        self.ids: set[int] = set()
        self.names: set[str] = set()
        self.by_id: dict[int, Image] = {}
        self.by_name: dict[str, Image] = {}
        self.urls: dict[str, str] = {}  # an embed's address as written: as its row keeps it
        self.embeds: dict[str, Embed] = {}  # an embed's row's address: the embed
        for address in addresses:
            if not address.startswith(settings.MEDIA_URL):
                continue
            name = address.removeprefix(settings.MEDIA_URL)
            made = _RENDITION.match(name)
            if made:
                self.ids.add(int(made[1]))
            else:
                self.names.add(name)

    def load(self) -> None:
        """One query for the pictures and the embeds wanted (a union of the two tables), none
        when none are."""
        queries = []
        if self.ids or self.names:
            pictures = Image.objects.filter(Q(pk__in=self.ids) | Q(file__in=self.names))
            queries.append(pictures.order_by().values_list(Value("p"), "pk", JSONObject(**PICTURE)))
        if self.urls:
            embeds = Embed.objects.filter(url__in=self.urls.values())
            queries.append(embeds.order_by().values_list(Value("e"), "pk", JSONObject(**EMBED)))
        if not queries:
            return
        rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
        for kind, pk, data in rows:
            data = json.loads(data) if isinstance(data, str) else data
            if kind == "p":
                image = _image(pk, data)
                self.by_id[pk] = image
                self.by_name[image.file.name] = image
            else:
                embed = _embed(pk, data)
                self.embeds[embed.url] = embed

    @classmethod
    def of(cls, trees, *, embeds: bool = False) -> "Library":
        """The library pictures (and embeds, if asked) the parsed bodies show, read at once."""
        library = cls(img.get("src", "") for tree in trees for img in _imgs(tree))
        for figure in (figure for tree in trees for figure in tree.iter("figure")):
            if figure.get("data-picture", "").isdigit():
                library.ids.add(int(figure.get("data-picture")))
            if embeds and figure.get("data-embed"):
                library.want_embed(figure.get("data-embed"))
        library.load()
        return library

    def pictures(self, tree):
        """(img, its figure or None, its library picture or None) for each picture shown."""
        for img in _imgs(tree):
            figure = img.getparent() if img.getparent().tag == "figure" else None
            named = figure.get("data-picture") if figure is not None else None
            yield img, figure, self.find(named, img.get("src", ""))

    def want_embed(self, url: str) -> None:
        with contextlib.suppress(ValidationError):  # not http(s): shown as a link card
            self.urls[url] = normalise_url(url)

    def embed(self, url: str) -> Embed | None:
        return self.embeds.get(self.urls.get(url, ""))

    def find(self, figure_id: str | None, address: str) -> Image | None:
        if figure_id and figure_id.isdigit():
            return self.by_id.get(int(figure_id))
        name = address.removeprefix(settings.MEDIA_URL)
        made = _RENDITION.match(name)
        return self.by_id.get(int(made[1])) if made else self.by_name.get(name)


def _parse(body: str):
    return lxml.html.fragment_fromstring(body, create_parent="div")


def _imgs(tree):
    return list(tree.iter("img"))


def _render(tree, library: Library) -> "Rendered":
    made: list[str] = []  # markup made here, put in place after the tree is written out
    for img, figure, image in library.pictures(tree):
        if figure is None:
            _replace(img, _picture(image, img, "text") if image else "", made)
        else:
            _replace(figure, _figure(image, img, figure) if image else "", made)
    shown = []
    for figure in list(tree.iter("figure")):
        if url := figure.get("data-embed"):
            embed = library.embed(url)
            _replace(figure, facade(url, embed), made)
            if embed is not None:
                shown.append(embed)
    for table in list(tree.iter("table")):
        _table(table)
    return Rendered(_SLOT.sub(lambda m: made[int(m[1])], _inner(tree)), shown)


def _figure(image: Image, img, figure) -> str:
    align = figure.get("data-align") if figure.get("data-align") in SIZES else "text"
    caption = figure.find("figcaption")
    credit = caption.find("small") if caption is not None else None
    credit_text = credit.text_content().strip() if credit is not None else ""
    if credit is not None:
        credit.drop_tree()
    caption_text = caption.text_content().strip() if caption is not None else ""
    words = format_html(
        "<figcaption>{}{}</figcaption>",
        caption_text,
        format_html(' <small class="credit">{}</small>', credit_text) if credit_text else "",
    )
    return format_html(
        '<figure class="story-figure story-figure--{}">{}{}</figure>',
        align,
        _picture(image, img, align),
        words if caption_text or credit_text else "",
    )


def _picture(image: Image, img, align: str) -> str:
    alt = img.get("alt")
    return picture(image, "full", sizes=SIZES[align], alt=alt if alt else None)


def _table(table) -> None:
    """Header cells say what they head; the table scrolls inside its own box, which the
    keyboard can reach and a screen reader names by the caption."""
    rows = [row for row in table.iter("tr")]
    for n, row in enumerate(rows):
        for m, cell in enumerate(row.findall("th")):
            if n == 0:
                cell.set("scope", "col")
            elif m == 0 and row.index(cell) == 0:
                cell.set("scope", "row")
    caption = table.find("caption")
    label = caption.text_content().strip() if caption is not None else ""
    box = etree.Element(
        "div",
        {
            "class": "table-scroll",
            "tabindex": "0",
            "role": "region",
            "aria-label": label or "Table",
        },
    )
    table.addprevious(box)
    box.append(table)  # moves it, with its tail
    box.tail, table.tail = table.tail, None


def _replace(element, markup: str, made: list[str]) -> None:
    """Put a slot where `element` was (its tail kept), to be filled with `markup` once the
    tree is written out: markup of ours never goes through the parser, which knows HTML 4's
    elements only (a <source> would swallow the <img> after it)."""
    slot = etree.Element("x-slot", {"n": str(len(made))})
    made.append(markup)
    slot.tail = element.tail
    element.addprevious(slot)
    element.getparent().remove(element)


def _inner(tree) -> str:
    text = lxml.html.tostring(tree, encoding="unicode")
    return text[len("<div>") : -len("</div>")] if text.startswith("<div>") else text
