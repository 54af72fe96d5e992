"""The desk's log: every editorial and moderation decision, who made it and when."""

import logging

from audit.models import AuditEntry

logger = logging.getLogger("newsroom.audit")
Action = AuditEntry.Action


def record(action: str, *, by, subject: str, article=None, detail: str = "") -> AuditEntry:
    """Write one entry to the desk log, and the same line to the application log."""
    entry = AuditEntry.objects.create(
        action=action, actor=by, article=article, subject=subject[:300], detail=detail
    )
    logger.info(
        "%s by %s: %s%s",
        entry.get_action_display(),
        by or "nobody",
        subject,
        f" ({detail})" if detail else "",
    )
    return entry


def record_article(action: str, article, *, by, detail: str = "") -> AuditEntry:
    """Write a desk-log entry about an article: linked to it, under its headline."""
    return record(action, by=by, article=article, subject=article.headline, detail=detail)
