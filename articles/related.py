"""The stories readers are offered under a story, kept when they change, never worked out on a
page view (the page reads them in one query: `articles/read_next.py`).

- **Related**: the stories editors chose (`RelatedChoice`, in order), then the closest others:
  on PostgreSQL, stories whose words (full-text search) match the story's headline and
  standfirst, sharing topics counting too; elsewhere stories sharing its topics, most shared
  first, newest among equals. Kept per story (`RelatedLink`).
- **More in <section>**: the newest stories of the story's section (`Topic.newest_ids`, read
  with the story's section), leaving out those Related shows: never a story twice.

Both keep spares and count scheduled stories in: the page shows the first that readers may
see (`published()`), so a scheduled story appears at its time with no job to run, and one taken
back never shows, even before the lists are written again.

A story's list is written again when it, or a neighbour (a story it lists, that lists it or
that chose it), is published, scheduled, changed, unpublished or deleted, by a background task
(`refresh_around`, `refresh_without`): the similarity search is not the editor's to wait for.
The block of a published story whose list changed is purged (`related-<pk>`) when the task has
written it. A section's list is written at once, inside the change: it changes only with what
its listings show, and the `topic-<pk>` purge at the change's commit (`purging.py`) must find
it written. The daily jobs write every list again, so stories no event touched catch up.
"""

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Func, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from articles import events
from articles.models import MAX_CHOSEN, Article, RelatedChoice, RelatedLink, Topic
from articles.tags import related_tag
from newsroom.pagecache.tags import purge
from newsroom.tasks import daily_jobs

# What readers see: the related stories, and the newest of the section.
SHOWN = 4
SECTION_SHOWN = 4
# What is kept: spares for stories scheduled but not yet visible, and, for the section, for
# the story itself and the related stories, which its list skips.
KEPT = 8
SECTION_KEPT = 12
# On PostgreSQL, what a shared topic adds to the words' similarity (a normalised rank, 0 to 1).
SHARED_TOPIC_WEIGHT = 0.1
# The most words of a story's headline and standfirst that its similarity looks for.
MAX_WORDS = 24


def _listed() -> models.QuerySet:
    """Stories that may be listed: published, or scheduled to be."""
    return Article.objects.filter(status=Article.Status.PUBLISHED)


def chosen_ids(article: Article, *, excluded: Iterable[int] = ()) -> list[int]:
    """The stories editors chose for `article`, in order, that are published or scheduled."""
    chosen = RelatedChoice.objects.filter(
        article=article, related__status=Article.Status.PUBLISHED
    ).exclude(related__in=list(excluded))
    return list(chosen.order_by("order", "pk").values_list("related_id", flat=True)[:MAX_CHOSEN])


def _topic_ids(article: Article) -> set[int]:
    topics = set(article.topics.values_list("pk", flat=True))
    return topics | {article.primary_topic_id} - {None}


def _words_query(article: Article) -> SearchQuery | None:
    """The words of the story's headline and standfirst as its search vector keeps them
    (stemmed), any of which a similar story may contain."""
    words = (
        Article.objects.filter(pk=article.pk)
        .annotate(
            words=Func(
                F("search_vector"),
                template="tsvector_to_array(ts_filter(%(expressions)s, '{a,b}'))",
                output_field=ArrayField(models.TextField()),
            )
        )
        .values_list("words", flat=True)
        .first()
    )
    if not words:
        return None
    # Already stemmed: the "simple" configuration takes each as it is.
    queries = (SearchQuery(w, config="simple") for w in words[:MAX_WORDS])
    return reduce(lambda a, b: a | b, queries)


def automatic_ids(article: Article, *, excluded: set[int], limit: int) -> list[int]:
    """The closest other stories to `article`, best first, none of `excluded`."""
    if limit <= 0:
        return []
    topics = _topic_ids(article)
    tagged = Article.topics.through.objects.filter(topic__in=topics)
    shared = Coalesce(
        Subquery(
            tagged.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    ) + Case(When(primary_topic__in=topics, then=1), default=0)
    sharing = Q(primary_topic__in=topics) | Q(pk__in=tagged.order_by().values("article"))
    others = _listed().exclude(pk__in=excluded).annotate(shared=shared)
    words = _words_query(article) if connection.vendor == "postgresql" else None
    if words is not None:
        rank = Coalesce(SearchRank(F("search_vector"), words, normalization=32), 0.0)
        best = (
            others.filter(sharing | Q(search_vector=words))
            .annotate(score=rank + F("shared") * SHARED_TOPIC_WEIGHT)
            .order_by("-score", "-publish_at", "-pk")
        )
    else:
        best = others.filter(sharing).order_by("-shared", "-publish_at", "-pk")
    return list(best.values_list("pk", flat=True)[:limit])


def related_ids(article: Article, *, excluded: Iterable[int] = ()) -> list[tuple[int, bool]]:
    """The related list of `article` as it is kept: (story, chosen by an editor), the chosen
    first in their order, then the closest others; never the story itself, nor twice the same.
    Empty for a story readers cannot see or will not (a draft, an archived one)."""
    excluded = set(excluded)
    if article.status != Article.Status.PUBLISHED or article.pk in excluded:
        return []
    excluded.add(article.pk)
    chosen = chosen_ids(article, excluded=excluded)
    closest = automatic_ids(article, excluded=excluded | set(chosen), limit=KEPT - len(chosen))
    return [(pk, True) for pk in chosen] + [(pk, False) for pk in closest]


def refresh(pks: Iterable[int], *, excluded: Iterable[int] = ()) -> set[int]:
    """Write the related lists of the stories `pks` again (leaving out `excluded`, a story
    about to be deleted); returns those whose list changed."""
    pks, excluded = set(pks), set(excluded)
    kept = defaultdict(list)
    for link in RelatedLink.objects.filter(article__in=pks).order_by("article", "position"):
        kept[link.article_id].append((link.related_id, link.chosen))
    changed = set()
    for article in Article.objects.filter(pk__in=pks - excluded):
        wanted = related_ids(article, excluded=excluded)
        if wanted != kept[article.pk]:
            RelatedLink.objects.filter(article=article).delete()
            RelatedLink.objects.bulk_create(
                RelatedLink(article=article, related_id=pk, position=n, chosen=chosen)
                for n, (pk, chosen) in enumerate(wanted)
            )
            changed.add(article.pk)
    return changed


def refresh_sections(topic_ids: Iterable[int | None], *, excluded: Iterable[int] = ()) -> None:
    """Keep the newest stories of these sections: the visible ones and the next scheduled."""
    now = timezone.now()
    for topic_id in set(topic_ids) - {None}:
        filed = _listed().filter(primary_topic=topic_id).exclude(pk__in=list(excluded))
        due = filed.filter(publish_at__gt=now).order_by("publish_at", "pk")
        shown = filed.filter(publish_at__lte=now).order_by("-publish_at", "-pk")
        ids = [
            *reversed(due.values_list("pk", flat=True)[:SECTION_KEPT]),
            *shown.values_list("pk", flat=True)[:SECTION_KEPT],
        ]
        Topic.objects.filter(pk=topic_id).update(newest_ids=ids)


def neighbours(article: Article) -> set[int]:
    """The stories whose list may change with `article`: those it lists, that list it, and
    that chose it."""
    listed = RelatedLink.objects.filter(article=article).values_list("related_id", flat=True)
    listing = RelatedLink.objects.filter(related=article).values_list("article_id", flat=True)
    choosing = RelatedChoice.objects.filter(related=article).values_list("article_id", flat=True)
    return {*listed, *listing, *choosing} - {article.pk}


def _purge(changed: set[int]) -> None:
    """The blocks readers see: those of published stories whose list changed."""
    shown = Article.objects.published().filter(pk__in=changed).values_list("pk", flat=True)
    purge(*map(related_tag, shown))


@task()
def refresh_around(article_pk: int) -> str:
    """The lists of a story just published, scheduled, unpublished or changed, and of its
    neighbours (those it listed, lists now, that list it or that chose it); the blocks of
    those whose list changed purged."""
    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return f"story {article_pk} is gone: its deletion saw to its neighbours"
    with transaction.atomic():  # readers see each list whole; the purge once it is written
        around = neighbours(article)
        changed = refresh([article.pk])
        listed = RelatedLink.objects.filter(article=article).values_list("related_id", flat=True)
        changed |= refresh(around | set(listed))
        _purge(changed)
    return f"related lists around story {article_pk}: {len(changed)} changed"


@task()
def refresh_without(pks: list[int], deleted_pk: int) -> str:
    """The lists of a deleted story's neighbours, without it; those that changed purged (those
    that showed it are purged with the story itself, `purging.py`)."""
    with transaction.atomic():
        changed = refresh(pks, excluded=[deleted_pk])
        _purge(changed)
    return f"related lists without story {deleted_pk}: {len(changed)} changed"


def _article_changed(sender, article: Article, before: events.Listing | None = None, **kwargs):
    """Published, scheduled, unpublished or changed: its sections' lists now, its own and its
    neighbours' in the background."""
    refresh_sections([article.primary_topic_id, before and before.primary_topic_id])
    # Inside the change's transaction: the queue is a table (django-tasks' database backend),
    # so the task is queued if, and only if, the change commits.
    refresh_around.enqueue(article.pk)


def _article_deleted(sender, article: Article, **kwargs):
    """Sent while its rows can still be read: its section's list without it now, and, in the
    background, its neighbours' (found now, while its links still name them)."""
    refresh_sections([article.primary_topic_id], excluded=[article.pk])
    around = neighbours(article)
    if around:
        refresh_without.enqueue(sorted(around), article.pk)


def refresh_all() -> set[int]:
    """Every list written again; returns the stories whose related list changed."""
    refresh_sections(Topic.objects.values_list("pk", flat=True))
    changed = refresh(_listed().values_list("pk", flat=True))
    RelatedLink.objects.exclude(article__status=Article.Status.PUBLISHED).delete()
    return changed


def _import_finished(sender, **kwargs):
    """Content written in bulk: every list again (every page is purged by the import)."""
    refresh_all()


def refresh_daily(**kwargs) -> None:
    """Each night: every list again, so that stories no event touched catch up."""
    _purge(refresh_all())


def connect() -> None:
    for event, receiver in [
        (events.article_published, _article_changed),
        (events.article_unpublished, _article_changed),
        (events.live_changes_published, _article_changed),
        (events.article_deleted, _article_deleted),
        (events.import_finished, _import_finished),
    ]:
        event.connect(receiver, dispatch_uid=f"related-{receiver.__name__}")
    daily_jobs.connect(refresh_daily, dispatch_uid="daily-related-stories")
