"""The picture library: originals made safe, and their renditions."""

import logging

from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_tasks import task

from newsroom.rendering import links
from pictures import events
from pictures.renditions import (
    delete_files,
    delete_renditions,
    make_renditions,
    normalise,
    rendition_key,
    rendition_names,
    validate_image_file,
)

logger = logging.getLogger(__name__)


class Image(models.Model):
    """A picture with the words that go with it; reused across articles and authors."""

    file = models.ImageField(
        "file",
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text="A JPEG, PNG, WebP or GIF file, at most 20 MB.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it. Required.",
    )
    caption = models.CharField(
        "caption", max_length=300, blank=True, help_text="Shown under the picture."
    )
    credit = models.CharField(
        "credit",
        max_length=120,
        blank=True,
        help_text="Photographer or agency, e.g. “Jane Doe/AP”.",
    )
    focal_x = models.FloatField(
        "focal point, across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right. Click or tap the picture above to set the "
        "point, or focus it and move the point with the arrow keys.",
    )
    focal_y = models.FloatField(
        "focal point, down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom. Crops keep this point in frame.",
    )
    renditions = models.JSONField("renditions", default=dict, blank=True, editable=False)
    created_at = models.DateTimeField("uploaded", auto_now_add=True)

    class Meta:
        db_table = "articles_image"  # the table the articles app made, kept
        verbose_name = "picture"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        if self.file and self.file.name != getattr(self, "_stored_file", None):
            self._normalise_file()
        super().save(*args, **kwargs)
        self._stored_file = self.file.name
        if self.renditions_in_background and self._renditions_stale():
            # Queued with the picture, in its transaction: the upload answers at once.
            make_renditions_later.enqueue(self.pk)
        else:
            self.refresh_renditions()

    # The admin asks for renditions in the background; scripts and imports make them at once.
    renditions_in_background = False

    def _renditions_stale(self) -> bool:
        return bool(self.file) and self.renditions.get("key") != rendition_key(self)

    def refresh_renditions(self) -> bool:
        """Make the renditions unless current ones exist (made once per file and focal
        point), and remove the ones they replace. Returns whether any were made."""
        if not self._renditions_stale():
            return False
        old, self.renditions = self.renditions, make_renditions(self)
        super().save(update_fields=["renditions"])
        delete_renditions(old, keep=rendition_names(self.renditions))
        events.renditions_made.send(sender=Image, image=self)
        return True

    @classmethod
    def from_db(cls, db, field_names, values):
        image = super().from_db(db, field_names, values)
        image._stored_file = image.__dict__.get("file")
        return image

    def _normalise_file(self):
        """A new file is stored upright and without EXIF, so no location ever leaks."""
        self.file.open("rb")
        try:
            data, width, height, _ = normalise(self.file.read())
        finally:
            self.file.close()
        if self.file._committed:  # already written as uploaded: that copy must not stay
            self.file.storage.delete(self.file.name)
        name = self.file.name.rsplit("/", 1)[-1]
        self.file.save(name, ContentFile(data, name=name), save=False)
        self.width, self.height = width, height

    def rendition(self, spec: str, fmt: str = "JPEG"):
        """The (width, height, url) rows of one kind of rendition, smallest first."""
        rows = (self.renditions.get(spec) or {}).get(fmt) or []
        return [(row[0], row[1], links.media_url(row[2])) for row in rows]

    def rendition_or_original(self, spec: str, fmt: str = "JPEG"):
        """As `rendition()`; until renditions exist (a picture saved outside the app), the
        original as the only row."""
        return self.rendition(spec, fmt) or [(self.width, self.height, self.file.url)]

    @property
    def for_editors(self) -> tuple[int, int, str]:
        """A modest size (about 640 pixels wide) as (width, height, url): what the body keeps
        as a picture's address, for the editor and for feeds. Readers get every size."""
        rows = self.rendition_or_original("full")
        return next((row for row in rows if row[0] >= 640), rows[-1])

    @property
    def social(self) -> tuple[int, int, str] | None:
        """The social crop (`renditions.SPECS`) as (width, height, url), None before renditions."""
        made = self.renditions.get("social")
        return (made[0], made[1], links.media_url(made[2])) if made else None

    @property
    def social_bytes(self) -> int | None:
        """The social crop's size in bytes (feeds' enclosures), None before renditions."""
        social = self.renditions.get("social")
        return social[3] if social else None

    @property
    def social_name(self) -> str:
        """The social crop's name in storage, or "" before renditions exist."""
        social = self.renditions.get("social")
        return social[2] if social else ""

    @property
    def social_url(self) -> str:
        return links.media_url(self.social_name) if self.social_name else ""


@task()
def make_renditions_later(image_pk: int) -> bool:
    """A worker makes an uploaded picture's renditions (newsroom/tasks/); `renditions_made`
    purges the pages showing it, which showed the original until then. Returns whether any
    were made."""
    image = Image.objects.filter(pk=image_pk).first()
    if image is None:
        return False  # deleted meanwhile
    made = image.refresh_renditions()
    if made:
        logger.info("renditions made for picture %s", image_pk)
    return made


@receiver(post_delete, sender=Image)
def _delete_image_files(sender, instance, **kwargs):
    transaction.on_commit(lambda: delete_files(instance))
