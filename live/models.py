"""Live coverage: the short, timestamped updates of a live page (an article with `live_from`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField

from articles.body import embed_urls
from articles.models import Article
from articles.richtext import BODY_EXTENSIONS, sanitize_body
from embeds.fetch import remember
from pictures.models import Image


class LiveUpdate(models.Model):
    """One update on a live page: what happened, when, and who posted it."""

    article = models.ForeignKey(
        Article, verbose_name="live page", on_delete=models.CASCADE, related_name="live_updates"
    )
    headline = models.CharField(
        "headline",
        max_length=150,
        blank=True,
        help_text="Optional: a few words in bold above the update. Key points show it.",
    )
    body = ProseEditorField(
        "update",
        extensions=BODY_EXTENSIONS,
        sanitize=sanitize_body,
        help_text="What happened, in a few sentences. Links, lists, quotes, pictures from the "
        "library and embeds (a video or post link alone on a line) are kept.",
    )
    image = models.ForeignKey(
        Image,
        verbose_name="picture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Optional: a picture from the library, shown under the update.",
    )
    posted_at = models.DateTimeField("posted", default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="posted by",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    corrected_at = models.DateTimeField("corrected", null=True, blank=True, editable=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="corrected by",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    is_key_point = models.BooleanField(
        "key point",
        default=False,
        help_text="Key points (up to five) are listed at the top of the live page.",
    )

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = "live update"
        db_table = "articles_liveupdate"  # kept from when it was part of the articles app
        indexes = [
            models.Index(fields=["article", "-posted_at", "-id"], name="live_update_page_idx"),
            models.Index(
                fields=["article", "posted_at"],
                condition=Q(is_key_point=True),
                name="live_update_key_point_idx",
            ),
        ]

    def __str__(self):
        return self.headline or self.excerpt

    def save(self, *args, **kwargs):
        self.body = sanitize_body(self.body or "")
        remember(embed_urls(self.body))  # each embed's provider is asked once, in the background
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The update's link: the page of the list that holds it, scrolled to it."""
        return f"{self.article.get_absolute_url()}?update={self.pk}#{self.anchor}"

    @property
    def excerpt(self) -> str:
        return Truncator(" ".join(strip_tags(self.body).split())).chars(80)

    @property
    def anchor(self) -> str:
        return f"update-{self.pk}"
