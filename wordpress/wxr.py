"""Reading a WordPress export (WXR, versions 1.0 to 1.2) as a stream of plain records.

The file is never read into memory whole: each author, term and item is handed over as it
ends and then dropped from the tree. Entities are never expanded and nothing is fetched: a
file that declares a DTD (the only way to define entities, the billion-laughs attack and
external entities included) is refused, as WordPress never writes one.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


class ExportError(Exception):
    """What is wrong with the file and where, in one line an operator can act on."""


@dataclass
class Site:
    version: str
    base_url: str
    title: str


@dataclass
class Author:
    wp_id: int
    login: str
    display_name: str
    first_name: str
    last_name: str
    digest: str


@dataclass
class Term:
    wp_id: int
    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    parent_slug: str
    description: str
    digest: str


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime | None
    content: str
    approved: str  # "1", "0", "spam", "trash"
    type: str  # "", "comment", "pingback", "trackback", …
    parent_id: int
    digest: str


@dataclass
class Item:
    wp_id: int
    post_type: str
    title: str
    link: str
    content: str
    excerpt: str
    creator: str
    date: datetime | None
    status: str
    slug: str
    parent_id: int
    comment_status: str
    password: str
    sticky: bool
    attachment_url: str
    terms: list[tuple[str, str]]  # (taxonomy, slug)
    meta: dict[str, str]
    comments: list[Comment] = field(default_factory=list)
    digest: str = ""
    line: int = 0


def _digest(element) -> str:
    return hashlib.sha256(etree.tostring(element)).hexdigest()


class _Reader:
    def __init__(self, path, *, comments: bool):
        self.path = path
        self.with_comments = comments
        self.wp = self.excerpt = ""
        self.version = ""

    def text(self, element, name: str, ns: str = "") -> str:
        return (element.findtext(f"{{{ns or self.wp}}}{name}") or "").strip()

    def number(self, element, name: str) -> int:
        value = self.text(element, name) or "0"
        try:
            return int(value)
        except ValueError:
            raise self.error(element, f"wp:{name} is “{value[:40]}”, not a number") from None

    def date(self, element, name: str) -> datetime | None:
        value = self.text(element, name)
        if not value or value.startswith("0000-00-00"):
            return None
        try:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            raise self.error(element, f"wp:{name} is “{value[:40]}”, not a date") from None

    def error(self, element, message: str) -> ExportError:
        return ExportError(f"{self.path}, line {element.sourceline}: {message}")

    def records(self) -> Iterator[Site | Author | Term | Item]:
        depth, site = 0, None
        try:
            events = etree.iterparse(
                str(self.path),
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                remove_comments=False,
            )
            for event, element in events:
                if event == "start":
                    if depth == 0:
                        self.check_root(element)
                    depth += 1
                    continue
                depth -= 1
                if depth != 2:
                    continue
                tag = element.tag
                if tag == f"{{{self.wp}}}wxr_version":
                    self.version = (element.text or "").strip()
                    if self.version not in SUPPORTED_VERSIONS:
                        raise self.error(
                            element,
                            f"WXR version {self.version or '(empty)'} is not supported "
                            f"(supported: {', '.join(SUPPORTED_VERSIONS)})",
                        )
                    continue
                if tag in (f"{{{self.wp}}}base_site_url", f"{{{self.wp}}}base_blog_url"):
                    continue  # read from the channel when the first record comes
                record = self.record(element)
                if record is not None:
                    if site is None:
                        site = self.site(element)
                        yield site
                    yield record
                # Done with it: keep memory flat however long the file.
                element.clear(keep_tail=True)
                parent = element.getparent()
                while element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as error:
            line = error.lineno or (error.position[0] if error.position else "?")
            reason = " ".join(str(error.msg).split())
            raise ExportError(
                f"{self.path}, line {line}: not well-formed XML ({reason}); is the file complete?"
            ) from None
        except OSError as error:
            raise ExportError(f"{self.path}: cannot be read ({error.strerror or error})") from None
        if depth != 0:
            raise ExportError(f"{self.path}: the file ends before the export does")
        if site is None:
            if not self.version:
                raise ExportError(f"{self.path}: not a WordPress export (no wp:wxr_version)")
            yield Site(self.version, "", "")

    def check_root(self, root) -> None:
        info = root.getroottree().docinfo
        if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
            raise ExportError(
                f"{self.path}, line {root.sourceline}: the file declares a DTD (entities); "
                "a WordPress export never does, so it is refused unread"
            )
        if root.tag != "rss":
            raise ExportError(
                f"{self.path}, line {root.sourceline}: not a WordPress export "
                f"(it is <{etree.QName(root).localname}>, not <rss>)"
            )
        self.wp = root.nsmap.get("wp", "")
        self.excerpt = root.nsmap.get("excerpt", "")
        if not self.wp.startswith("http://wordpress.org/export/"):
            raise ExportError(
                f"{self.path}, line {root.sourceline}: not a WordPress export "
                "(no wp: namespace of http://wordpress.org/export/)"
            )

    def site(self, element) -> Site:
        if not self.version:
            raise self.error(element, "not a WordPress export (no wp:wxr_version before it)")
        channel = element.getparent()
        base = self.text(channel, "base_blog_url") or self.text(channel, "base_site_url")
        return Site(
            self.version,
            base or (channel.findtext("link") or "").strip(),
            (channel.findtext("title") or "").strip(),
        )

    def record(self, element):
        wp = f"{{{self.wp}}}"
        tag = element.tag
        if tag == f"{wp}author":
            return Author(
                wp_id=self.number(element, "author_id"),
                login=self.text(element, "author_login"),
                display_name=self.text(element, "author_display_name"),
                first_name=self.text(element, "author_first_name"),
                last_name=self.text(element, "author_last_name"),
                digest=_digest(element),
            )
        if tag == f"{wp}category":
            return Term(
                wp_id=self.number(element, "term_id"),
                taxonomy="category",
                slug=self.text(element, "category_nicename"),
                name=self.text(element, "cat_name"),
                parent_slug=self.text(element, "category_parent"),
                description=self.text(element, "category_description"),
                digest=_digest(element),
            )
        if tag == f"{wp}tag":
            return Term(
                wp_id=self.number(element, "term_id"),
                taxonomy="post_tag",
                slug=self.text(element, "tag_slug"),
                name=self.text(element, "tag_name"),
                parent_slug="",
                description=self.text(element, "tag_description"),
                digest=_digest(element),
            )
        if tag == "item":
            return self.item(element)
        return None  # other terms (menus, formats), the generator, the channel's own fields

    def item(self, element) -> Item:
        comments = [
            self.comment(c) for c in element.iterfind(f"{{{self.wp}}}comment") if self.with_comments
        ]
        for found in element.findall(f"{{{self.wp}}}comment"):
            element.remove(found)  # the post's digest is of the post alone
        meta = {
            self.text(m, "meta_key"): (m.findtext(f"{{{self.wp}}}meta_value") or "")
            for m in element.iterfind(f"{{{self.wp}}}postmeta")
        }
        return Item(
            wp_id=self.number(element, "post_id"),
            post_type=self.text(element, "post_type"),
            title=(element.findtext("title") or "").strip(),
            link=(element.findtext("link") or "").strip(),
            content=element.findtext(CONTENT) or "",
            excerpt=(element.findtext(f"{{{self.excerpt}}}encoded") or "") if self.excerpt else "",
            creator=(element.findtext(CREATOR) or "").strip(),
            date=self.date(element, "post_date_gmt"),
            status=self.text(element, "status"),
            slug=self.text(element, "post_name"),
            parent_id=self.number(element, "post_parent"),
            comment_status=self.text(element, "comment_status"),
            password=self.text(element, "post_password"),
            sticky=self.text(element, "is_sticky") == "1",
            attachment_url=self.text(element, "attachment_url"),
            terms=[
                (c.get("domain", ""), c.get("nicename", ""))
                for c in element.iterfind("category")
                if c.get("domain") in ("category", "post_tag")
            ],
            meta=meta,
            comments=comments,
            digest=_digest(element),
            line=element.sourceline or 0,
        )

    def comment(self, element) -> Comment:
        return Comment(
            wp_id=self.number(element, "comment_id"),
            author=self.text(element, "comment_author"),
            email=self.text(element, "comment_author_email"),
            url=self.text(element, "comment_author_url"),
            ip=self.text(element, "comment_author_IP"),
            date=self.date(element, "comment_date_gmt"),
            content=element.findtext(f"{{{self.wp}}}comment_content") or "",
            approved=self.text(element, "comment_approved"),
            type=self.text(element, "comment_type"),
            parent_id=self.number(element, "comment_parent"),
            digest=_digest(element),
        )


def read(path, *, comments: bool = True) -> Iterator[Site | Author | Term | Item]:
    """The export's records in file order: first its `Site`, then authors, terms and items
    (with their comments, unless `comments` is false). Raises `ExportError` for a file that is
    not a well-formed WordPress export."""
    return _Reader(path, comments=comments).records()
