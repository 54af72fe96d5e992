"""Bylines: the authors of an article, in order."""

from django.db import models

from articles.models.authors import Author


class Byline(models.Model):
    """One author of an article, in order."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author,
        verbose_name="author",
        on_delete=models.PROTECT,
        related_name="bylines",
        help_text="Type a name to find the author; add authors in the admin under Authors.",
    )
    order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Lower numbers come first in the byline."
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author")
        ]

    def __str__(self):
        return str(self.author)
