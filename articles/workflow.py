"""The editorial workflow: who may edit an article, and which status may follow which.

One table, `TRANSITIONS`, says it all; the admin's buttons, its list actions and the status
field on the change form all go through `transition()`. A future `publish_at` schedules an
article: it becomes visible then, with no job to run.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from articles import events
from articles.models import Article
from audit import log

Status = Article.Status

PUBLISH_PERMISSION = "articles.publish_article"
CHANGE_PERMISSION = "articles.change_article"

NEEDS_SECTION = "choose a section"
NEEDS_AUTHOR = "add at least one author"
NEEDS_BODY = "write the body"


class TransitionError(Exception):
    """A transition that is not allowed; the message is written for the person who tried."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str
    action: str  # the desk log's entry
    done: str  # "3 articles <done>."


D, R, P, A = Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED

TRANSITIONS: tuple[Transition, ...] = (
    #          name         label                       from           to  who may
    Transition("submit",    "Submit for review",        frozenset({D}),       R, CHANGE_PERMISSION,
               log.Action.SUBMIT, "submitted for review"),
    Transition("withdraw",  "Back to draft",            frozenset({R}),       D, CHANGE_PERMISSION,
               log.Action.WITHDRAW, "sent back to draft"),
    Transition("publish",   "Publish",                  frozenset({D, R}),    P, PUBLISH_PERMISSION,
               log.Action.PUBLISH, "published"),
    Transition("unpublish", "Unpublish",                frozenset({P}),       D, PUBLISH_PERMISSION,
               log.Action.UNPUBLISH, "unpublished and back to draft"),
    Transition("archive",   "Archive",                  frozenset({D, R, P}), A, PUBLISH_PERMISSION,
               log.Action.ARCHIVE, "archived"),
    Transition("restore",   "Restore from the archive", frozenset({A}),       D, PUBLISH_PERMISSION,
               log.Action.RESTORE, "restored to draft"),
)  # fmt: skip
BY_NAME = {t.name: t for t in TRANSITIONS}


def is_own(user, article: Article) -> bool:
    """The user started the article or is one of its authors."""
    if not user.is_authenticated or article.pk is None:
        return article.pk is None
    if article.created_by_id == user.pk:
        return True
    return any(author.user_id == user.pk for author in article.byline_authors)


def can_edit(user, article: Article | None) -> bool:
    """Editors edit everything; writers their own articles unless archived. On a published
    article every save is kept as changes over the live version (`articles.changes`), which
    only editors publish."""
    if not user.has_perm(CHANGE_PERMISSION):
        return False
    if article is None or user.has_perm(PUBLISH_PERMISSION):
        return True
    return article.status != Status.ARCHIVED and is_own(user, article)


def can_preview(user, article: Article) -> bool:
    """The authors and editors may preview; so may anyone who may edit it."""
    return user.has_perm(PUBLISH_PERMISSION) or (
        user.has_perm("articles.view_article") and is_own(user, article)
    )


def may(user, article: Article | None, transition: Transition) -> bool:
    """Whether `user` holds the transition's permission and may edit the article at all."""
    return user.has_perm(transition.permission) and can_edit(user, article)


def allowed(article: Article, user) -> list[Transition]:
    """The transitions `user` may make on `article` now, for buttons and menus."""
    return [t for t in TRANSITIONS if article.status in t.sources and may(user, article, t)]


def find(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if source in t.sources and t.target == target), None)


def refusal(article: Article, transition: Transition, *, user, content: bool = True) -> str:
    """Why `user` may not make `transition` on `article` now, for them to read; empty when
    they may. The one check behind the buttons, the list actions and the status field.
    `content=False` leaves out what the article lacks (the change form, whose typed content is
    not on the article yet, has its bylines checked by `publish_problems`)."""
    if article.status not in transition.sources:
        return (
            f"“{article.headline}” is {article.get_status_display().lower()}: "
            f"it cannot be sent to “{transition.label}”."
        )
    if not may(user, article, transition):
        return f"You may not “{transition.label.lower()}” “{article.headline}”: " + (
            "only editors publish, unpublish and archive."
            if transition.permission == PUBLISH_PERMISSION
            else "writers change only their own unpublished articles."
        )
    if (
        content
        and transition.target == Status.PUBLISHED
        and (problems := publish_problems(article))
    ):
        return f"To publish “{article.headline}”, {', '.join(problems)}."
    return ""


def check(article: Article, transition: Transition, *, user) -> None:
    """Raise TransitionError, with a message for `user`, unless they may make `transition`."""
    if reason := refusal(article, transition, user=user):
        raise TransitionError(reason)


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


def apply(article: Article, transition: Transition, *, by, now=None) -> None:
    """Make a checked transition and log it; callers hold the transaction."""
    now = now or timezone.now()
    action = transition.action
    before, was_published = events.Listing.of(article), article.status == Status.PUBLISHED
    article.status = transition.target
    fields = ["status", "updated_at", "updated_by"]
    if transition.target == Status.PUBLISHED:
        if article.publish_at is None or article.publish_at <= now:
            article.publish_at = now
        else:
            action = log.Action.SCHEDULE
        article.published_by = by
        fields += ["publish_at", "published_by"]
    article.updated_by = by
    article.save(update_fields=fields)
    when = (
        f"for {timezone.localtime(article.publish_at):%Y-%m-%d %H:%M}" if article.publish_at else ""
    )
    log.record_article(
        action, article, by=by, detail=when if transition.target == Status.PUBLISHED else ""
    )
    if transition.target == Status.PUBLISHED:
        events.article_published.send(sender=Article, article=article, before=before)
    elif was_published:
        events.article_unpublished.send(sender=Article, article=article, before=before)


@transaction.atomic
def transition(article: Article, name: str, *, by, now=None) -> Article:
    """Move one article through the named transition, or raise TransitionError."""
    if name not in BY_NAME:
        raise TransitionError(f"There is no step called “{name}”.")
    check(article, BY_NAME[name], user=by)
    apply(article, BY_NAME[name], by=by, now=now)
    return article


@dataclass
class Outcome:
    done: list[Article] = field(default_factory=list)
    refused: dict[Article, str] = field(default_factory=dict)


@transaction.atomic
def transition_many(articles: Iterable[Article], name: str, *, by, now=None) -> Outcome:
    """The list actions: each article that may move does; each that may not says why."""
    outcome = Outcome()
    for article in articles:
        try:
            transition(article, name, by=by, now=now)
        except TransitionError as refusal:
            outcome.refused[article] = str(refusal)
        else:
            outcome.done.append(article)
    return outcome
