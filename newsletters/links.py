"""The signed links a subscriber's e-mail carries: confirm the address (expires), preferences
and leave (never expire: an old edition's "unsubscribe" must still work). Each token names the
subscriber by number and a short keyed hash of the address, never the address itself, so a
link stops working once the subscriber is erased, even if their number is used again.

The paths are the readers' pages in `newsletters/urls.py`; tests hold the two together.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from newsletters.models import Subscriber
from newsroom import mail

CONFIRM, PREFERENCES, LEAVE = "newsletters.confirm", "newsletters.preferences", "newsletters.leave"


def _mark(email: str) -> str:
    return salted_hmac("newsletters.links", email.lower()).hexdigest()[:12]


def token(purpose: str, subscriber: Subscriber) -> str:
    return mail.sign(purpose, f"{subscriber.pk}-{_mark(subscriber.email)}")


def subscriber_for(purpose: str, token_: str, *, max_age: int | None = None) -> Subscriber | None:
    """The subscriber a token was made for, or None (altered, other purpose, too old, erased)."""
    value = mail.unsign(purpose, token_, max_age=max_age)
    if value is None or "-" not in value:
        return None
    pk, mark = value.split("-", 1)
    subscriber = Subscriber.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if subscriber is None or not constant_time_compare(mark, _mark(subscriber.email)):
        return None
    return subscriber


def confirm_url(subscriber: Subscriber) -> str:
    """Valid for NEWSLETTER_CONFIRM_HOURS (`subscriber_for(CONFIRM, …, max_age=…)`)."""
    return mail.absolute(f"/newsletters/confirm/{token(CONFIRM, subscriber)}")


def preferences_url(subscriber: Subscriber) -> str:
    return mail.absolute(f"/newsletters/preferences/{token(PREFERENCES, subscriber)}")


def leave_url(subscriber: Subscriber) -> str:
    """The one-click unsubscribe (RFC 8058): a POST here leaves every list at once."""
    return mail.absolute(f"/newsletters/leave/{token(LEAVE, subscriber)}")


def confirm_max_age() -> int:
    return settings.NEWSLETTER_CONFIRM_HOURS * 3600
