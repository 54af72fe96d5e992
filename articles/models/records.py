"""An article's records: revisions, working copies and preview links."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.article import Article


class Revision(models.Model):
    """An article as one save left it: who, when, and everything a reader sees of it (the
    headline, standfirst and body in columns of their own, the rest in `content`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField("saved", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saved by",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    headline = models.CharField("headline", max_length=200)
    standfirst = models.TextField("standfirst", blank=True)
    body = models.TextField("body", blank=True)
    content = models.JSONField(
        "other fields",
        default=dict,
        blank=True,
        help_text="The section, topics, pictures, bylines and publication settings, by id.",
    )
    note = models.CharField("note", max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-created_at"], name="revision_article_idx")]

    def __str__(self):
        return f"{self.article} — {self.created_at:%Y-%m-%d %H:%M}"


class WorkingCopy(models.Model):
    """What one editor had in an article's form when it was last autosaved. Never a revision
    and never shown to readers: the form offers it back when it is newer than the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="working_copies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField("autosaved", default=timezone.now)
    fields = models.JSONField("form fields", default=list, help_text="[name, value] pairs.")

    class Meta:
        verbose_name = "working copy"
        verbose_name_plural = "working copies"
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_working_copy_per_editor")
        ]

    def __str__(self):
        return f"{self.user}'s working copy of {self.article}"


class PreviewLink(models.Model):
    """A signed, expiring link that shows one unpublished article to someone without an account."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_at = models.DateTimeField("made", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField("expires")
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.article} made {self.created_at:%Y-%m-%d %H:%M}"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at
