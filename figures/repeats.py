"""A reader's repeated views of a story: at most one counted per WINDOW_SECONDS, so that one
client cannot push a story up the most-read list by sending its beacon again and again.

Held only in this process's memory, and never as an address: each (client, story) pair is
kept as a 64-bit hash salted with a number drawn when the process starts, in two sets (this
window's pairs and the last one's), the older dropped as each window ends. Python's own hash
(of text, keyed for each process too) is used rather than a cryptographic one: the pairs
never leave the process, and every counted beacon pays for the hashing. A pair is
therefore remembered for one to two windows. Memory is bounded however many addresses a
flood forges: a set that reaches MAX_PAIRS ends its window early, so the process holds at
most twice MAX_PAIRS hashes (about 8 MB); under such a flood the window only gets shorter.

A client is its address as the trusted-proxy rules read it (newsroom/security/client.py); for
IPv6, its /64 network, which one household or one server has to itself. Each server process
keeps its own sets: with W worker processes a client can be counted W times per window at
most.
"""

import ipaddress
import secrets
import threading
import time

WINDOW_SECONDS = 10 * 60
MAX_PAIRS = 50_000


def client_network(address: str) -> str:
    """What a client is counted as: its IPv4 address, or its IPv6 /64 network."""
    if ":" not in address:
        return address
    try:
        ip = ipaddress.IPv6Address(address)
    except ValueError:
        return address
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False))


class RecentViews:
    """The (client, story) pairs counted in this window and the last one."""

    def __init__(self, *, window: float = WINDOW_SECONDS, size: int = MAX_PAIRS):
        self.window, self.size = window, size
        self._salt = secrets.randbits(64)
        self._lock = threading.Lock()
        self._current: set[int] = set()
        self._previous: set[int] = set()
        self._started = time.time()

    def first(self, client: str, article_id: int) -> bool:
        """Whether this is the client's first view of the story in a window (and remember it)."""
        digest = hash((self._salt, client_network(client), article_id))
        now = time.time()
        with self._lock:
            if now - self._started >= self.window or len(self._current) >= self.size:
                recent = now - self._started < 2 * self.window
                self._previous = self._current if recent else set()
                self._current = set()
                self._started = now
            if digest in self._current or digest in self._previous:
                return False
            self._current.add(digest)
            return True

    def __len__(self) -> int:
        """How many pairs are held (at most twice `size`)."""
        return len(self._current) + len(self._previous)

    def clear(self) -> None:
        with self._lock:
            self._current, self._previous = set(), set()
            self._started = time.time()


recent = RecentViews()
