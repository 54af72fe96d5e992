"""Where live updates use a library picture, for the picture's desk page."""

from django.db.models import Q
from django.urls import reverse

from live.models import LiveUpdate
from pictures.usage import Use, in_body


def uses(picture_id: int) -> list[Use]:
    updates = (
        LiveUpdate.objects.filter(Q(image=picture_id) | Q(body__contains=in_body(picture_id)))
        .select_related("article")
        .only("headline", "body", "posted_at", "article__headline")
        .order_by("-posted_at")[:200]
    )
    return [
        Use(
            "In a live update",
            f"{update.article.headline} — {update.headline or update.excerpt}",
            reverse("admin:live_liveupdate_change", args=[update.pk]),
        )
        for update in updates
    ]
