"""What readers' pages of this app show, and what each change purges (see newsroom/purges.py).

Tags:
- `article-<pk>`: the article as shown anywhere: its page, and every teaser, feed entry or
  search result showing it.
- `topic-<pk>`: a topic's name and which articles it lists (its page and feeds, the home
  page's block of that section, and every teaser labelled with it).
- `author-<pk>`: an author's name, picture and which articles they wrote.
- `articles`: which articles are published at all (home, latest, archives, feeds, search).
- `sitemaps`: the sitemaps, which list topics and authors too.
- `chrome`: the header and footer of every page (top bar, banner, footer pages).
- `live-<pk>`: a live page's updates: the page itself and its endpoint for new updates. An
  update posted, corrected, pinned or deleted purges this alone: no listing shows updates.

Changes no reader can see purge nothing: a draft or an article in review saved, a revision,
a desk-log entry, a preview link. An article scheduled for later purges the listings it will
join, so that pages cached now end at its publication time (`seconds_to_next_publication`).
"""

from django.contrib.flatpages.models import FlatPage
from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, Min, Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone

from articles.models import (
    Article,
    ArticleNote,
    Author,
    BreakingNews,
    Byline,
    Image,
    LiveUpdate,
    SiteChrome,
    Topic,
    published_q,
)
from newsroom.pagecache import EVERY_PAGE
from newsroom.pagecache.middleware import limit_lifetime
from newsroom.pagecache.tags import purge, tag

ARTICLES = "articles"
SITEMAPS = "sitemaps"
CHROME = "chrome"
NEXT_PUBLICATION_KEY = "next-publication"


def article_tag(pk) -> str:
    return f"article-{pk}"


def topic_tag(pk) -> str:
    return f"topic-{pk}"


def author_tag(pk) -> str:
    return f"author-{pk}"


def live_tag(pk) -> str:
    return f"live-{pk}"


def tag_teasers(request, articles, *tags: str) -> None:
    """Tag a page that shows these articles (with their section label and bylines)."""
    shown = set(tags)
    for article in articles:
        shown.add(article_tag(article.pk))
        if article.primary_topic_id:
            shown.add(topic_tag(article.primary_topic_id))
        shown.update(author_tag(byline.author_id) for byline in article.bylines.all())
    tag(request, *shown)


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
        # deletes it (`_article_saved`).
        wait = int(upcoming - now.timestamp()) + 1 if when else 3600
        cache.set(NEXT_PUBLICATION_KEY, upcoming, timeout=wait)
    return upcoming - now.timestamp() if upcoming else None


def everything_changed() -> None:
    """A change made in bulk, without the signals of single saves (an import): the header and
    footer are rebuilt, the next publication found again and every page purged."""
    cache.delete(NEXT_PUBLICATION_KEY)
    SiteChrome.rebuild()
    purge(EVERY_PAGE)


# What decides where an article is listed, and how (the "Live" label).
_LISTED_BY = (
    "primary_topic_id", "publish_at", "is_featured", "featured_order", "live_from", "live_until"
)  # fmt: skip


def _state(pk) -> dict | None:
    """Whether readers see the article now, and what decides where it is listed."""
    visible = ExpressionWrapper(published_q(), output_field=BooleanField())
    return (
        Article.objects.filter(pk=pk).annotate(visible=visible).values("visible", *_LISTED_BY)
    ).first()


def _listing_tags(article: Article, before: dict | None) -> set[str]:
    """The listings an article is in, joins or leaves: the general ones, its topics (and their
    parent sections, whose pages list their subsections' articles), its authors."""
    topic_ids = {article.primary_topic_id, before and before["primary_topic_id"]}
    topic_ids |= set(article.topics.values_list("pk", flat=True))
    topic_ids.discard(None)
    parents = Topic.objects.filter(pk__in=topic_ids, parent__isnull=False).values_list(
        "parent_id", flat=True
    )
    authors = Byline.objects.filter(article=article).values_list("author_id", flat=True)
    return {
        ARTICLES,
        SITEMAPS,
        *map(topic_tag, topic_ids | set(parents)),
        *map(author_tag, authors),
    }


def _article_saving(sender, instance: Article, raw=False, **kwargs):
    instance._state_before_save = None if raw or instance._state.adding else _state(instance.pk)


def _article_saved(sender, instance: Article, raw=False, **kwargs):
    if raw:
        return
    before, after = getattr(instance, "_state_before_save", None), _state(instance.pk)
    was, now = bool(before and before["visible"]), after["visible"]
    scheduled = instance.is_scheduled()
    if scheduled or was or instance.live_from:
        cache.delete(NEXT_PUBLICATION_KEY)  # the next publication may have moved
    moved = before is None or any(before[f] != after[f] for f in _LISTED_BY)
    tags = {article_tag(instance.pk), SITEMAPS} if was or now else set()
    if was != now or (moved and (now or scheduled)):
        tags |= _listing_tags(instance, before)
    if tags and BreakingNews.objects.filter(is_active=True, article=instance).exists():
        tags.add(CHROME)  # the banner links to it
    purge(*tags)


def _article_deleting(sender, instance: Article, **kwargs):
    before = _state(instance.pk)
    if before and before["visible"]:
        instance._purge_on_delete = _listing_tags(instance, before) | {article_tag(instance.pk)}


def _article_deleted(sender, instance: Article, **kwargs):
    purge(*getattr(instance, "_purge_on_delete", ()))


def _published(pk) -> bool:
    return Article.objects.filter(pk=pk).published().exists()


def _topics_changed(sender, instance, action, pk_set, **kwargs):
    if not isinstance(instance, Article) or not _published(instance.pk):
        return
    if action in ("post_add", "post_remove"):
        purge(article_tag(instance.pk), *map(topic_tag, pk_set or ()))
    elif action == "pre_clear":
        topics = instance.topics.values_list("pk", flat=True)
        purge(article_tag(instance.pk), *map(topic_tag, topics))


def _byline_changed(sender, instance: Byline, raw=False, **kwargs):
    if raw:
        return
    if _published(instance.article_id):
        purge(article_tag(instance.article_id), author_tag(instance.author_id))


def _live_update_changed(sender, instance: LiveUpdate, raw=False, **kwargs):
    if not raw and _published(instance.article_id):
        purge(live_tag(instance.article_id))


def _note_changed(sender, instance: ArticleNote, raw=False, **kwargs):
    if not raw and _published(instance.article_id):
        purge(article_tag(instance.article_id), SITEMAPS)  # its "Updated" time too


def _author_changed(sender, instance: Author, raw=False, **kwargs):
    if not raw:
        purge(author_tag(instance.pk), SITEMAPS)


def _topic_changed(sender, instance: Topic, raw=False, **kwargs):
    if not raw:
        purge(topic_tag(instance.pk), SITEMAPS, CHROME)


def _image_changed(sender, instance: Image, raw=False, **kwargs):
    if raw:
        return
    articles = (
        Article.objects.published()
        .filter(Q(hero_image=instance) | Q(social_image=instance))
        .values_list("pk", flat=True)
    )
    authors = Author.objects.filter(photo=instance).values_list("pk", flat=True)
    purge(*map(article_tag, articles), *map(author_tag, authors))


def _chrome_changed(sender, raw=False, **kwargs):
    if not raw:
        purge(CHROME)


def connect() -> None:
    """Purge on every change a reader can see; cap page lifetimes at the next publication."""
    limit_lifetime(seconds_to_next_publication)
    handlers = [
        (Article, _article_saved, _article_deleted),
        (Byline, _byline_changed, _byline_changed),
        (ArticleNote, _note_changed, _note_changed),
        (LiveUpdate, _live_update_changed, _live_update_changed),
        (Author, _author_changed, _author_changed),
        (Topic, _topic_changed, _topic_changed),
        (Image, _image_changed, _image_changed),
        (BreakingNews, _chrome_changed, _chrome_changed),
        (FlatPage, _chrome_changed, _chrome_changed),
    ]
    pre_save.connect(_article_saving, sender=Article, dispatch_uid="purge-Article-saving")
    pre_delete.connect(_article_deleting, sender=Article, dispatch_uid="purge-Article-deleting")
    for model, saved, deleted in handlers:
        uid = f"purge-{model.__name__}"
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(_topics_changed, sender=Article.topics.through, dispatch_uid="purge-topics")
    m2m_changed.connect(
        _chrome_changed, sender=FlatPage.sites.through, dispatch_uid="purge-flatpage-sites"
    )
