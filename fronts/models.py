"""Fronts: the home page and each section's page as editors arrange them.

A `Front` is one page (the home page, or a section's page 1). What it shows is its live
`Arrangement`: the newest whose `live_from` has come. Scheduling a change is storing an
arrangement with a later `live_from`: it is simply not live yet (as an article's future
`publish_at`), and pages cached meanwhile end at that time (`fronts/purging.py`). The editor
works on the front's `draft`, which readers never see, and publishes or schedules it.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from articles.models import Topic


class ArrangementQuerySet(models.QuerySet):
    def live(self, now=None):
        """Arrangements whose time has come, the one readers see first."""
        return self.filter(live_from__lte=now or timezone.now()).order_by("-live_from", "-pk")

    def scheduled(self, now=None):
        """Arrangements still to come, soonest first."""
        return self.filter(live_from__gt=now or timezone.now()).order_by("live_from", "pk")


class Front(models.Model):
    topic = models.OneToOneField(
        Topic,
        verbose_name="section",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="front",
        help_text="The section whose page this is; empty for the home page.",
    )
    draft = models.JSONField(
        "arrangement being prepared",
        null=True,
        blank=True,
        editable=False,
        help_text="The arrangement editors are working on; readers never see it.",
    )
    draft_changed_at = models.DateTimeField("draft changed", null=True, blank=True, editable=False)

    class Meta:
        ordering = [models.F("topic__name").asc(nulls_first=True)]
        constraints = [
            # One front per page: the home page (no section) included.
            models.UniqueConstraint(
                Coalesce("topic", 0),
                name="one_front_per_page",
                violation_error_message="That page has a front already: arrange it from the list.",
            ),
        ]

    def __str__(self):
        return f"{self.topic.name} front" if self.topic_id else "Home page front"

    def get_absolute_url(self):
        return self.topic.get_absolute_url() if self.topic_id else reverse("fronts:home")


class Arrangement(models.Model):
    front = models.ForeignKey(
        Front,
        verbose_name="front",
        on_delete=models.CASCADE,
        related_name="arrangements",
        help_text="The page this arrangement is for.",
    )
    layout = models.JSONField(
        "blocks", help_text="The blocks in order, with their slots and pins (fronts/layout.py)."
    )
    live_from = models.DateTimeField(
        "live from", default=timezone.now, help_text="When readers start seeing it."
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="made by",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text="Who published or scheduled it.",
    )
    made_at = models.DateTimeField(
        "made", default=timezone.now, help_text="When it was published or scheduled."
    )

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["-live_from", "-pk"]
        indexes = [models.Index(fields=["front", "-live_from"], name="arrangement_live_idx")]

    def __str__(self):
        return f"{self.front} from {timezone.localtime(self.live_from):%Y-%m-%d %H:%M}"
