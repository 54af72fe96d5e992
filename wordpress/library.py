"""The export's people, topics and pictures: authors, categories and tags, attachments."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.text import Truncator, slugify

from articles.models import RESERVED_SLUGS, Author, Topic
from pictures.models import Image
from pictures.renditions import delete_files, validate_image_file
from wordpress import wxr
from wordpress.content import Picture, nicename, plain_text, upload_key
from wordpress.middleware import query_form
from wordpress.models import ImportedItem
from wordpress.records import describe, unique

Kind = ImportedItem.Kind
PICTURE_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
BODY_PICTURE_WIDTH = 960  # the widest rendition a body shows (the column is narrower)


class Library:
    """Part of `wordpress.importer.Importer`."""

    def import_authors(self, authors: list[wxr.Author]) -> None:
        counts = self.report.counts["authors"]
        exists = set(Author.objects.values_list("pk", flat=True)).__contains__
        slugs = set(Author.objects.values_list("slug", flat=True))
        made: dict[int, Author] = {}  # written together below: one query, no signals
        for record in authors:
            name = (
                record.display_name
                or " ".join(filter(None, (record.first_name, record.last_name)))
                or record.login
            )
            name = plain_text(name)[:120] or f"Author {record.wp_id}"
            state, pk = self.seen(Kind.AUTHOR, record.wp_id, record.digest, exists)
            if state == "new":
                base = nicename(record.login) or slugify(name) or f"author-{record.wp_id}"
                slug = unique(slugify(base)[:120] or f"author-{record.wp_id}", slugs)
                made[record.wp_id] = Author(name=name, slug=slug)
                counts.imported += 1
            elif state == "updated":
                author = Author.objects.get(pk=pk)
                author.name = name
                author.save()
                counts.updated += 1
            else:
                counts.unchanged += 1
        Author.objects.bulk_create(made.values())
        for record in authors:
            pk = (
                made[record.wp_id].pk
                if record.wp_id in made
                else self.known[(Kind.AUTHOR, record.wp_id)][0]
            )
            self.remember(Kind.AUTHOR, record.wp_id, pk, record.digest)
            self.authors[record.login] = pk
            path = f"/author/{nicename(record.login)}"
            self.old_address(path, author=pk)
            self.old_address(f"{path}/feed", author=pk, feed=True)
            self.old_address(query_form("author", str(record.wp_id)), author=pk)

    def author_for(self, login: str) -> int | None:
        """The byline for a post's creator; a creator the export does not list (WXR 1.0)
        becomes an author of that name."""
        if not login:
            return None
        if login not in self.authors:
            slugs = set(Author.objects.values_list("slug", flat=True))
            author = Author.objects.create(
                name=login[:120], slug=unique(slugify(nicename(login))[:120] or "author", slugs)
            )
            self.authors[login] = author.pk
            self.report.counts["authors"].imported += 1
        return self.authors[login]

    def import_terms(self, terms: list[wxr.Term]) -> None:
        """Categories become topics with their hierarchy (the top ones in the top bar); tags
        become topics that are not. A term takes the topic of its slug, made if none has it,
        so a tag and a category of the same name are one topic."""
        by_slug = {t.slug: t for t in terms if t.taxonomy == "category"}

        def depth(term, seen=()):
            parent = by_slug.get(term.parent_slug)
            return (
                0
                if parent is None or parent.slug in seen
                else 1 + depth(parent, (*seen, term.slug))
            )

        by_topic_slug = dict(Topic.objects.values_list("slug", "pk"))
        self.topic_pks = set(by_topic_slug.values())
        levels: dict[tuple, list[wxr.Term]] = {}
        for term in terms:
            levels.setdefault((term.taxonomy != "category", depth(term)), []).append(term)
        for level in sorted(levels):
            # Parents first, each level written together (one query, no signals).
            targets = {term.wp_id: self.term_topic(term, by_topic_slug) for term in levels[level]}
            made = [t for t in targets.values() if isinstance(t, Topic) and not t.pk]
            Topic.objects.bulk_create(made)
            tags, _depth = level
            if not tags:  # new top-level categories go at the end of the top bar
                self.nav_topics.extend(
                    t.pk for t in made if t.parent_id is None and t.slug != "uncategorized"
                )
            for term in levels[level]:
                target = targets[term.wp_id]
                self.term_done(term, target if isinstance(target, int) else target.pk, by_slug)

    def term_topic(self, term: wxr.Term, by_topic_slug: dict) -> "int | Topic":
        """The topic a term becomes: a pk, or a new `Topic` (the caller writes it)."""
        counts = self.report.counts["topics"]
        state, pk = self.seen(Kind.TERM, term.wp_id, term.digest, self.topic_pks.__contains__)
        name = plain_text(term.name)[:80] or unquote(term.slug)[:80] or f"Topic {term.wp_id}"
        description = plain_text(term.description)
        if len(description) > 500:
            self.report.note(f"topic “{name}”", "description shortened to 500 characters")
            description = Truncator(description).chars(500)
        parent = self.terms.get(("category", term.parent_slug)) if term.parent_slug else None
        if state == "updated":
            topic = Topic.objects.get(pk=pk)
            topic.name, topic.description = name, description
            if term.taxonomy == "category" and parent != pk:
                topic.parent_id = parent
            topic.save()
            counts.updated += 1
            return pk
        if state == "unchanged":
            counts.unchanged += 1
            return pk
        slug = slugify(unquote(term.slug))[:80] or slugify(name)[:80] or f"topic-{term.wp_id}"
        if slug in RESERVED_SLUGS:
            slug = f"{slug}-topic"
        if slug in by_topic_slug:
            counts.unchanged += 1
            self.report.note(f"{term.taxonomy} “{name}”", "joined the existing topic of its slug")
            return by_topic_slug[slug]
        counts.imported += 1
        by_topic_slug[slug] = topic = Topic(
            name=name,
            slug=slug,
            description=description,
            parent_id=parent,
        )
        return topic

    def term_done(self, term: wxr.Term, pk: int, by_slug: dict) -> None:
        """Remember the term's topic, and its old addresses."""
        self.remember(Kind.TERM, term.wp_id, pk, term.digest)
        self.terms[(term.taxonomy, term.slug)] = pk
        slug = unquote(term.slug)
        if term.taxonomy == "category":
            chain, up, seen = [slug], by_slug.get(term.parent_slug), {term.slug}
            while up is not None and up.slug not in seen:
                chain.insert(0, unquote(up.slug))
                seen.add(up.slug)
                up = by_slug.get(up.parent_slug)
            for path in {"/category/" + "/".join(chain), f"/category/{slug}"}:
                self.old_address(path, topic=pk)
                self.old_address(f"{path}/feed", topic=pk, feed=True)
            self.old_address(query_form("cat", str(term.wp_id)), topic=pk)
        else:
            self.old_address(f"/tag/{slug}", topic=pk)
            self.old_address(f"/tag/{slug}/feed", topic=pk, feed=True)
            self.old_address(query_form("tag", term.slug), topic=pk)

    def section_for(self, item: wxr.Item, topics: list[int]) -> int:
        """The first category; a post filed nowhere goes to "Uncategorized", as on WordPress."""
        if topics:
            return topics[0]
        if self.fallback_topic is None:
            self.fallback_topic = Topic.objects.get_or_create(
                slug="uncategorized", defaults={"name": "Uncategorized"}
            )[0].pk
        return self.fallback_topic

    def import_pictures(self, attachments: list[wxr.Item]) -> None:
        """The attachments that are pictures, into the library, a batch at a time."""
        exists = set(Image.objects.values_list("pk", flat=True)).__contains__
        for start in range(0, len(attachments), self.batch):
            with self.committed_batch():
                for done, item in enumerate(attachments[start : start + self.batch], start + 1):
                    self.progress("Pictures", done, len(attachments))
                    self.import_picture(item, exists)

    def import_picture(self, item: wxr.Item, exists) -> None:
        counts = self.report.counts["pictures"]
        url = item.attachment_url or item.link
        label = describe(item)
        if Path(urlsplit(url).path).suffix.lower() not in PICTURE_TYPES:
            self.report.skip("pictures", label, "not a picture (only pictures are imported)")
            return
        state, pk = self.seen(Kind.ATTACHMENT, item.wp_id, item.digest, exists)
        alt = plain_text(item.meta.get("_wp_attachment_image_alt", ""))[:250]
        caption = plain_text(item.excerpt)
        if len(caption) > 300:
            self.report.note(label, "caption shortened to 300 characters")
            caption = Truncator(caption).chars(300)
        if state == "new":
            image = self.new_picture(item, url, label, alt or plain_text(item.title)[:250], caption)
            if image is None:
                return
            if not alt:
                self.report.note(label, "no alt text on WordPress: its title is the alt text")
            counts.imported += 1
        else:
            image = Image.objects.get(pk=pk)
            if state == "updated":
                image.alt_text, image.caption = alt or image.alt_text, caption
                image.save()
                counts.updated += 1
            else:
                counts.unchanged += 1
        self.pictures[item.wp_id] = image
        self.picture_keys[upload_key(url)] = item.wp_id
        if image.pk:
            self.remember(Kind.ATTACHMENT, item.wp_id, image.pk, item.digest)

    def new_picture(self, item, url, label, alt, caption) -> Image | None:
        if self.uploads is None:
            self.report.skip("pictures", label, "no uploads folder given (--uploads)")
            return None
        path = urlsplit(url).path
        marker = "/wp-content/uploads/"
        relative = unquote(path.split(marker, 1)[1] if marker in path else path.lstrip("/"))
        file = (self.uploads / relative).resolve()
        if not file.is_relative_to(self.uploads):
            self.report.skip("pictures", label, "its address leads outside the uploads folder")
            return None
        if not file.is_file():
            self.report.skip("pictures", f"{label}: {relative}", "not in the uploads folder")
            return None
        with file.open("rb") as opened:
            upload = File(opened, name=file.name)
            try:
                validate_image_file(upload)
            except ValidationError as error:
                self.report.skip("pictures", label, " ".join(error.messages))
                return None
            image = Image(alt_text=alt or file.stem[:250], caption=caption)
            if self.dry_run:
                return image  # checked, not stored
            upload.seek(0)
            image.file = upload
            image.save()
        self.new_images.append(image)
        return image

    def body_picture(self, key: str, wp_id: int | None) -> Picture | None:
        image = self.pictures.get(wp_id) if wp_id in self.pictures else None
        if image is None:
            found = self.picture_keys.get(key)
            image = self.pictures.get(found) if found is not None else None
        if image is None:
            return None
        if not image.pk:  # a dry run
            return Picture(f"{settings.MEDIA_URL}dry-run.jpg", 1, 1, image.alt_text)
        rows = image.rendition_or_original("full")
        width, height, src = max(
            (row for row in rows if row[0] <= BODY_PICTURE_WIDTH), default=rows[0]
        )
        return Picture(src, width, height, image.alt_text)

    def forget_new_files(self) -> None:
        """An import that failed leaves no picture file behind (the rows were rolled back)."""
        for image in self.new_images:
            delete_files(image)
