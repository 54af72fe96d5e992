"""Related stories: the ones editors choose for a story, and the list readers see under it.

Editors choose up to four (`RelatedChoice`, in order, part of the story's content and so
staged with its other changes). What readers see is kept apart (`RelatedLink`): the choices
first, then stories sharing its topics or its words, written by `articles/related.py` when the
story or one of its neighbours is published, changed, unpublished or deleted, never on a view.
"""

from django.db import models
from django.db.models import F, Q

# The most related stories an editor may choose for one story.
MAX_CHOSEN = 4


class RelatedChoice(models.Model):
    """A story an editor chose to show under another, in order."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="related_choices"
    )
    related = models.ForeignKey(
        "articles.Article",
        verbose_name="related story",
        on_delete=models.CASCADE,
        related_name="chosen_by",
        help_text="Type words of its headline to find it. Readers see it once it is published.",
    )
    order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Lower numbers come first under the story."
    )

    class Meta:
        verbose_name = "related story"
        verbose_name_plural = "related stories"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "related"],
                name="one_choice_per_related_story",
                violation_error_message="This story is chosen twice.",
            ),
            models.CheckConstraint(
                condition=~Q(related=F("article")),
                name="related_story_is_another_story",
                violation_error_message="A story cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return str(self.related)  # the desk reads the rows with their stories


class RelatedLink(models.Model):
    """One story in the related list readers see under another, at its place: derived from
    the choices, the topics and the words, and kept by `articles/related.py`."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="related_links"
    )
    related = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="listed_by"
    )
    position = models.PositiveSmallIntegerField(
        "position", help_text="Its place in the list, from 0."
    )
    chosen = models.BooleanField("chosen", default=False, help_text="An editor chose it.")

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_listed_once"),
            models.UniqueConstraint(fields=["article", "position"], name="related_one_per_place"),
        ]

    def __str__(self):
        return f"{self.article_id} → {self.related_id}"
