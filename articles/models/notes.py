"""Notes on an article: dated corrections and updates."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.article import Article


class ArticleNote(models.Model):
    """A dated correction (shown at the top of the article) or update (at the foot)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update or clarification"

    # What readers see above the note: a plain word, where the desk's label explains the kind.
    READER_LABELS = {Kind.CORRECTION: "Correction", Kind.UPDATE: "Update"}

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="A correction fixes an error and is shown at the top; an update or "
        "clarification adds to the story and is shown at the foot.",
    )
    text = models.TextField(
        "note", max_length=1000, help_text="What changed, in a sentence or two, as readers see it."
    )
    noted_at = models.DateTimeField(
        "date", default=timezone.now, help_text="Shown beside the note; usually now."
    )

    class Meta:
        ordering = ["noted_at", "pk"]
        verbose_name = "update or correction"
        verbose_name_plural = "updates and corrections"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A note moves the article's honest "Updated" time: every article with notes has one,
        # so its page reads its notes only then.
        Article.objects.filter(pk=self.article_id).filter(
            Q(modified_at__isnull=True) | Q(modified_at__lt=self.noted_at)
        ).update(modified_at=self.noted_at)

    @property
    def reader_label(self) -> str:
        """The note's label on readers' pages ("Correction", "Update")."""
        return self.READER_LABELS.get(self.kind, self.get_kind_display())
