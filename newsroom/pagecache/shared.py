"""Tags: what a page shows, and what a change purges.

A view tags its page with what it displays (`tag(request, "article-7", "topic-2")`); a change a
reader would see purges the tags it touches (`purge("article-7")`). The apps declare their own
tags (`articles/cache_tags.py`, `comments/cache_tags.py`); this module knows neither app.

A purge reaches two places once the change commits:
- this app's page cache (`newsroom/cache.py`) and the WSGI front (`newsroom/front.py`), at once,
  inside the request: a reader never gets the old page from the app after the save answered;
- every shared cache named in CACHE_PURGE_URLS (Varnish's xkey, a CDN's purge endpoint), over
  HTTP, never inside the request. The tags are added to that cache's row in `PendingPurge` (the
  outbox, one row per cache, tags merged), and a thread of this process sends the row, with
  PURGE_TIMEOUT_SECONDS for the whole exchange; the row goes once the cache answers 2xx. A purge
  that fails is logged and stays owed: sent with the next purge, by a background task a minute
  later (then after 5, 30, 120 and 720 minutes), by the daily jobs and by
  `manage.py retry_purges`. Rows for caches no longer configured are dropped, with a warning.

How the app's own cache learns of purges. Every purge takes the next number of one sequence and
records, under that number, the tags it purged (the purge log), and for each tag the number of
its last purge (the tag's mark). A stored page keeps the sequence number read before it was
rendered, and is fresh while none of its tags has a later mark. The sequence lives in the cache
(Redis in production, shared by every app server), or, with PURGE_SEQUENCE_FILE, in a small file
that every worker on one machine maps into memory and reads in well under a microsecond.
"""

import atexit
import fcntl
import logging
import mmap
import os
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django_tasks import task

from newsroom.models import PendingPurge
from newsroom.tasks import RETRY_MINUTES, retry_later

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "purge:sequence"
MARK_KEY = "purge:mark:{}"
LOG_KEY = "purge:log:{}"
LOG_SECONDS = 7 * 24 * 3600

# Tags a purge could not record in the cache (Redis unreachable): recorded on this process's
# next request, and until then this process serves no page from the cache.
_owed: set[str] = set()


def tag(request, *tags: str) -> None:
    """Say that the page answering `request` shows these things."""
    request.cache_tags = getattr(request, "cache_tags", set()) | set(tags)


def purge(*tags: str) -> None:
    """Purge every page tagged with one of `tags`, once the current transaction commits.

    Inside a transaction the app's own cache is also purged at once, so that a page rendered
    from data about to change is not served in between (as a test's transaction sees it)."""
    tags = frozenset(t for t in tags if t)
    if not tags:
        return
    if connection.in_atomic_block:
        _record(tags)
    transaction.on_commit(lambda: _purge_everywhere(tags))


def sequence() -> int:
    """The number of the latest purge; pay what is owed first."""
    if _owed:
        _record(frozenset(_owed))
    return _store().read()


def owing() -> bool:
    return bool(_owed)


def stamp() -> int | None:
    """A number that moves with every purge, for a process to remember what only a purge can
    change; None when it cannot tell (no purge recorded yet, one owed, or a cache that keeps
    nothing and no sequence file)."""
    number = sequence()
    if not number or _owed:
        return None
    if not settings.PURGE_SEQUENCE_FILE and isinstance(caches["default"], DummyCache):
        return None
    return number


def fresh(tags: Iterable[str], rendered_at: int) -> bool:
    """Whether a page rendered at sequence number `rendered_at` shows nothing purged since.
    A tag without a mark (never seen, or evicted) is taken as purged: better a miss than
    a stale page."""
    keys = [MARK_KEY.format(t) for t in tags]
    marks = cache.get_many(keys)
    return len(marks) == len(keys) and all(mark <= rendered_at for mark in marks.values())


def mark_unseen(tags: Iterable[str], rendered_at: int) -> None:
    """Give tags that have no mark one, so that `fresh()` can vouch for the page just stored
    (`add` never lowers a mark a concurrent purge has just set)."""
    keys = [MARK_KEY.format(t) for t in tags]
    for key in keys - cache.get_many(keys).keys():
        cache.add(key, rendered_at, timeout=None)


def purged_since(known: int, current: int) -> set[str] | None:
    """The tags purged after sequence number `known` up to `current`; None when the log no
    longer (or not yet) holds one of them: the caller drops everything."""
    if not known < current <= known + 1000:  # far behind, or the sequence began again
        return None
    numbers = range(known + 1, current + 1)
    entries = cache.get_many([LOG_KEY.format(n) for n in numbers])
    if len(entries) != len(numbers):
        return None
    return set().union(*entries.values())


def _record(tags: frozenset[str]) -> None:
    def write(number):
        failed = cache.set_many({MARK_KEY.format(t): number for t in tags}, timeout=None)
        failed += cache.set_many({LOG_KEY.format(number): set(tags)}, timeout=LOG_SECONDS)
        if failed:
            raise ValueError("the cache did not keep the purge")

    try:
        _store().advance(write)
    except ValueError:
        if not tags <= _owed:
            logger.error("could not record a purge of %s; will try again", " ".join(sorted(tags)))
        _owed.update(tags)
    else:
        _owed.difference_update(tags)


def _purge_everywhere(tags: frozenset[str]) -> None:
    _record(tags)
    if settings.CACHE_PURGE_URLS:
        queue_purges(tags)


def queue_purges(tags: Iterable[str]) -> None:
    """Owe these tags to every shared cache, and wake the threads that send them."""
    tags = sorted(tags)
    urls = settings.CACHE_PURGE_URLS
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
            logger.warning("dropped purges owed to %s, no longer in CACHE_PURGE_URLS: %s",
                           row.url, row.tags)  # fmt: skip
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
        sock = socket.create_connection((parts.hostname, parts.port or (443 if secure else 80)),
                                        timeout=seconds)  # fmt: skip
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


def _first_number() -> int:
    """Where a new sequence starts: the time in milliseconds. A sequence lost with its cache
    (flushed, evicted) starts again above every number the old one gave, so no page stored
    before looks newer than a purge made after."""
    return int(time.time() * 1000)


class _CacheSequence:
    """The sequence in the cache, for several app servers (Redis). A purge holds a lock in
    the cache while it records the log and marks, then moves the number, as with the file."""

    LOCK_KEY = "purge:lock"
    LOCK_WAIT_SECONDS = 3

    def read(self) -> int:
        return cache.get(SEQUENCE_KEY) or 0

    def advance(self, write: Callable[[int], None]) -> int:
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.LOCK_WAIT_SECONDS
        while not cache.add(self.LOCK_KEY, token, timeout=10):
            if cache.get(self.LOCK_KEY) is None:
                raise ValueError("the cache does not answer")
            if time.monotonic() > deadline:  # a holder that died: its lock expires anyway
                logger.warning("purge lock held for %ss; going on", self.LOCK_WAIT_SECONDS)
                break
            time.sleep(0.002)
        try:
            number = self.read() + 1 if self.read() else _first_number()
            write(number)
            cache.set(SEQUENCE_KEY, number, timeout=None)
            if cache.get(SEQUENCE_KEY) != number:
                raise ValueError("the cache did not keep the purge sequence")
            return number
        finally:
            if cache.get(self.LOCK_KEY) == token:
                cache.delete(self.LOCK_KEY)


class _FileSequence:
    """The sequence in an 8-byte file that every worker maps into memory: one machine only.
    A purge holds the file's lock while it records the log and marks, then moves the number,
    so a reader that sees a number finds its log entry."""

    def __init__(self, path: str):
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            if os.fstat(self.fd).st_size < 8:
                os.write(self.fd, _first_number().to_bytes(8, "little"))
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.map = mmap.mmap(self.fd, 8)

    def read(self) -> int:
        return int.from_bytes(self.map[:8], "little")

    def advance(self, write: Callable[[int], None]) -> int:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            number = self.read() + 1 if self.read() else _first_number()
            write(number)
            self.map[:8] = number.to_bytes(8, "little")
            return number
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)


_files: dict[tuple[int, str], _FileSequence] = {}
_in_cache = _CacheSequence()


def _store() -> _CacheSequence | _FileSequence:
    path = settings.PURGE_SEQUENCE_FILE
    if not path:
        return _in_cache
    # Opened in each process: a lock on a descriptor shared across fork() excludes no one.
    key = (os.getpid(), path)
    if key not in _files:
        _files[key] = _FileSequence(path)
    return _files[key]
