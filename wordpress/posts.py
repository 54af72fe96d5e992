"""The export's posts (articles) and pages (footer pages)."""

from urllib.parse import unquote, urlsplit

from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils.text import Truncator, slugify

from articles.models import Article, Byline
from wordpress import wxr
from wordpress.content import Converted, plain_text
from wordpress.middleware import normalise, query_form
from wordpress.models import ImportedItem
from wordpress.records import BATCH, describe, to_int, unique

Kind = ImportedItem.Kind


class Posts:
    """Part of `wordpress.importer.Importer`."""

    def import_items(self, total: int) -> None:
        """Posts and pages, read as a stream and committed a batch at a time (between two
        batches, no transaction is open: the site's own writes go through)."""
        batch, done = [], 0
        for record in wxr.read(self.path):
            if not isinstance(record, wxr.Item) or record.post_type == "attachment":
                continue
            done += 1
            self.progress("Posts", done, total)
            if record.post_type in ("post", "page"):
                batch.append(record)
                if len(batch) >= self.batch:
                    self.import_batch(batch)
                    batch = []
            else:
                self.report.skip(
                    "articles",
                    describe(record),
                    f"a WordPress “{record.post_type}”: menus, blocks and other site parts "
                    "are not imported",
                )
        self.import_batch(batch)

    def import_batch(self, items: list[wxr.Item]) -> None:
        with self.committed_batch():
            for item in items:
                if item.post_type == "page":
                    self.import_page(item)
            self.import_posts([item for item in items if item.post_type == "post"])

    def post_state(self, item: wxr.Item):
        """(status, publication time) for a post, or a reason to skip it."""
        status = item.status
        if status in ("trash", "auto-draft", "inherit"):
            return None, f"{status} on WordPress"
        if item.password:
            self.report.note(describe(item), "password-protected on WordPress: kept as a draft")
            return (Article.Status.DRAFT, None), None
        if status in ("publish", "future"):
            if item.date is None:
                return None, "published without a date"
            return (Article.Status.PUBLISHED, item.date), None
        if status == "pending":
            return (Article.Status.IN_REVIEW, None), None
        if status == "private":
            self.report.note(describe(item), "private on WordPress: kept as a draft")
        return (Article.Status.DRAFT, None), None

    def body(self, item: wxr.Item, label: str) -> Converted:
        """A post's or page's body as ours, what was changed on the way in noted."""
        converted = self.converter.convert(item.content)
        if converted.shortcodes:
            names = ", ".join(sorted(converted.shortcodes))
            self.report.note(label, f"shortcodes removed ({names})")
        for src in converted.missing_pictures:
            self.report.note(f"{label}: {Truncator(src).chars(120)}", "picture not found, left out")
        if converted.cut_short:
            self.report.note(label, "tags nested more than 2,048 deep: the rest left out")
        return converted

    def article_fields(self, item: wxr.Item, label: str) -> dict:
        converted = self.body(item, label)
        headline = plain_text(item.title) or "Untitled"
        if len(headline) > 200:
            self.report.note(label, "headline shortened to 200 characters")
            headline = Truncator(headline).chars(200)
        standfirst = plain_text(item.excerpt)
        if len(standfirst) > 400:
            self.report.note(label, "standfirst shortened to 400 characters")
            standfirst = Truncator(standfirst).chars(400)
        categories = [self.terms[t] for t in item.terms if t[0] == "category" and t in self.terms]
        tags = [self.terms[t] for t in item.terms if t[0] == "post_tag" and t in self.terms]
        section = self.section_for(item, categories)
        thumbnail = self.pictures.get(to_int(item.meta.get("_thumbnail_id")))
        return {
            "headline": headline,
            "standfirst": standfirst,
            "body": converted.html,
            "primary_topic_id": section,
            "hero_image_id": thumbnail.pk if thumbnail is not None else None,
            "allow_replies": item.comment_status == "open",
            "topics": list(dict.fromkeys(t for t in categories[1:] + tags if t != section)),
            "author": self.author_for(item.creator),
        }

    def import_posts(self, items: list[wxr.Item]) -> None:
        counts = self.report.counts["articles"]
        new: list[tuple[wxr.Item, Article, dict]] = []
        for item in items:
            label = describe(item)
            state, reason = self.post_state(item)
            if reason:
                self.report.skip("articles", label, reason)
                continue
            found, pk = self.seen(
                Kind.POST, item.wp_id, item.digest, self.articles_here.__contains__
            )
            if found == "unchanged":
                counts.unchanged += 1
                self.article_addresses(item, pk)
                continue
            fields = self.article_fields(item, label)
            topics, author = fields.pop("topics"), fields.pop("author")
            status, publish_at = state
            fields |= {"status": status, "publish_at": publish_at}
            if found == "updated":
                if item.sticky:
                    self.sticky.append(pk)
                self.update_article(pk, fields, topics, author, item)
                counts.updated += 1
                self.remember(Kind.POST, item.wp_id, pk, item.digest)
                self.article_addresses(item, pk)
                continue
            base = slugify(unquote(item.slug))[:180] or slugify(plain_text(item.title))[:180]
            fields["slug"] = unique(base or f"post-{item.wp_id}", self.article_slugs)
            new.append((item, Article(**fields), {"topics": topics, "author": author}))
        created = Article.objects.bulk_create([article for _, article, _ in new], batch_size=BATCH)
        bylines, filed = [], []
        for (item, _, extra), article in zip(new, created, strict=True):
            counts.imported += 1
            if item.sticky:
                self.sticky.append(article.pk)
            self.articles_here.add(article.pk)
            self.new_articles.append(article.pk)
            self.remember(Kind.POST, item.wp_id, article.pk, item.digest)
            self.article_addresses(item, article.pk)
            if extra["author"]:
                bylines.append(Byline(article_id=article.pk, author_id=extra["author"]))
            filed += [
                Article.topics.through(article_id=article.pk, topic_id=t) for t in extra["topics"]
            ]
        Byline.objects.bulk_create(bylines, batch_size=BATCH)
        Article.topics.through.objects.bulk_create(filed, batch_size=BATCH)
        self.import_comments(items)

    def update_article(self, pk, fields, topics, author, item) -> None:
        """A post the export changed: saved as an editor's save would be (its old address
        kept if the slug changed), its bylines and topics made the export's."""
        article = Article.objects.get(pk=pk)
        for name, value in fields.items():
            setattr(article, name, value)
        wanted = slugify(unquote(item.slug))[:180]
        if wanted and wanted != article.slug and not article.slug.startswith(f"{wanted}-"):
            self.article_slugs.discard(article.slug)
            article.slug = unique(wanted, self.article_slugs)
        article.save()
        article.topics.set(topics)
        if author and [b.author_id for b in article.bylines.all()] != [author]:
            article.bylines.all().delete()
            Byline.objects.create(article=article, author_id=author)

    def article_addresses(self, item: wxr.Item, pk: int) -> None:
        self.old_address(urlsplit(item.link).path, article=pk)
        self.old_address(query_form("p", str(item.wp_id)), article=pk)

    def import_page(self, item: wxr.Item) -> None:
        counts, label = self.report.counts["pages"], describe(item)
        if item.status != "publish" or item.password:
            self.report.skip(
                "pages", label, "not published on WordPress (footer pages are public at once)"
            )
            return
        path = normalise(unquote(urlsplit(item.link).path))
        if path == "/":
            self.report.skip("pages", label, "it has no address of its own (the front page)")
            return
        url = f"{path}/"
        if len(url) > 100:
            self.report.skip("pages", label, "its address is longer than 100 characters")
            return
        converted = self.body(item, label)
        title = Truncator(plain_text(item.title) or "Untitled").chars(200)
        state, pk = self.seen(
            Kind.PAGE, item.wp_id, item.digest, lambda pk: FlatPage.objects.filter(pk=pk).exists()
        )
        if state == "new":
            if FlatPage.objects.filter(url=url).exists():
                self.report.skip("pages", label, f"a page at {url} exists already")
                return
            page = FlatPage.objects.create(url=url, title=title, content=converted.html)
            page.sites.add(Site.objects.get_current())
            pk = page.pk
            counts.imported += 1
        elif state == "updated":
            FlatPage.objects.filter(pk=pk).update(title=title, content=converted.html)
            counts.updated += 1
        else:
            counts.unchanged += 1
        self.remember(Kind.PAGE, item.wp_id, pk, item.digest)
        self.old_address(path, page=pk)
        self.old_address(query_form("page_id", str(item.wp_id)), page=pk)
