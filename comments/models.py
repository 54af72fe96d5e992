from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from comments.validators import no_control_characters


class Rule(models.TextChoices):
    """Each check the moderation policy can make; a reply records every one that fired."""

    HONEYPOT = "honeypot", "Hidden field filled in (a bot)"
    TOO_FAST = "too_fast", "Form sent faster than a person types"
    BLOCKED_SENDER = "blocked_sender", "Sender on the block list"
    BLOCKED_WORD = "blocked_word", "Blocked word"
    HELD_SENDER = "held_sender", "Sender on the hold list"
    LINKS = "links", "Many links"
    WATCHED_WORD = "watched_word", "Watched word"
    FIRST_REPLY = "first_reply", "First reply from this e-mail"
    PREMODERATION = "premoderation", "Every reply is checked first"
    KNOWN_REPLIER = "known_replier", "Approved replies before"
    REPORTED = "reported", "Reported by readers"
    DUPLICATE = "duplicate", "Same text posted again"
    RATE_LIMIT = "rate_limit", "Too many replies too fast"
    IMPORTED = "imported", "Held or filtered on the old site (imported)"


class ReplyQuerySet(models.QuerySet):
    def approved(self):
        """The only definition of "shown to readers"."""
        return self.filter(status=Reply.Status.APPROVED)

    def with_rule(self, rule: str):
        return self.filter(rules__contains=f" {rule} ")


def queue_ordering() -> list:
    """Most urgent first: waiting replies (most reported, then oldest), then the rest."""
    waiting_last = models.Case(
        models.When(status=Reply.Status.PENDING, then=0),
        default=1,
        output_field=models.IntegerField(),
    )
    return [waiting_last.asc(), "-report_count", "created_at", "pk"]


class Reply(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(
        "articles.Article", verbose_name="article", on_delete=models.CASCADE, related_name="replies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="in reply to",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    thread = models.ForeignKey(
        "self",
        verbose_name="thread",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The top-level reply this one sits under; empty for a top-level reply.",
    )
    depth = models.PositiveSmallIntegerField("depth", default=0, editable=False)
    name = models.CharField("name", max_length=100, validators=[no_control_characters])
    email = models.EmailField(
        "e-mail",
        max_length=254,
        help_text="Never shown to readers.",
        validators=[no_control_characters],
    )
    website = models.URLField(
        "website",
        max_length=200,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"]), no_control_characters],
    )
    # Its length limit (REPLY_MAX_LENGTH) is the form's, not the schema's: a setting.
    body = models.TextField("reply", validators=[no_control_characters])
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("posted", default=timezone.now)
    rules = models.CharField(
        "rules that fired",
        max_length=300,
        blank=True,
        editable=False,
        help_text="Space-separated rule codes, padded with spaces so each can be searched.",
    )
    moderation_reason = models.TextField("why", blank=True)
    matched_words = models.CharField("words found", max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="moderated by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField("moderated at", null=True, blank=True)
    ip_hash = models.CharField("client (hashed)", max_length=64, blank=True, db_index=True)
    user_agent = models.CharField("browser", max_length=300, blank=True)
    report_count = models.PositiveIntegerField("reports", default=0)
    erased_at = models.DateTimeField(
        "details erased",
        null=True,
        blank=True,
        help_text="When the replier's name, e-mail and website were erased at their request.",
    )
    notify_answers = models.BooleanField(
        "e-mail when answered",
        default=False,
        help_text="The replier asked to be e-mailed when an answer to this reply is approved "
        "(comments/notifications.py). Turned off by their unsubscribe link and by erasure.",
    )
    from_newsroom = models.BooleanField(
        "from the newsroom",
        default=False,
        editable=False,
        help_text="Written by staff from the queue: shown as the newsroom's, with a badge.",
    )

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = "reply"
        verbose_name_plural = "replies"
        ordering = ["created_at", "pk"]
        permissions = [("moderate_reply", "Can approve, reject and mark replies as spam")]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="reply_article_idx"),
            models.Index(fields=["status", "-report_count", "created_at"], name="reply_queue_idx"),
            models.Index(fields=["email", "status"], name="reply_email_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="reply_status_known",
            )
        ]

    def __str__(self):
        return f"{self.name}: {self.body[:60]}"

    def save(self, *args, **kwargs):
        # Where a reply sits follows from what it answers.
        self.thread = (self.parent.thread or self.parent) if self.parent else None
        self.depth = self.parent.depth + 1 if self.parent else 0
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#reply-{self.pk}"

    @property
    def rule_codes(self) -> list[str]:
        return self.rules.split()


class AnswerNotice(models.Model):
    """One approved answer owed to a replier who asked to be told: gathered with the others of
    the same thread and address into at most one e-mail an hour (comments/notifications.py).
    Only the replies are named here; the address is read from the answered reply when sending,
    so an erasure or an unsubscribe stops what is still owed."""

    answer = models.ForeignKey(
        Reply, verbose_name="answer", on_delete=models.CASCADE, related_name="+"
    )
    answered = models.ForeignKey(
        Reply,
        verbose_name="answered reply",
        on_delete=models.CASCADE,
        related_name="answer_notices",
        help_text="The reply whose replier is told.",
    )
    thread = models.ForeignKey(
        Reply,
        verbose_name="thread",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The top-level reply both sit under: one e-mail an hour per thread.",
    )
    created_at = models.DateTimeField("approved", default=timezone.now)
    sent_at = models.DateTimeField("e-mailed", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "answer notice"
        constraints = [
            models.UniqueConstraint(fields=["answer", "answered"], name="answer_notice_once")
        ]

    def __str__(self):
        return f"reply {self.answer_id} answers reply {self.answered_id}"


class ReplyCount(models.Model):
    """How many approved replies an article has, and how many of them start a thread: read
    with the article in its page's one query, and counted again by every change that shows
    or hides a reply (`comments.counts.recount`)."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="reply_counts"
    )
    replies = models.PositiveIntegerField("approved replies", default=0)
    threads = models.PositiveIntegerField("threads", default=0)

    class Meta:
        verbose_name = "reply count"

    def __str__(self):
        return f"{self.article_id}: {self.replies} replies in {self.threads} threads"


class ModerationSettings(models.Model):
    """The editors' discussion settings, in the spirit of WordPress's. There is one row."""

    moderate_all = models.BooleanField(
        "check every reply before it appears",
        default=True,
        help_text="Pre-moderation. Untick to publish at once the replies no rule holds.",
    )
    max_links = models.PositiveSmallIntegerField(
        "hold replies with this many links",
        default=2,
        help_text="A reply with this many links or more waits for a moderator. 0 turns it off.",
    )
    watched_words = models.TextField(
        "watched words",
        blank=True,
        help_text="One word or phrase a line. A reply containing one waits, the words marked.",
    )
    blocked_words = models.TextField(
        "blocked words",
        blank=True,
        help_text="One word or phrase a line. A reply containing one is filed as spam.",
    )
    held_senders = models.TextField(
        "always hold these senders",
        blank=True,
        help_text="E-mail addresses or domains (example.org), one a line.",
    )
    blocked_senders = models.TextField(
        "always block these senders",
        blank=True,
        help_text="E-mail addresses or domains, one a line. Their replies are filed as spam.",
    )
    hold_first_replies = models.BooleanField(
        "hold a first reply from an unknown e-mail",
        default=True,
        help_text="Applies even when not every reply is checked.",
    )
    approve_known_repliers = models.BooleanField(
        "approve at once readers with an approved reply",
        default=False,
        help_text="Unless another rule holds the reply.",
    )

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"

    def __str__(self):
        return "Moderation settings"

    @classmethod
    def load(cls) -> "ModerationSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row
