"""Changes to a published article are staged: saving keeps them as a revision over the live
version (`Article.changes`), which readers do not see until an editor publishes them.

An article's content is one plain dict (`Content`): the words, the section, topics, pictures,
bylines, the related stories editors chose and publication settings, by id. Revisions keep it,
the desk's form opens on it, previews render it, and `publish()` writes it onto the live
article.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from articles import events, workflow
from articles.models import Article, Author, Byline, RelatedChoice, Revision, Topic
from articles.richtext import sanitize_body
from audit import log
from pictures.models import Image

Content = dict  # field name -> value as JSON keeps it (ids, ISO times)

# Revision keeps these three in columns of their own, the rest in its `content`.
WORDS = ("headline", "standfirst", "body")
SCALARS = (
    "slug",
    "search_title",
    "search_description",
    "allow_replies",
)
TIMES = ("publish_at", "live_from", "live_until")
FOREIGN_KEYS = ("primary_topic", "hero_image", "social_image")
FIELDS = WORDS + SCALARS + TIMES + FOREIGN_KEYS + ("topics", "authors", "related")

NOT_PUBLISHED = "Only a published article has changes to stage: save it instead."
NO_CHANGES = "There are no unpublished changes: readers already see this version."


class ChangesError(Exception):
    """A refused step on staged changes; the message is written for the person who tried."""


@dataclass(frozen=True)
class Step:
    """A button on a live article's form: what it says, who may press it, what it does."""

    name: str
    label: str
    permission: str
    done: str


STEPS: tuple[Step, ...] = (
    Step(
        "publish_changes", "Publish changes", workflow.PUBLISH_PERMISSION, "Your changes are live."
    ),
    Step(
        "submit_changes",
        "Submit changes for review",
        workflow.CHANGE_PERMISSION,
        "Your changes are in the review list; readers still see the live version.",
    ),
    Step(
        "discard_changes",
        "Discard changes",
        workflow.CHANGE_PERMISSION,
        "The changes are discarded (they stay in the revisions); the form shows the live version.",
    ),
)
BY_NAME = {step.name: step for step in STEPS}


def steps(article: Article, user) -> list[Step]:
    """The buttons `user` gets on the live `article`'s form: editors publish what is on screen,
    writers submit it; either may discard changes already kept."""
    if article.status != Article.Status.PUBLISHED or not workflow.can_edit(user, article):
        return []
    if user.has_perm(workflow.PUBLISH_PERMISSION):
        offered = ["publish_changes"]
    else:  # once submitted, they wait for an editor
        offered = [] if article.changes_status == Article.Changes.IN_REVIEW else ["submit_changes"]
    if article.changes_id:
        offered.append("discard_changes")
    return [BY_NAME[name] for name in offered]


def _time(value) -> str | None:
    # To the second, in UTC: as the form shows a time, so that an untouched one is the same.
    return value.astimezone(UTC).replace(microsecond=0).isoformat() if value else None


def of_article(article: Article) -> Content:
    """The content of `article` as it is stored (three queries: its topics, its bylines and
    the related stories chosen for it)."""
    content = {name: getattr(article, name) for name in WORDS + SCALARS}
    content |= {name: _time(getattr(article, name)) for name in TIMES}
    content |= {name: getattr(article, f"{name}_id") for name in FOREIGN_KEYS}
    content["topics"] = sorted(article.topics.values_list("pk", flat=True))
    content["authors"] = list(
        Byline.objects.filter(article=article)
        .order_by("order", "pk")
        .values_list("author_id", flat=True)
    )
    content["related"] = list(
        RelatedChoice.objects.filter(article=article)
        .order_by("order", "pk")
        .values_list("related_id", flat=True)
    )
    return content


def of_form(
    cleaned_data: dict, authors: list[Author], related: list[Article] | None = None
) -> Content:
    """The content an article's form holds: its cleaned data, the bylines typed below it and
    the related stories chosen (when the form showed them). Fields the person may not change
    (a writer's publication time) are not in it."""
    content = {name: cleaned_data[name] for name in WORDS + SCALARS if name in cleaned_data}
    if "body" in content:
        content["body"] = sanitize_body(content["body"] or "")  # as saving it would
    content |= {name: _time(cleaned_data[name]) for name in TIMES if name in cleaned_data}
    content |= {
        name: value.pk if (value := cleaned_data[name]) else None
        for name in FOREIGN_KEYS
        if name in cleaned_data
    }
    if "topics" in cleaned_data:
        content["topics"] = sorted(topic.pk for topic in cleaned_data["topics"] or ())
    content["authors"] = [author.pk for author in authors]
    if related is not None:
        content["related"] = [story.pk for story in related]
    return content


def of_revision(revision: Revision) -> Content:
    return {name: getattr(revision, name) for name in WORDS} | revision.content


def as_revision_fields(content: Content) -> dict:
    """`content` as the keyword arguments of a new Revision."""
    return {name: content.get(name) or "" for name in WORDS} | {
        "content": {k: v for k, v in content.items() if k not in WORDS}
    }


def _assign(article: Article, content: Content) -> None:
    for name in WORDS + SCALARS:
        if name in content:
            setattr(article, name, content[name])
    for name in TIMES:
        if name in content:
            value = content[name]
            setattr(article, name, parse_datetime(value) if isinstance(value, str) else value)
    for name in FOREIGN_KEYS:
        if name in content:
            setattr(article, f"{name}_id", content[name])


def as_article(article: Article, content: Content) -> Article:
    """An unsaved copy of `article` showing `content`, for previews: its section, picture,
    topics and authors read in one query each, nothing written."""
    copy = Article.objects.get(pk=article.pk) if article.pk else Article()
    if article.pk is None:
        copy.status, copy.created_at = article.status, timezone.now()
    _assign(copy, content)
    copy.slug = copy.slug or slugify(copy.headline) or "preview"
    copy.primary_topic = Topic.objects.filter(pk=copy.primary_topic_id).first()
    copy.hero_image = Image.objects.filter(pk=copy.hero_image_id).first()
    by_id = Author.objects.in_bulk(content.get("authors") or [])
    copy.staged_authors = [by_id[pk] for pk in content.get("authors") or [] if pk in by_id]
    copy.staged_topics = list(Topic.objects.filter(pk__in=content.get("topics") or []))
    return copy


def problems(article: Article, content: Content) -> list[str]:
    """What the content lacks before it may go live (the workflow's rule for publishing)."""
    copy = Article(primary_topic_id=content.get("primary_topic"), body=content.get("body"))
    return workflow.publish_problems(copy, author_count=len(content.get("authors") or []))


@transaction.atomic
def stage(
    article: Article, content: Content, *, by, submit: bool = False, note: str = ""
) -> Revision | None:
    """Keep `content` as the draft of changes over the live `article`; readers see nothing of
    it. With `submit`, the changes go to the editors' review list. Content the same as the live
    version leaves no changes; the same as the changes already kept adds no revision."""
    stored = (
        Article.objects.select_for_update(of=("self",)).select_related("changes").get(pk=article.pk)
    )
    if stored.status != Article.Status.PUBLISHED:
        raise ChangesError(NOT_PUBLISHED)
    live = of_article(stored)
    staged = of_revision(stored.changes) if stored.changes_id else None
    content = {**(staged or live), **content}  # what the form did not hold stays as it was
    revision = None
    if content == live:
        state, kept = Article.Changes.NONE, None
        last = article.revisions.first()
        if not last or of_revision(last) != live:
            revision = Revision.objects.create(
                article=article, created_by=by, note=note, **as_revision_fields(live)
            )
    elif content == staged:
        kept = stored.changes
        state = Article.Changes.IN_REVIEW if submit else stored.changes_status
    else:
        if not article.revisions.exists():
            # The live version is in the history before the first changes over it.
            Revision.objects.create(
                article=article, created_by=by, note="The live version", **as_revision_fields(live)
            )
        kept = revision = Revision.objects.create(
            article=article,
            created_by=by,
            note=note or "Changes saved over the live version",
            **as_revision_fields(content),
        )
        state = Article.Changes.IN_REVIEW if submit else Article.Changes.DRAFT
    # An update, not save(): no reader sees this, so no purge and no signal.
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        changes=kept, changes_status=state, updated_by=by, updated_at=now
    )
    article.changes, article.changes_status = kept, state
    article.updated_by, article.updated_at = by, now
    if submit and kept:
        log.record_article(log.Action.CHANGES_SUBMITTED, article, by=by)
    return revision


def write(article: Article, content: Content, *, by) -> None:
    """Write `content` onto the stored article: fields, topics and bylines. Callers hold the
    transaction; a published article's readers see the change once it commits."""
    _assign(article, content)
    article.changes, article.changes_status = None, Article.Changes.NONE
    article.updated_by = by
    article.save()
    article.topics.set(content.get("topics") or [])
    authors = content.get("authors") or []
    Byline.objects.filter(article=article).exclude(author__in=authors).delete()
    kept = {b.author_id: b for b in Byline.objects.filter(article=article)}
    for order, author in enumerate(authors):
        if byline := kept.get(author):
            if byline.order != order:
                byline.order = order
                byline.save(update_fields=["order"])
        else:
            Byline.objects.create(article=article, author_id=author, order=order)
    if "related" in content:  # revisions made before related stories were chosen have none
        write_related(article, content["related"] or [])


def write_related(article: Article, related: list[int]) -> None:
    """The related stories chosen for `article`, in this order (the story itself left out)."""
    related = [pk for pk in dict.fromkeys(related) if pk != article.pk]
    kept = {c.related_id: c for c in RelatedChoice.objects.filter(article=article)}
    RelatedChoice.objects.filter(article=article).exclude(related__in=related).delete()
    for order, pk in enumerate(related):
        if choice := kept.get(pk):
            if choice.order != order:
                choice.order = order
                choice.save(update_fields=["order"])
        else:
            RelatedChoice.objects.create(article=article, related_id=pk, order=order)


@transaction.atomic
def publish(article: Article, *, by, now: datetime | None = None) -> Article:
    """Make the staged changes live (editors only), or raise ChangesError saying why not."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not by.has_perm(workflow.PUBLISH_PERMISSION):
        raise ChangesError("Only editors publish changes; submit them for review instead.")
    if article.changes_id is None:
        raise ChangesError(NO_CHANGES)
    content = of_revision(article.changes)
    if missing := problems(article, content):
        raise ChangesError(f"To publish these changes, {', '.join(missing)}.")
    if not content.get("publish_at"):
        content["publish_at"] = _time(article.publish_at or now or timezone.now())
    before = events.Listing.of(article, with_people=True)
    write(article, content, by=by)
    log.record_article(log.Action.CHANGES_PUBLISHED, article, by=by)
    events.live_changes_published.send(sender=Article, article=article, before=before)
    return article


def take(step: Step, article: Article, *, by) -> None:
    """Take one of the live form's steps (`STEPS`) on `article`, or raise ChangesError."""
    if not by.has_perm(step.permission) or not workflow.can_edit(by, article):
        raise ChangesError(f"You may not “{step.label.lower()}” on this article.")
    {"publish_changes": publish, "submit_changes": submit, "discard_changes": discard}[step.name](
        article, by=by
    )


@transaction.atomic
def submit(article: Article, *, by) -> None:
    """Put the staged changes in the editors' review list; the live version stays."""
    if article.changes_id is None:
        raise ChangesError(NO_CHANGES)
    if article.changes_status == Article.Changes.IN_REVIEW:
        return  # submitted with the save that kept them
    Article.objects.filter(pk=article.pk).update(changes_status=Article.Changes.IN_REVIEW)
    article.changes_status = Article.Changes.IN_REVIEW
    log.record_article(log.Action.CHANGES_SUBMITTED, article, by=by)


@transaction.atomic
def discard(article: Article, *, by) -> None:
    """Drop the staged changes: the form opens on the live version again. The revision stays
    in the history, so even discarded changes can be restored."""
    if article.changes_id is None:
        raise ChangesError(NO_CHANGES)
    Article.objects.filter(pk=article.pk).update(
        changes=None, changes_status=Article.Changes.NONE, updated_by=by, updated_at=timezone.now()
    )
    article.changes, article.changes_status = None, Article.Changes.NONE
    log.record_article(log.Action.CHANGES_DISCARDED, article, by=by)
