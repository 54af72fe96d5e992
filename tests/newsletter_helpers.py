"""Lists and subscribers for the newsletters' sending tests."""

from itertools import count

from django.utils import timezone

from newsletters.models import Newsletter, Subscriber, Subscription

_numbers = count(1)


def make_list(kind=Newsletter.Kind.DIGEST, **overrides) -> Newsletter:
    n = next(_numbers)
    fields = {"name": f"List {n}", "slug": f"list-{n}", "kind": kind}
    return Newsletter.objects.create(**fields | overrides)


def subscribe(email: str, *lists: Newsletter, confirmed=True, **overrides) -> Subscriber:
    """A subscriber to `lists`, confirmed (receiving) unless told otherwise."""
    subscriber = Subscriber.objects.create(
        email=email, confirmed_at=timezone.now() if confirmed else None, **overrides
    )
    for newsletter in lists:
        Subscription.objects.create(subscriber=subscriber, newsletter=newsletter)
    return subscriber
