import io
import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw

from articles import changes, events
from articles.models import Article, Author, Byline, Topic
from chrome.models import BreakingNews, SiteChrome, TopBarLink
from comments.counts import count_replies
from comments.models import ModerationSettings, Reply
from live.models import LiveUpdate
from newsroom.demo import content, live_pages, media_story, readings
from newsroom.demo import fronts as demo_fronts
from newsroom.demo import newsletters as demo_newsletters
from pictures.models import Image

SEED_FILE = Path(content.__file__).with_name("seed-article.txt")


def demo_picture(seed: str, colour: tuple[int, int, int], size=(1200, 800)) -> bytes:
    """A placeholder picture: a gradient in the section's colour with a few shapes."""
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    width, height = size
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    r, g, b = colour
    for y in range(height):
        shade = 0.55 + 0.45 * y / height
        draw.line([(0, y), (width, y)], fill=(int(r * shade), int(g * shade), int(b * shade)))
    for _ in range(6):
        x, y, radius = rng.randrange(width), rng.randrange(height), rng.randrange(60, 260)
        tint = tuple(min(255, c + rng.randrange(40, 120)) for c in colour)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=tint, width=10)
    draw.rectangle([0, height - 90, width, height], fill=(r // 2, g // 2, b // 2))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _published(slug, topic, colour, title, standfirst, paragraphs, caption, **fields) -> Article:
    """A published demo article with a generated lead picture."""
    picture = Image(alt_text=f"Illustration for “{title}”", caption=caption, credit="Demo")
    name = f"{slug}.jpg"
    picture.file.save(name, ContentFile(demo_picture(slug, colour), name=name))
    return Article.objects.create(
        slug=slug,
        headline=title,
        standfirst=standfirst,
        body=paragraphs_html(paragraphs),
        primary_topic=topic,
        hero_image=picture,
        status=Article.Status.PUBLISHED,
        **fields,
    )


class Command(BaseCommand):
    help = (
        "Load the demo newsroom: sections, authors, pages and articles (the seed article among "
        "them). Safe to run again: what exists already is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load the demo into a database that has no articles yet.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if options["if_empty"] and Article.objects.exists():
            self.stdout.write("The database has articles already: no demo content loaded.")
            return
        now = timezone.now()
        Site.objects.filter(pk=settings.SITE_ID).update(domain="localhost", name=settings.SITE_NAME)
        site = Site.objects.get(pk=settings.SITE_ID)

        topics, colours = {}, {}
        for slug, name, description, _place, colour in content.TOPICS:
            topics[slug], _ = Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            colours[slug] = colour
        for slug, name, description, parent in content.SUBTOPICS:
            topics[slug], _ = Topic.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "parent": topics[parent]},
            )
            colours[slug] = colours[parent]

        authors = {}
        for slug, name, bio in content.AUTHORS:
            authors[slug], _ = Author.objects.get_or_create(
                slug=slug, defaults={"name": name, "bio": bio}
            )

        for url, title, html in content.PAGES:
            page, _ = FlatPage.objects.get_or_create(
                url=url, defaults={"title": title, "content": html}
            )
            page.sites.add(site)

        headline, *paragraphs = [
            p.strip() for p in SEED_FILE.read_text(encoding="utf-8").split("\n\n") if p.strip()
        ]
        seed = content.SEED
        entries = [
            (
                seed["slug"],
                seed["topic"],
                seed["authors"],
                seed["hours_ago"],
                headline,
                seed["standfirst"],
                paragraphs,
                seed["featured"],
                seed["topics"],
                seed["caption"],
            ),
            *((*entry, [], "") for entry in content.ARTICLES),
        ]
        created = 0
        for (
            slug,
            topic,
            byline,
            hours,
            title,
            standfirst,
            body,
            _featured,  # the demo arranges the home page instead (newsroom/demo/fronts.py)
            more_topics,
            caption,
        ) in entries:
            if Article.objects.filter(slug=slug).exists():
                continue
            article = _published(
                slug,
                topics[topic],
                colours[topic],
                title,
                standfirst,
                body,
                caption,
                publish_at=now - timedelta(hours=hours),
            )
            article.topics.set(topics[t] for t in more_topics)
            Byline.objects.bulk_create(
                Byline(article=article, author=authors[a], order=i) for i, a in enumerate(byline)
            )
            created += 1

        created += self._live_pages(topics, authors, colours, now)
        if not Article.objects.filter(slug=media_story.SLUG).exists():
            story = _published(
                media_story.SLUG,
                topics[media_story.TOPIC],
                colours[media_story.TOPIC],
                media_story.HEADLINE,
                media_story.STANDFIRST,
                [],
                media_story.CAPTION,
                publish_at=now - timedelta(hours=media_story.HOURS_AGO),
            )
            story.body = media_story.body(demo_picture)
            story.save()
            Byline.objects.bulk_create(
                Byline(article=story, author=authors[a], order=i)
                for i, a in enumerate(media_story.AUTHORS)
            )
            created += 1

        seed_article = Article.objects.get(slug=seed["slug"])
        if not seed_article.related_choices.exists():
            chosen = Article.objects.filter(slug__in=seed["related"]).in_bulk(field_name="slug")
            changes.write_related(seed_article, [chosen[name].pk for name in seed["related"]])
        if not seed_article.replies.exists():
            self._replies(seed_article, now)

        if not BreakingNews.objects.exists():
            BreakingNews.objects.create(
                text=content.BANNER, article=Article.objects.get(slug=seed["slug"])
            )

        if not TopBarLink.objects.exists():
            # The sections in their order, then the running live page under a short label.
            running = next(live[0] for live in live_pages.LIVE if live[4] is None)
            in_order = sorted(content.TOPICS, key=lambda topic: topic[3])
            links = [TopBarLink(topic=topics[slug]) for slug, *_ in in_order]
            links.append(
                TopBarLink(article=Article.objects.get(slug=running), label="Markets live")
            )
            for place, link in enumerate(links, 1):
                link.position = place
            TopBarLink.objects.bulk_create(links)

        options = ModerationSettings.load()
        if not options.watched_words:
            options.watched_words = "fraud\nscam"
            options.save(update_fields=["watched_words"])

        demo_fronts.arrange()
        readings.seed()  # a day of views: the desk's figures and *Most read* show something
        demo_newsletters.seed()  # the lists the sign-up forms offer

        # Written without the desk's services: what they keep is kept here, once (and the
        # related stories' lists by `import_finished`).
        count_replies(list(Article.objects.values_list("pk", flat=True)))
        SiteChrome.rebuild()
        events.import_finished.send(sender=type(self))
        self.stdout.write(
            f"Demo content ready: {created} new articles, "
            f"{Article.objects.published().count()} published in all."
        )

    def _live_pages(self, topics, authors, colours, now) -> int:
        made = 0
        for (
            slug,
            topic,
            byline,
            started,
            ended,
            title,
            standfirst,
            summary,
            updates,
        ) in live_pages.LIVE:
            if Article.objects.filter(slug=slug).exists():
                continue
            article = _published(
                slug,
                topics[topic],
                colours[topic],
                title,
                standfirst,
                summary,
                "",
                publish_at=now - timedelta(hours=started),
                live_from=now - timedelta(hours=started),
                live_until=now - timedelta(hours=ended) if ended is not None else None,
            )
            Byline.objects.bulk_create(
                Byline(article=article, author=authors[a], order=i) for i, a in enumerate(byline)
            )
            for minutes, headline, text, key_point in updates:
                LiveUpdate.objects.create(
                    article=article,
                    headline=headline,
                    body=paragraphs_html([text]),
                    posted_at=now - timedelta(minutes=minutes),
                    is_key_point=key_point,
                )
            made += 1
        return made

    def _replies(self, article, now):
        made = {}
        for key, answers, name, body, status, hours, rules, reason, words in content.REPLIES:
            parent = made.get(answers)
            made[key] = Reply.objects.create(
                article=article,
                parent=parent,
                name=name,
                email=f"{key}@example.org",
                body=body,
                status=status,
                created_at=now - timedelta(hours=hours),
                rules=rules,
                moderation_reason=reason,
                matched_words=words,
            )
