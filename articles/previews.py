"""Shareable preview links: signed, expiring, revocable, and logged."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import PreviewLink
from audit import log

SALT = "newsroom.articles.preview"


def make(article, *, by, now=None) -> tuple[PreviewLink, str]:
    """A new link for `article`, valid for PREVIEW_LINK_HOURS; returns it and its path."""
    now = now or timezone.now()
    with transaction.atomic():
        link = PreviewLink.objects.create(
            article=article,
            created_by=by,
            created_at=now,
            expires_at=now + timedelta(hours=settings.PREVIEW_LINK_HOURS),
        )
        log.record_article(
            log.Action.PREVIEW_MADE,
            article,
            by=by,
            detail=f"link {link.pk}, expires {timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}",
        )
    return link, path(link)


def path(link: PreviewLink) -> str:
    token = signing.dumps({"link": link.pk, "article": link.article_id}, salt=SALT)
    return reverse("articles:preview", kwargs={"token": token})


def resolve(token: str, *, now=None) -> PreviewLink | None:
    """The live link a token stands for; None if tampered with, expired or revoked."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(hours=settings.PREVIEW_LINK_HOURS))
    except signing.BadSignature:
        return None
    link = (
        PreviewLink.objects.filter(pk=data.get("link"), article_id=data.get("article"))
        .select_related("article")
        .first()
    )
    return link if link and link.is_active(now) else None


@transaction.atomic
def revoke(link: PreviewLink, *, by, now=None) -> None:
    link.revoked_at = now or timezone.now()
    link.revoked_by = by
    link.save(update_fields=["revoked_at", "revoked_by"])
    log.record_article(log.Action.PREVIEW_REVOKED, link.article, by=by, detail=f"link {link.pk}")
