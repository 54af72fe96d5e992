"""The editorial workflow: what an article needs before it goes out, and publishing it.

Plain functions called by the admin's actions and forms alike, so a rule lives in one place.
A future `publish_at` schedules an article: it becomes visible then, with no job to run.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from articles.models import Article

logger = logging.getLogger(__name__)

PUBLISH_PERMISSION = "articles.publish_article"

NO_PERMISSION = "You do not have permission to publish or unpublish articles."
NEEDS_SECTION = "choose a section"
NEEDS_AUTHOR = "add at least one author"
NEEDS_BODY = "write the body"


def publish_problems(article: Article, *, author_count: int | None = None) -> list[str]:
    """What is missing before `article` may be published; empty when it is ready.

    `author_count` is for forms, where the bylines being typed are not saved yet.
    """
    problems = []
    if not article.primary_topic_id:
        problems.append(NEEDS_SECTION)
    if author_count is None:
        author_count = len(article.bylines.all())  # prefetched by callers that handle many
    if not author_count:
        problems.append(NEEDS_AUTHOR)
    if not (article.body or "").strip():
        problems.append(NEEDS_BODY)
    return problems


@dataclass
class Outcome:
    done: list[Article] = field(default_factory=list)
    refused: dict[Article, list[str]] = field(default_factory=dict)


@transaction.atomic
def publish(articles: Iterable[Article], *, by, now=None) -> Outcome:
    """Publish each ready article: at its future `publish_at` if it has one, else now."""
    if not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionError(NO_PERMISSION)
    now = now or timezone.now()
    outcome = Outcome()
    for article in articles:
        if problems := publish_problems(article):
            outcome.refused[article] = problems
            continue
        article.status = Article.Status.PUBLISHED
        if article.publish_at is None:
            article.publish_at = now
        article.published_by = by
        article.save(update_fields=["status", "publish_at", "published_by", "updated_at"])
        logger.info(
            "article %s “%s” published by %s for %s",
            article.pk,
            article.headline,
            by,
            article.publish_at.isoformat(),
        )
        outcome.done.append(article)
    return outcome


@transaction.atomic
def unpublish(articles: Iterable[Article], *, by) -> Outcome:
    """Take articles off the site, back to draft; their text and publication time are kept."""
    if not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionError(NO_PERMISSION)
    outcome = Outcome()
    for article in articles:
        if article.status != Article.Status.PUBLISHED:
            outcome.refused[article] = ["it is not published"]
            continue
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status", "updated_at"])
        logger.info("article %s “%s” unpublished by %s", article.pk, article.headline, by)
        outcome.done.append(article)
    return outcome
