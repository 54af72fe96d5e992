"""What the site keeps about a replier's connection: a hash, never the raw address."""

from django.conf import settings
from django.utils.crypto import salted_hmac


def client_address(request) -> str:
    """The reader's address, looking past the configured number of trusted proxies."""
    if settings.NUM_PROXIES:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= settings.NUM_PROXIES and forwarded[-settings.NUM_PROXIES]:
            return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def address_hash(address: str) -> str:
    """What is kept of a client address: a keyed hash, the same for the same address."""
    return salted_hmac("newsroom.replies.client", address).hexdigest()[:32]


def client_hash(request) -> str:
    return address_hash(client_address(request))


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]
