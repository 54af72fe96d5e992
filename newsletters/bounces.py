"""Addresses that must get nothing more: a hard bounce (the mailbox does not exist) or a
complaint (the reader marked an edition as spam), told by the mail provider's webhook
(`newsletters/provider.py`) or a bounce file (`manage.py feed_bounces`). Either stops the
subscriber (`Subscriber.Stopped`); `receiving()` then leaves them out of every send.
"""

from django.utils import timezone

from newsletters.models import Subscriber

HARD_BOUNCE, COMPLAINT = "hard_bounce", "complaint"
REASONS = {
    HARD_BOUNCE: Subscriber.Stopped.BOUNCED,
    COMPLAINT: Subscriber.Stopped.COMPLAINED,
}


def stop(emails: list[str], *, reason: str, now=None) -> int:
    """Stop the subscribers with these addresses (any case) that still receive; returns how
    many were stopped. An unknown address, or one already stopped, changes nothing."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    return Subscriber.objects.filter(email__in=wanted, stopped_at=None).update(
        stopped_at=now or timezone.now(), stopped_reason=reason
    )
