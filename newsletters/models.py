"""Readers' lists and what is sent to them.

A `Newsletter` is a list readers can join (a daily digest, breaking-news alerts, a section's
stories). A `Subscriber` is one e-mail address; it receives nothing until it is confirmed
(double opt-in), and nothing once it has stopped (unsubscribed, bounced, complained). An
`Edition` is one thing sent to one list; a `Delivery` records it reaching one subscriber, and
is what lets a send that stopped halfway resume without sending anyone the edition twice.
Addresses are personal data: erasing a subscriber deletes the row and its deliveries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Newsletter(models.Model):
    class Kind(models.TextChoices):
        DIGEST = "digest", "Digest (the stories since the last edition)"
        ALERTS = "alerts", "Breaking-news alerts (one story each)"
        SECTION = "section", "A section's stories"

    name = models.CharField(
        "name", max_length=100, help_text="As readers see it, e.g. “The Morning Briefing”."
    )
    slug = models.SlugField(
        "address name", max_length=60, unique=True, help_text="Used in links; keep it short."
    )
    description = models.CharField(
        "description",
        max_length=300,
        blank=True,
        help_text="One line under the name on the sign-up form.",
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.DIGEST)
    topic = models.ForeignKey(
        "articles.Topic",
        verbose_name="section",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletters",
        help_text="For a section's list: whose stories it carries.",
    )
    is_offered = models.BooleanField(
        "offered to readers",
        default=True,
        help_text="Untick to take it off the sign-up forms; subscribers keep it.",
    )
    send_at = models.TimeField(
        "sent daily at",
        null=True,
        blank=True,
        help_text="In the site's time zone; empty means editions are sent by hand.",
    )
    position = models.PositiveSmallIntegerField(
        "position", default=0, help_text="Order on the sign-up form."
    )
    created_at = models.DateTimeField("created", default=timezone.now)

    class Meta:
        verbose_name = "newsletter"
        verbose_name_plural = "newsletters"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """The only definition of "may be sent an edition": confirmed and not stopped."""
        return self.filter(confirmed_at__isnull=False, stopped_at__isnull=True)


class Subscriber(models.Model):
    class Stopped(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Left every list"
        BOUNCED = "bounced", "Mail to the address bounced (hard)"
        COMPLAINED = "complained", "Marked an edition as spam"

    email = models.EmailField(
        "e-mail",
        max_length=254,
        unique=True,
        help_text="Stored lower-cased; never shown to readers.",
    )
    created_at = models.DateTimeField("signed up", default=timezone.now)
    confirmed_at = models.DateTimeField(
        "confirmed",
        null=True,
        blank=True,
        help_text="When the reader followed the confirmation link.",
    )
    stopped_at = models.DateTimeField(
        "stopped", null=True, blank=True, help_text="Nothing more is sent after this."
    )
    stopped_reason = models.CharField(
        "why stopped", max_length=20, choices=Stopped.choices, blank=True
    )
    newsletters = models.ManyToManyField(
        Newsletter, through="Subscription", related_name="subscribers", verbose_name="lists"
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = "subscriber"
        verbose_name_plural = "subscribers"
        ordering = ["pk"]
        # Addresses leave the site only through this permission (a logged CSV export).
        permissions = [("export_subscriber", "Can export subscribers' addresses (CSV)")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Subscription(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField("joined", default=timezone.now)

    class Meta:
        verbose_name = "subscription"
        verbose_name_plural = "subscriptions"
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter"], name="subscription_once")
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.newsletter}"


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="editions")
    subject = models.CharField("subject", max_length=200, help_text="The e-mail's subject line.")
    intro = models.TextField(
        "introduction",
        blank=True,
        help_text="A line or two above the stories (plain text, up to 1,000 characters).",
    )
    stories = models.JSONField(
        "stories",
        default=list,
        blank=True,
        help_text="The stories' ids, in the order they are sent.",
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name="alert for",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="For a breaking-news alert: its one story (at most one alert per story).",
    )
    window_start = models.DateTimeField("stories published from", null=True, blank=True)
    window_end = models.DateTimeField("stories published until", null=True, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    send_after = models.DateTimeField(
        "send at", null=True, blank=True, help_text="When a scheduled edition goes."
    )
    started_at = models.DateTimeField("sending started", null=True, blank=True)
    finished_at = models.DateTimeField("sending finished", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("created", default=timezone.now)

    class Meta:
        verbose_name = "edition"
        verbose_name_plural = "editions"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(article__isnull=False),
                name="edition_one_alert_per_story",
            )
        ]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One edition to one subscriber: written before the message goes, settled after."""

    class Status(models.TextChoices):
        SENDING = "sending", "Being sent"
        ACCEPTED = "accepted", "Accepted by the mail server"
        REFUSED = "refused", "Refused by the mail server"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.SENDING
    )
    answer = models.CharField("server's answer", max_length=300, blank=True)
    at = models.DateTimeField("when", default=timezone.now)

    class Meta:
        verbose_name = "delivery"
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["edition", "subscriber"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["edition", "status"], name="delivery_status_idx")]

    def __str__(self):
        return f"{self.edition} → {self.subscriber}: {self.get_status_display()}"
