"""What each change readers see purges, from the events the services send (`articles/events.py`).

Changes no reader can see send no event and purge nothing: a draft or an article in review
saved, a revision, a desk-log entry, a preview link, changes kept over a live article. An
article scheduled for later purges the listings it will join, so that pages cached now end at
its publication time (`seconds_to_next_publication`, which caps every page's lifetime).
"""

from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone

from articles import events
from articles.models import Article, Author, Byline, Topic
from articles.tags import ARTICLES, SITEMAPS, article_tag, author_tag, topic_tag
from embeds import events as embeds_events
from newsroom.pagecache import EVERY_PAGE
from newsroom.pagecache.middleware import limit_lifetime
from newsroom.pagecache.tags import purge
from pictures import events as pictures_events
from pictures.usage import in_body

NEXT_PUBLICATION_KEY = "next-publication"


def seconds_to_next_publication() -> float | None:
    """Seconds until pages change by the clock alone: the next scheduled article appears, or
    a live page's coverage starts or ends ("Live" on its teasers). Pages cached now end then."""
    upcoming = cache.get(NEXT_PUBLICATION_KEY)
    now = timezone.now()
    if upcoming is None:
        # One query: the next scheduled publication, and the next start or end of a live
        # page's coverage among published articles.
        visible = Q(publish_at__lte=now)
        times = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
            publication=Min("publish_at", filter=Q(publish_at__gt=now)),
            start=Min("live_from", filter=visible & Q(live_from__gt=now)),
            end=Min("live_until", filter=visible & Q(live_until__gt=now)),
        )
        when = min((t for t in times.values() if t), default=None)
        upcoming = when.timestamp() if when else 0
        # Kept until that time (or an hour when nothing is due); any scheduling in between
        # deletes it (`_article_changed`).
        wait = int(upcoming - now.timestamp()) + 1 if when else 3600
        cache.set(NEXT_PUBLICATION_KEY, upcoming, timeout=wait)
    return upcoming - now.timestamp() if upcoming else None


def _listing_tags(article: Article, before: events.Listing | None) -> set[str]:
    """The listings an article is in, joins or leaves: the general ones, its topics (and their
    parent sections, whose pages list their subsections' articles), its authors."""
    topic_ids = {article.primary_topic_id, before and before.primary_topic_id}
    topic_ids |= set(article.topics.values_list("pk", flat=True))
    topic_ids |= before.topic_ids if before else set()
    topic_ids.discard(None)
    parents = Topic.objects.filter(pk__in=topic_ids, parent__isnull=False).values_list(
        "parent_id", flat=True
    )
    authors = set(Byline.objects.filter(article=article).values_list("author_id", flat=True))
    authors |= before.author_ids if before else set()
    return {
        ARTICLES,
        SITEMAPS,
        *map(topic_tag, topic_ids | set(parents)),
        *map(author_tag, authors),
    }


def _article_stepped(sender, article: Article, before: events.Listing, **kwargs):
    _article_changed(sender, article, before, stepped=True)


def _article_changed(
    sender, article: Article, before: events.Listing | None, stepped: bool = False, **kwargs
):
    """`stepped`: the article went through a workflow step, which may list it anew even where
    nothing that decides its listings moved (a draft given its time before it is scheduled)."""
    after = events.Listing.of(article)
    was, now = bool(before and before.visible), after.visible
    scheduled = article.is_scheduled()
    if scheduled or was or article.live_from:
        cache.delete(NEXT_PUBLICATION_KEY)  # the next publication may have moved
    moved = stepped or before is None or before.moved(after) or _people_moved(article, before)
    tags = {article_tag(article.pk), SITEMAPS} if was or now else set()
    if was != now or (moved and (now or scheduled)):
        tags |= _listing_tags(article, before)
    purge(*tags)


def _people_moved(article: Article, before: events.Listing) -> bool:
    if not (before.topic_ids or before.author_ids):
        return False  # not asked for: the change left them as they were
    after = events.Listing.of(article, with_people=True)
    return (before.topic_ids, before.author_ids) != (after.topic_ids, after.author_ids)


def _article_deleted(sender, article: Article, **kwargs):
    if article.is_published():
        purge(article_tag(article.pk), *_listing_tags(article, None))


def _note_added(sender, article: Article, **kwargs):
    if article.is_published():
        purge(article_tag(article.pk), SITEMAPS)  # its "Updated" time too


def _topic_changed(sender, topic: Topic, **kwargs):
    purge(topic_tag(topic.pk), SITEMAPS)


def _topics_deleted(sender, topic_ids, **kwargs):
    purge(*map(topic_tag, topic_ids), SITEMAPS)


def _author_changed(sender, author: Author, **kwargs):
    purge(author_tag(author.pk), SITEMAPS)


def _picture_changed(sender, image, **kwargs):
    articles = (
        Article.objects.published()
        .filter(Q(hero_image=image) | Q(social_image=image) | Q(body__contains=in_body(image.pk)))
        .values_list("pk", flat=True)
    )
    authors = Author.objects.filter(photo=image).values_list("pk", flat=True)
    purge(*map(article_tag, articles), *map(author_tag, authors))


def _embed_fetched(sender, embed, **kwargs):
    shown = Article.objects.published().filter(body__contains=f'data-embed="{embed.url}"')
    purge(*map(article_tag, shown.values_list("pk", flat=True)))


def _import_finished(sender, **kwargs):
    """Content written in bulk: the next publication is found again and every page purged."""
    cache.delete(NEXT_PUBLICATION_KEY)
    purge(EVERY_PAGE)


def connect() -> None:
    """Purge on every event readers see; cap page lifetimes at the next publication."""
    limit_lifetime(seconds_to_next_publication)
    for event, receiver in [
        (events.article_published, _article_stepped),
        (events.article_unpublished, _article_stepped),
        (events.live_changes_published, _article_changed),
        (events.article_deleted, _article_deleted),
        (events.note_added, _note_added),
        (events.topic_changed, _topic_changed),
        (events.topics_deleted, _topics_deleted),
        (events.author_changed, _author_changed),
        (pictures_events.picture_changed, _picture_changed),
        (pictures_events.renditions_made, _picture_changed),
        (events.import_finished, _import_finished),
        (embeds_events.embed_fetched, _embed_fetched),
    ]:
        event.connect(receiver, dispatch_uid=f"purge-{receiver.__name__}")
