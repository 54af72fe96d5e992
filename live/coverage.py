"""Live coverage: who may post to a live page, and each change to its updates, recorded in
the revision history and the desk log; each sends `events.live_page_updated`."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles import events as article_events
from articles.models import Article, Revision
from audit import log
from live import events
from live.models import LiveUpdate

MAX_KEY_POINTS = 5


def may_post(user, article: Article) -> bool:
    """Editors post to any live page; writers to live pages they are bylined on."""
    if not article.live_from or not user.is_active:
        return False
    if user.has_perm("articles.publish_article"):
        return True
    return (
        user.has_perm("live.add_liveupdate") and article.bylines.filter(author__user=user).exists()
    )


def may_pin(user) -> bool:
    return user.has_perm("articles.publish_article")


def _check(user, article) -> None:
    if not may_post(user, article):
        raise PermissionDenied("Only editors, and writers bylined on this live page, may do this.")


def _history(update: LiveUpdate, *, by, what: str, action: str) -> None:
    """The change in the article's revision history (its words as they stand, with a note)
    and in the desk log."""
    article = update.article
    note = f"{what}: {update}"[:200]
    Revision.objects.create(
        article=article,
        created_by=by,
        note=note,
        headline=article.headline,
        standfirst=article.standfirst,
        body=article.body,
    )
    log.record_article(action, article, by=by, detail=note)


@transaction.atomic
def post(article: Article, *, by, body: str, headline: str = "", image=None) -> LiveUpdate:
    _check(by, article)
    update = LiveUpdate(article=article, headline=headline, body=body, image=image, posted_by=by)
    update.full_clean()
    update.save()
    _history(update, by=by, what=f"Live update {update.pk} posted", action=log.Action.LIVE_POST)
    events.live_page_updated.send(sender=LiveUpdate, article=article)
    return update


@transaction.atomic
def correct(update: LiveUpdate, *, by, body: str, headline: str, image=None) -> LiveUpdate:
    """Change an update's words; readers see that it was corrected, and when."""
    _check(by, update.article)
    update.headline, update.body, update.image = headline, body, image
    update.corrected_at, update.corrected_by = timezone.now(), by
    update.full_clean()
    update.save()
    _history(
        update, by=by, what=f"Live update {update.pk} corrected", action=log.Action.LIVE_CORRECT
    )
    events.live_page_updated.send(sender=LiveUpdate, article=update.article)
    return update


@transaction.atomic
def delete(update: LiveUpdate, *, by) -> None:
    _check(by, update.article)
    _history(update, by=by, what=f"Live update {update.pk} deleted", action=log.Action.LIVE_DELETE)
    update.delete()
    events.live_page_updated.send(sender=LiveUpdate, article=update.article)


@transaction.atomic
def set_key_point(update: LiveUpdate, pinned: bool, *, by) -> LiveUpdate:
    """Pin an update as a key point (at most MAX_KEY_POINTS a page), or unpin it."""
    if not may_pin(by):
        raise PermissionDenied("Only editors choose the key points.")
    article = Article.objects.select_for_update().get(pk=update.article_id)
    pinned_now = article.live_updates.filter(is_key_point=True)
    if pinned and not update.is_key_point and pinned_now.count() >= MAX_KEY_POINTS:
        raise ValidationError(
            f"A live page has at most {MAX_KEY_POINTS} key points: unpin one first."
        )
    update.is_key_point = pinned
    update.save(update_fields=["is_key_point"])
    what = "pinned as a key point" if pinned else "no longer a key point"
    log.record_article(log.Action.KEY_POINT, article, by=by, detail=f"{update}: {what}")
    events.live_page_updated.send(sender=LiveUpdate, article=article)
    return update


@transaction.atomic
def end_coverage(article: Article, *, by, at=None) -> Article:
    before = article_events.Listing.of(article)
    article.live_until = at or timezone.now()
    article.updated_by = by
    article.save()
    log.record_article(log.Action.LIVE_END, article, by=by)
    article_events.live_changes_published.send(sender=Article, article=article, before=before)
    return article


def page_size() -> int:
    return settings.LIVE_UPDATES_PER_PAGE


def page_holding(article: Article, update_id) -> int:
    """The page of the newest-first list that holds an update (1 when it is not there)."""
    try:
        found = article.live_updates.filter(pk=int(update_id)).values_list("posted_at", "pk")
    except (ValueError, TypeError):
        return 1
    found = found.first()
    if found is None:
        return 1
    posted_at, pk = found
    newer = article.live_updates.filter(
        Q(posted_at__gt=posted_at) | Q(posted_at=posted_at, pk__gt=pk)
    ).count()
    return newer // page_size() + 1
