"""Authors: the people in bylines."""

from django.conf import settings
from django.db import models

from newsroom.rendering import links
from pictures.models import Image


class Author(models.Model):
    """A byline. Staff writers are linked to their user account; guest authors have none."""

    name = models.CharField("name", max_length=120, help_text="As printed in the byline.")
    slug = models.SlugField(
        "slug", max_length=120, unique=True, help_text="The author page's address: /authors/slug/."
    )
    bio = models.TextField(
        "short biography", max_length=1000, blank=True, help_text="Shown on the author's page."
    )
    photo = models.ForeignKey(
        Image,
        verbose_name="photo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Optional portrait.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="user account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account that writes as this author; empty for guest authors.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("articles:author", self.slug)
