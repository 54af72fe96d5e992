"""Subscribers' addresses are personal data (the privacy page says what is kept: the address,
its lists, when it signed up and confirmed; nothing about what a reader opens or clicks).

An address never confirmed is deleted a week after its last sign-up (a daily job). Erasing a
subscriber on request deletes it with its subscriptions and deliveries, so no trace
of the address is left; the desk log says who erased how many, never whose. A replier erased
on request (`comments.privacy.erase_repliers`) is erased from the lists too. An export of the
addresses (CSV) is for staff holding its own permission, and logged: who, when, how many.
"""

import csv
import io
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import log
from newsletters.models import Subscriber

EXPORT_PERMISSION = "newsletters.export_subscriber"
EXPORT_COLUMNS = ["email", "lists", "signed_up", "confirmed", "stopped", "why_stopped"]


@transaction.atomic
def erase(subscribers, *, by, why: str = "on request") -> int:
    """Delete these subscribers, their subscriptions and their deliveries; how many went."""
    pks = list(subscribers.values_list("pk", flat=True))
    if not pks:
        return 0
    Subscriber.objects.filter(pk__in=pks).delete()  # subscriptions and deliveries cascade
    noun = "subscriber" if len(pks) == 1 else "subscribers"
    log.record(log.Action.SUBSCRIBERS_ERASE, by=by, subject=f"{len(pks)} {noun}", detail=why)
    return len(pks)


def forget_unconfirmed(*, now=None) -> int:
    """Delete the addresses never confirmed a week after their last sign-up (or once their
    link has expired, if that is later): someone typed them, their owner never agreed."""
    days = max(7, settings.NEWSLETTER_CONFIRM_HOURS / 24)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    never = Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    _, gone = never.delete()
    return gone.get(Subscriber._meta.label, 0)


def forget_unconfirmed_daily(**kwargs) -> str:
    """The daily jobs' share (`newsroom.tasks.daily_jobs`)."""
    return f"{forget_unconfirmed()} addresses never confirmed deleted"


def erase_forgotten_repliers(sender, *, emails, by, **kwargs) -> None:
    """A replier erased on request: their address leaves the lists too."""
    erase(
        Subscriber.objects.filter(email__in=[e.lower() for e in emails]),
        by=by,
        why="erased with their replies",
    )


def export_csv(subscribers, *, by) -> str:
    """The subscribers as CSV, one row each, written to the desk log first."""
    rows = subscribers.prefetch_related("newsletters").order_by("pk")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for subscriber in rows:
        writer.writerow(
            [
                _cell(subscriber.email),
                _cell("; ".join(n.name for n in subscriber.newsletters.all())),
                subscriber.created_at.isoformat(),
                subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
                subscriber.stopped_at.isoformat() if subscriber.stopped_at else "",
                subscriber.stopped_reason,
            ]
        )
        count += 1
    noun = "subscriber" if count == 1 else "subscribers"
    log.record(log.Action.SUBSCRIBERS_EXPORT, by=by, subject=f"{count} {noun}", detail="CSV")
    return out.getvalue()


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula it would run (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
