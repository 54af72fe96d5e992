"""The shared caches in front (Varnish's xkey, a CDN's purge endpoint): purges sent over HTTP.

Every shared cache named in CACHE_PURGE_URLS is purged over HTTP, never inside the request. The
tags are added to that cache's row in `PendingPurge` (the outbox, one row per cache, tags
merged), and a thread of this process sends the row, with PURGE_TIMEOUT_SECONDS for the whole
exchange; the row goes once the cache answers 2xx. A purge that fails is logged and stays owed:
sent with the next purge, by a background task a minute later (then after 5, 30, 120 and 720
minutes), by the daily jobs and by `manage.py retry_purges`. Rows for caches no longer
configured are dropped, with a warning.
"""

import atexit
import logging
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks import task

from newsroom.pagecache.models import PendingPurge
from newsroom.tasks import RETRY_MINUTES, retry_later

logger = logging.getLogger(__name__)


def queue_purges(tags: Iterable[str]) -> None:
    """Owe these tags to every shared cache, and wake the threads that send them."""
    tags = sorted(tags)
    urls = settings.CACHE_PURGE_URLS
    if not urls:
        return
    try:
        for url in urls:
            PendingPurge.owe(url, tags)
    except DatabaseError as error:
        logger.error("could not queue the purge of %s (%s)", " ".join(tags), error)
        return
    for url in urls:
        _sender(url).wake()


def send_owed(*, only: str | None = None) -> int:
    """Send the shared caches what they are owed (or only the cache at `only`), each within
    PURGE_TIMEOUT_SECONDS; drop what is owed to caches no longer configured. Returns how
    many caches still wait for a purge because theirs failed."""
    configured = settings.CACHE_PURGE_URLS
    for row in PendingPurge.objects.exclude(url__in=configured):
        if row.taken():
            logger.warning(
                "dropped purges owed to %s, no longer in CACHE_PURGE_URLS: %s", row.url, row.tags
            )
    rows = PendingPurge.objects.filter(url__in=[only] if only else configured)
    waiting = 0
    for row in rows:
        error = _send_purge(row.url, row.tags.split(), seconds=settings.PURGE_TIMEOUT_SECONDS)
        if error:
            logger.error("purge of %s at %s failed (%s); kept to retry", row.tags, row.url, error)
            row.refused(error)
            waiting += 1
        else:
            logger.info("purged %s at %s", row.tags, row.url)
            row.taken()
    return waiting


def wait_sent(timeout: float) -> bool:
    """Wait until this process's threads have sent every purge queued so far (or given up on
    it for now); returns False if `timeout` seconds passed first. For tests, and for a command
    that wants its purges out before it exits."""
    deadline = time.monotonic() + timeout
    return all(sender.idle_by(deadline) for sender in _senders_of_this_process())


@task()
def retry_purges(attempt: int = 1) -> int:
    """Send the purges a shared cache did not take; again later while one still refuses."""
    waiting = send_owed()
    if waiting:
        retry_later(retry_purges, attempt, what="purges", error=f"{waiting} cache(s) refused")
    return waiting


def schedule_purge_retry() -> None:
    """Called when a shared cache refused a purge: one retry chain at a time."""
    if cache.add("purge-retry-scheduled", 1, timeout=RETRY_MINUTES[0] * 60):
        later = retry_purges.using(run_after=timezone.now() + timedelta(minutes=RETRY_MINUTES[0]))
        later.enqueue(attempt=2)  # the first attempt was the purge itself


def retry_owed_purges(**kwargs) -> str:
    """The daily jobs' share (`newsroom.tasks.daily_jobs`)."""
    return f"{send_owed()} cache(s) still owed purges"


class _Sender:
    """The thread of this process that sends one shared cache what it is owed: woken after each
    purge is queued, it sends the cache's row (all tags owed, merged) and sleeps again. Saves
    never wait for it; a cache that hangs only holds this thread, PURGE_TIMEOUT_SECONDS."""

    def __init__(self, url: str):
        self.url = url
        self.asked = 0  # wake-ups so far
        self.answered = 0  # wake-ups a finished round of sending took into account
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self.run, name=f"purges to {url}", daemon=True)
        self.thread.start()

    def wake(self) -> None:
        with self.changed:
            self.asked += 1
            self.changed.notify_all()

    def owing(self) -> bool:
        with self.changed:
            return self.answered < self.asked

    def idle_by(self, deadline: float) -> bool:
        with self.changed:
            asked = self.asked
            return self.changed.wait_for(
                lambda: self.answered >= asked, timeout=max(0.0, deadline - time.monotonic())
            )

    def run(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.answered < self.asked)
                asked = self.asked
            try:
                if send_owed(only=self.url):
                    schedule_purge_retry()
            except Exception:  # the database away, say: the row waits for the next round
                logger.exception("could not send the purges owed to %s", self.url)
            finally:
                connections.close_all()  # this thread's own connections
            with self.changed:
                self.answered = asked
                self.changed.notify_all()


_senders: dict[tuple[int, str], _Sender] = {}
_senders_lock = threading.Lock()


def _sender(url: str) -> _Sender:
    # Started in each process: threads do not survive fork().
    key = (os.getpid(), url)
    with _senders_lock:
        if key not in _senders:
            if not _senders_of_this_process():
                atexit.register(_hand_over_at_exit)
            _senders[key] = _Sender(url)
        return _senders[key]


def _senders_of_this_process() -> list[_Sender]:
    return [sender for (pid, _), sender in list(_senders.items()) if pid == os.getpid()]


def _hand_over_at_exit() -> None:
    """A process leaving with purges not yet sent (a command that saved just before it ended,
    a cache that hangs): a worker sends them at once, rather than this process waiting."""
    if not any(sender.owing() for sender in _senders_of_this_process()):
        return
    try:
        retry_purges.enqueue()
    except Exception as error:  # the rows stay; the next purge or retry_purges sends them
        logger.warning("purges left unsent at exit wait for the next purge (%s)", error)


def _send_purge(url: str, tags: list[str], *, seconds: float) -> str:
    """Ask one shared cache to drop the pages carrying these tags: a PURGE request with the
    tags, space-separated, in the CACHE_TAG_HEADER header. An empty string when it answered
    2xx, else what went wrong. Connecting, sending and the answer's first line must all fit in
    `seconds`: a cache that trickles its answer cannot hold the sender longer."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    deadline = time.monotonic() + seconds
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (
        f"PURGE {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"{settings.CACHE_TAG_HEADER}: {' '.join(tags)}\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode("latin-1")
    sock = None
    try:
        sock = socket.create_connection(
            (parts.hostname, parts.port or (443 if secure else 80)), timeout=seconds
        )
        if secure:
            context = ssl.create_default_context()
            sock = context.wrap_socket(
                sock, server_hostname=parts.hostname, do_handshake_on_connect=False
            )
            sock.settimeout(_left(deadline))
            sock.do_handshake()  # within one timeout in all
        sock.settimeout(_left(deadline))
        sock.sendall(request)  # within one timeout in all
        answer = b""
        while b"\r\n" not in answer:
            sock.settimeout(_left(deadline))
            received = sock.recv(1024)
            if not received or len(answer) > 8192:
                return "no HTTP answer"
            answer += received
    except TimeoutError:
        return f"no answer within {seconds:g} s"
    except OSError as error:
        return str(error) or type(error).__name__
    finally:
        if sock is not None:
            sock.close()
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    version, _, rest = status_line.partition(" ")
    status = rest[:3]
    if not version.startswith("HTTP/") or not status.isdigit():
        return f"not an HTTP answer: {status_line[:80]!r}"
    return "" if 200 <= int(status) < 300 else f"HTTP {rest}"


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left
