"""Importing a WordPress export: authors, categories and tags, pictures, posts, pages and
comments, each keyed by its WordPress id so that a second run updates instead of adding.

The file is read twice, as a stream: first for the authors, terms and attachments (and to
check the whole file before anything is written), then for the posts, pages and comments.
Posts and replies are written in bulk, without the signals a single save sends; what those
signals would do is done for each batch (reply counts, the search index) or once at the end
(the header, the page cache).

Writes are committed in batches of WORDPRESS_IMPORT_BATCH posts (pictures likewise), so the
site keeps taking its own writes, readers' replies among them, while a long import runs. An
import that stops half way keeps the batches it committed, each whole; run again, it finds
them by their WordPress ids and carries on from there. A dry run is one transaction, undone.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from articles import events
from articles.models import ARTICLE_SEARCH_VECTOR, Article
from audit import log
from chrome import topbar
from chrome.models import SiteChrome
from comments.counts import count_replies
from fronts import services as fronts
from fronts.models import Front
from pictures.models import Image
from wordpress import wxr
from wordpress.content import BodyConverter
from wordpress.library import Library
from wordpress.middleware import normalise
from wordpress.models import ImportedItem, OldAddress
from wordpress.posts import Posts
from wordpress.records import BATCH
from wordpress.replies import Replies
from wordpress.report import Report

Kind = ImportedItem.Kind


class _DryRun(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


@dataclass
class _Scan:
    """What the first reading found."""

    site: wxr.Site | None = None
    authors: list[wxr.Author] = field(default_factory=list)
    terms: list[wxr.Term] = field(default_factory=list)
    attachments: list[wxr.Item] = field(default_factory=list)
    items: int = 0  # posts, pages and other items, for the progress bar


class Importer(Library, Posts, Replies):
    """One import of one export: `Importer(path, uploads=…).run()` returns its `Report`."""

    def __init__(
        self,
        path,
        *,
        uploads: Path | None = None,
        dry_run: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
        now=None,
        batch: int | None = None,
    ):
        self.path = path
        self.batch = batch or settings.WORDPRESS_IMPORT_BATCH
        self.uploads = Path(uploads).resolve() if uploads else None
        self.dry_run = dry_run
        self.progress = progress or (lambda stage, done, total: None)
        self.now = now or timezone.now()
        self.report = Report(dry_run=dry_run)
        self.new_images: list[Image] = []  # the picture files of the batch not yet committed
        self.nav_topics: list[int] = []  # new sections from top-level categories, in order
        self.sticky: list[int] = []  # sticky posts: pinned on the home page's front draft

    # The two readings ----------------------------------------------------------------------

    def run(self) -> Report:
        scan = self.scan()
        try:
            with transaction.atomic() if self.dry_run else nullcontext():
                self.start(scan.site)
                with self.committed_batch():
                    self.import_authors(scan.authors)
                    self.import_terms(scan.terms)
                self.import_pictures(scan.attachments)
                self.import_items(scan.items)
                self.finish()
                if self.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except BaseException:
            self.forget_new_files()
            raise
        return self.report

    def scan(self) -> _Scan:
        scan = _Scan()
        for record in wxr.read(self.path, comments=False):
            if isinstance(record, wxr.Site):
                scan.site = record
            elif isinstance(record, wxr.Author):
                scan.authors.append(record)
            elif isinstance(record, wxr.Term):
                scan.terms.append(record)
            elif record.post_type == "attachment":
                record.content = ""
                scan.attachments.append(record)
            else:
                scan.items += 1
            if isinstance(record, wxr.Item) and scan.items % 1000 == 0:
                self.progress("Reading", scan.items, 0)
        if scan.site is None or not scan.site.base_url:
            raise wxr.ExportError(f"{self.path}: the export does not name its site (no link)")
        return scan

    def start(self, site: wxr.Site) -> None:
        self.source = site.base_url.rstrip("/").lower()
        self.report.site = site.base_url
        host = (urlsplit(site.base_url).hostname or "").lower()
        bare = host.removeprefix("www.")
        self.converter = BodyConverter(self.body_picture, {bare, f"www.{bare}"})
        self.known: dict[tuple[str, int], tuple[int, str]] = {
            (kind, wp_id): (pk, digest)
            for kind, wp_id, pk, digest in ImportedItem.objects.filter(
                source=self.source
            ).values_list("kind", "wp_id", "object_id", "digest")
        }
        self.new_records: list[ImportedItem] = []
        self.changed_records: dict[tuple[str, int], ImportedItem] = {}
        self.addresses: dict[str, dict] = {}
        self.authors: dict[str, int] = {}  # login -> author pk
        self.terms: dict[tuple[str, str], int] = {}  # (taxonomy, slug) -> topic pk
        self.pictures: dict[int, Image | None] = {}  # attachment id -> picture
        self.picture_keys: dict[str, int] = {}  # upload key -> attachment id
        self.article_slugs = set(Article.objects.values_list("slug", flat=True))
        self.articles_here = set(Article.objects.values_list("pk", flat=True))
        self.replied: set[int] = set()  # articles whose replies changed
        self.new_articles: list[int] = []
        self.fallback_topic: int | None = None

    @contextmanager
    def committed_batch(self) -> Iterator[None]:
        """One batch's transaction: at its end, what the batch owes is written too (records of
        what became what, old addresses, reply counts, the search index), then committed."""
        with transaction.atomic():
            yield
            self.write_batch()
        self.new_images = []  # their rows are in: the files stay

    # Bookkeeping ---------------------------------------------------------------------------

    def seen(self, kind: str, wp_id: int, digest: str, exists: Callable[[int], bool]):
        """("unchanged" | "updated" | "new", our pk or None) for a WordPress record."""
        known = self.known.get((kind, wp_id))
        if known is None or not exists(known[0]):
            return "new", None
        return ("unchanged" if known[1] == digest else "updated"), known[0]

    def remember(self, kind: str, wp_id: int, pk: int, digest: str) -> None:
        key = (kind, wp_id)
        if key in self.known:
            self.changed_records[key] = ImportedItem(
                source=self.source, kind=kind, wp_id=wp_id, object_id=pk, digest=digest
            )
        else:
            self.new_records.append(
                ImportedItem(
                    source=self.source, kind=kind, wp_id=wp_id, object_id=pk, digest=digest
                )
            )
        self.known[key] = (pk, digest)

    def old_address(self, path: str, **target) -> None:
        path = path if path.startswith("/?") else normalise(unquote(path))
        if path == "/" or len(path) > 500:
            return
        row = {"article": None, "topic": None, "author": None, "page": None, "feed": False}
        self.addresses[path] = row | target

    def write_records(self) -> None:
        ImportedItem.objects.bulk_create(self.new_records, batch_size=BATCH)
        self.new_records = []
        for record in self.changed_records.values():
            ImportedItem.objects.filter(
                source=record.source, kind=record.kind, wp_id=record.wp_id
            ).update(object_id=record.object_id, digest=record.digest)
        self.changed_records = {}
        rows = [
            OldAddress(
                path=path,
                article_id=row["article"],
                topic_id=row["topic"],
                author_id=row["author"],
                page_id=row["page"],
                feed=row["feed"],
            )
            for path, row in self.addresses.items()
        ]
        OldAddress.objects.bulk_create(
            rows,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["path"],
            update_fields=["article", "topic", "author", "page", "feed"],
        )
        self.addresses = {}

    # The end ------------------------------------------------------------------------------

    def write_batch(self) -> None:
        self.write_records()
        replied, self.replied = sorted(self.replied), set()
        for start in range(0, len(replied), BATCH):
            count_replies(replied[start : start + BATCH])
        new, self.new_articles = self.new_articles, []
        if connection.vendor == "postgresql":
            for start in range(0, len(new), BATCH):
                Article.objects.filter(pk__in=new[start : start + BATCH]).update(
                    search_vector=ARTICLE_SEARCH_VECTOR
                )

    def finish(self) -> None:
        if self.dry_run:
            return
        topbar.append_topics(self.nav_topics, by=None)
        SiteChrome.rebuild()  # topics, pages and articles came without the desk's services
        if self.sticky:
            home, _ = Front.objects.get_or_create(topic=None)
            fronts.pin_to_draft(home, self.sticky, by=None, why="sticky posts from WordPress")
        events.import_finished.send(sender=type(self))
        counts = self.report.counts
        log.record(
            log.Action.IMPORT,
            by=None,
            subject=f"WordPress export of {self.report.site}",
            detail=", ".join(
                f"{kind}: {c.imported} new, {c.updated} updated" for kind, c in counts.items()
            ),
        )
