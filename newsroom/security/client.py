"""Who sent a request: the client's address, believed from X-Forwarded-For only when a trusted
proxy (TRUSTED_PROXIES) passed it on; and what the site keeps of it: a hash, never the address."""

import functools
import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of TRUSTED_PROXIES (an address, or in one of its networks)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The reader's address. From a trusted proxy: the first address in X-Forwarded-For, read
    from the right, that is not a trusted proxy too (each proxy adds the address it was sent
    from; what lies to the left of that the client may have written itself). From anyone
    else: the connection's address, whatever the request says."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    client = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address a proxy wrote: the last one read is all that is known
        client = hop
        if not is_trusted_proxy(hop):
            break
    return client


def address_hash(address: str) -> str:
    """What is kept of a client address: a keyed hash, the same for the same address."""
    return salted_hmac("newsroom.replies.client", address).hexdigest()[:32]


def client_hash(request) -> str:
    return address_hash(client_address(request))


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]
