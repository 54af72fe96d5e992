"""The desk log: one row for each editorial and moderation decision."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One line of the desk's log: who did what to which article or reply, and when."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        WITHDRAW = "withdraw", "Sent back to draft"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        UNPUBLISH = "unpublish", "Unpublished"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored from the archive"
        REVISION_RESTORED = "revision_restored", "Revision restored"
        CHANGES_SUBMITTED = "changes_submitted", "Changes to a live article submitted"
        CHANGES_PUBLISHED = "changes_published", "Changes to a live article published"
        CHANGES_DISCARDED = "changes_discarded", "Changes to a live article discarded"
        NOTE = "note", "Correction or update added"
        PREVIEW_MADE = "preview_made", "Preview link made"
        PREVIEW_REVOKED = "preview_revoked", "Preview link revoked"
        APPROVE = "approve", "Replies approved"
        REJECT = "reject", "Replies rejected"
        SPAM = "spam", "Replies marked as spam"
        ERASE = "erase", "Replier's details erased on request"
        DELETE = "delete", "Deleted"
        IMPORT = "import", "Imported"
        LIVE_POST = "live_post", "Live update posted"
        LIVE_CORRECT = "live_correct", "Live update corrected"
        LIVE_DELETE = "live_delete", "Live update deleted"
        KEY_POINT = "key_point", "Key points changed"
        LIVE_END = "live_end", "Live coverage ended"
        TOP_BAR = "top_bar", "Top bar changed"
        BANNER_RAISE = "banner_raise", "Breaking-news banner raised"
        BANNER_CHANGE = "banner_change", "Breaking-news banner changed"
        BANNER_CLEAR = "banner_clear", "Breaking-news banner cleared"
        FRONT_DRAFT = "front_draft", "Front draft changed"
        FRONT_PUBLISH = "front_publish", "Front published"
        FRONT_SCHEDULE = "front_schedule", "Front change scheduled"
        FRONT_CANCEL = "front_cancel", "Scheduled front change cancelled"
        NEWSLETTER = "newsletter", "Newsletter list changed"
        SUBSCRIBERS_ERASE = "subscribers_erase", "Subscribers erased on request"
        SUBSCRIBERS_EXPORT = "subscribers_export", "Subscribers exported"
        NEWSLETTER_ALERT = "newsletter_alert", "Sent as a breaking-news alert"
        EDITION_SEND = "edition_send", "Newsletter edition sent"

    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="who",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField("what", max_length=30, choices=Action.choices, db_index=True)
    article = models.ForeignKey(
        "articles.Article",
        verbose_name="article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField("about", max_length=300)
    detail = models.TextField("details", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "desk log entry"
        verbose_name_plural = "desk log"
        db_table = "articles_auditentry"  # kept from when the log was part of the articles app

    def __str__(self):
        return f"{self.get_action_display()}: {self.subject}"
