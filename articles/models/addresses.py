"""Addresses: an article's slug, made unique, and its former slugs, each redirecting to it."""

from django.db import models
from django.utils.text import slugify


class FormerSlug(models.Model):
    """An address an article had before its slug changed; it redirects to the article."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="former_slugs"
    )

    class Meta:
        verbose_name = "former address"
        verbose_name_plural = "former addresses"

    def __str__(self):
        return self.slug


def unique_slug(model, text: str, *, exclude_pk=None) -> str:
    """A slug made from `text` that no other row of `model` has."""
    base = slugify(text)[:180] or "article"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
