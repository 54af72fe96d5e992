"""Who sent a request: the client's address, believed from X-Forwarded-For only when a trusted
proxy (TRUSTED_PROXIES) passed it on; and what the site keeps of it: a hash, never the address."""

import functools
import ipaddress
import logging
import socket

from django.conf import settings
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


@functools.lru_cache(maxsize=8)
def _addresses(proxies: tuple[str, ...]) -> frozenset[str]:
    """The proxies named by one address, as text: found without parsing the address."""
    return frozenset(
        str(network.network_address) for network in _networks(proxies) if network.num_addresses == 1
    )


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of TRUSTED_PROXIES (an address, or in one of its networks)."""
    return bool(_trusted(address))


def _trusted(address: str) -> bool | None:
    """Whether `address` is a trusted proxy; None when it is not an address at all (with no
    proxy trusted, no address is read)."""
    proxies = tuple(settings.TRUSTED_PROXIES)
    if not proxies:
        return False
    if address in _addresses(proxies):
        return True
    ip = _ip(address.strip())
    if ip is None:
        return None
    return any(ip in network for network in _networks(proxies))


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address, or None when it is not one. An IPv4 address is read by the C library (as
    strictly as `ipaddress`: four decimal numbers, no leading zeros), four times faster: every
    beacon from behind the proxy has one to read."""
    try:
        return ipaddress.IPv4Address(socket.inet_pton(socket.AF_INET, address))
    except (OSError, ValueError):  # not an IPv4 address (ValueError: a NUL in it)
        pass
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def client_address(request) -> str:
    """The reader's address, as `forwarded_client` reads it from the request."""
    return forwarded_client(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def forwarded_client(peer: str, forwarded_for: str) -> str:
    """The reader's address from the connection's (`peer`) and X-Forwarded-For. From a trusted
    proxy: the first address in X-Forwarded-For, read from the right, that is not a trusted
    proxy too (each proxy adds the address it was sent from; what lies to the left of that the
    client may have written itself). From anyone else: the connection's address, whatever the
    request says. Entry points that answer before Django (figures/front.py) call it with the
    same two values Django would see."""
    if not is_trusted_proxy(peer):
        if forwarded_for:
            _warn_untrusted_proxy(peer)
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        hop = hop.strip()
        trusted = _trusted(hop)
        if trusted is None:
            break  # not an address a proxy wrote: the last one read is all that is known
        client = hop
        if not trusted:
            break
    return client


@functools.cache
def _warn_untrusted_proxy(peer: str) -> None:
    """Say once per process and address that a proxy on our own network passes X-Forwarded-For
    but is not trusted: then every reader behind it is one client to the rate limits and to
    story figures (a story counted once in ten minutes). From a public address the header is a
    client's own invention, and nothing is said."""
    ip = _ip(peer)
    if ip is not None and (ip.is_private or ip.is_loopback):
        logger.warning(
            "X-Forwarded-For came from %s, which TRUSTED_PROXIES does not name, so readers behind "
            "it all count as one client (rate limits, story figures); if it is your proxy, add it "
            "to TRUSTED_PROXIES",
            peer,
        )


def address_hash(address: str) -> str:
    """What is kept of a client address: a keyed hash, the same for the same address. An IPv6
    address counts as its /64, the block one subscriber line is given: otherwise one home could
    be a billion clients to the rate limits."""
    ip = _ip(address.strip())
    if ip is not None and ip.version == 6 and ip.ipv4_mapped is None:
        address = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return salted_hmac("newsroom.replies.client", address).hexdigest()[:32]


def client_hash(request) -> str:
    return address_hash(client_address(request))


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]
