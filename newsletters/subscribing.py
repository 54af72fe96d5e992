"""Signing up, confirming, choosing lists and leaving: the rules, called by the readers' views.

Double opt-in: an address that signs up is stored with the lists it chose and sent one
e-mail, asking it to confirm (`confirmation.send_welcome`); nothing else is sent to it until it
has. A reader cannot learn from the site whether an address subscribes: every sign-up gets
the same answer, and what differs (a confirmation, a reminder of the preferences link to an
address already confirmed, nothing at all once the address has asked too often) happens in
the address's own inbox.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsletters import confirmation
from newsletters.models import Subscriber, Subscription
from newsroom.security import ratelimit

# Sign-ups from one client: at most this many (count, seconds), then refused with a 429 that
# says so. For one address: at most this many, then answered as any other sign-up is, but
# nothing more is sent to it for a while (no inbox is flooded by someone else's typing).
CLIENT_LIMIT = (10, 3600)
ADDRESS_LIMIT = (3, 24 * 3600)


def address_limited(email: str) -> bool:
    """Count one sign-up for this address; True once it has asked too often (nothing more is
    sent to it for a while, and the reader is told what every reader is told)."""
    limit, seconds = ADDRESS_LIMIT
    return ratelimit.hit(f"newsletter-address:{_address_key(email)}", limit=limit, seconds=seconds)


def _address_key(email: str) -> str:
    """What the rate limit keeps of an address: a keyed hash, never the address."""
    return salted_hmac("newsletters.signups", email.strip().lower()).hexdigest()[:32]


@transaction.atomic
def sign_up(email: str, list_ids: set[int]) -> Subscriber:
    """Take a sign-up: a new or not yet receiving address gets these lists, waiting for its
    confirmation; an address already receiving keeps its lists as they are (anyone may type
    it), and is sent its preferences link instead."""
    subscriber, created = Subscriber.objects.get_or_create(email=email.strip().lower())
    if not created and subscriber.confirmed_at is None:
        # Its latest sign-up: an address never confirmed is forgotten a week after it.
        Subscriber.objects.filter(pk=subscriber.pk).update(created_at=timezone.now())
    if not Subscriber.objects.receiving().filter(pk=subscriber.pk).exists():
        Subscription.objects.bulk_create(
            [Subscription(subscriber=subscriber, newsletter_id=pk) for pk in sorted(list_ids)],
            ignore_conflicts=True,
        )
    # Queued in the same transaction (the queue is a table): both or neither.
    confirmation.send_welcome.enqueue(subscriber.pk)
    return subscriber


def confirm(subscriber: Subscriber) -> None:
    """The reader followed the link sent to the address: it receives its lists from now on
    (and again, if it had stopped)."""
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmed_at=timezone.now(), stopped_at=None, stopped_reason=""
    )
    subscriber.refresh_from_db()


@transaction.atomic
def choose(subscriber: Subscriber, list_ids: set[int]) -> None:
    """Exactly these lists from now on; none at all is leaving. A subscriber who had stopped
    receives again: one who left, and one stopped by the mail server (bounced, marked as spam),
    whose preferences link (sent only ever to that inbox) is the only way back."""
    if not list_ids:
        leave(subscriber)
        return
    subscriber.subscriptions.exclude(newsletter__in=list_ids).delete()
    Subscription.objects.bulk_create(
        [Subscription(subscriber=subscriber, newsletter_id=pk) for pk in sorted(list_ids)],
        ignore_conflicts=True,
    )
    if subscriber.stopped_at is not None:
        Subscriber.objects.filter(pk=subscriber.pk).update(stopped_at=None, stopped_reason="")
        subscriber.refresh_from_db()


@transaction.atomic
def leave(subscriber: Subscriber) -> None:
    """Leave every list at once (the one-click unsubscribe). Asked again, nothing changes."""
    subscriber.subscriptions.all().delete()
    if subscriber.stopped_at is None:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            stopped_at=timezone.now(), stopped_reason=Subscriber.Stopped.UNSUBSCRIBED
        )
        subscriber.refresh_from_db()
