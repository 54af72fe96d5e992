"""An embed: what a provider told us, once, about one address pasted in an article body."""

from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pictures.models import Image

MAX_URL_LENGTH = 2000
NOT_AN_ADDRESS = "Give a web address starting with https:// (or http://)."
TOO_LONG = f"A web address may be at most {MAX_URL_LENGTH} characters."


def normalise_url(url: str) -> str:
    """The address as stored and looked up: trimmed, scheme and host in lower case, without the
    part after #. Raises ValidationError for anything but an http(s) address."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise ValidationError(NOT_AN_ADDRESS, code="invalid") from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(NOT_AN_ADDRESS, code="invalid")
    url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(TOO_LONG, code="too_long")
    return url


class EmbedQuerySet(models.QuerySet):
    def for_urls(self, urls) -> dict[str, "Embed"]:
        """{address as written: its embed} for the addresses that have one, in one query."""
        wanted = {}
        for url in urls:
            try:
                wanted[url] = normalise_url(url)
            except ValidationError:
                continue
        found = {
            embed.url: embed
            for embed in self.filter(url__in=set(wanted.values())).select_related("thumbnail")
        }
        return {url: found[key] for url, key in wanted.items() if key in found}


class Embed(models.Model):
    """One embedded address and what its provider's oEmbed endpoint answered about it."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for the provider"
        READY = "ready", "ready"
        FAILED = "failed", "failed: shown as a link"

    url = models.URLField(
        "address",
        max_length=MAX_URL_LENGTH,
        unique=True,
        help_text="The post, video or chart's own address, as pasted in the body.",
    )
    provider = models.CharField(
        "provider",
        max_length=50,
        blank=True,
        help_text="Who serves it, from the site's list of providers; empty if no one we know.",
    )
    status = models.CharField(
        "status",
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        help_text="Readers see the provider's content (after pressing a button) only when ready; "
        "otherwise a link.",
    )
    title = models.CharField(
        "title", max_length=300, blank=True, help_text="The title the provider gave."
    )
    author_name = models.CharField(
        "author", max_length=200, blank=True, help_text="Who made it, as the provider says."
    )
    provider_name = models.CharField(
        "provider's name",
        max_length=100,
        blank=True,
        help_text="The provider's name for itself, as it answered.",
    )
    html = models.TextField(
        "markup",
        blank=True,
        help_text="The provider's markup with everything but the frame or the post's text and "
        "links removed.",
    )
    frame_url = models.URLField(
        "frame address",
        max_length=MAX_URL_LENGTH,
        blank=True,
        help_text="What the player loads once a reader presses play (YouTube's cookie-less "
        "address for YouTube).",
    )
    width = models.PositiveIntegerField(
        "width", null=True, blank=True, help_text="The player's width, for its shape."
    )
    height = models.PositiveIntegerField(
        "height", null=True, blank=True, help_text="The player's height, for its shape."
    )
    thumbnail = models.ForeignKey(
        Image,
        verbose_name="thumbnail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The provider's preview picture, copied into the picture library: readers "
        "get it from us.",
    )
    attempts = models.PositiveSmallIntegerField(
        "attempts", default=0, help_text="How many times the provider was asked."
    )
    error = models.TextField(
        "error", blank=True, help_text="Why the last attempt failed, if it did."
    )
    fetched_at = models.DateTimeField(
        "asked at", null=True, blank=True, help_text="When the provider last answered."
    )
    created_at = models.DateTimeField(
        "added", auto_now_add=True, help_text="When the address was first pasted."
    )

    objects = EmbedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "ready", "failed"]), name="embed_status_known"
            )
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""
