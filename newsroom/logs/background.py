"""Log lines written off the request path: a queue, and a thread of each process that writes.

A request's own line is the most frequent line by far, and on a cached page formatting and
writing it cost most of the answer. So the request only puts its fields on a queue (well
under a microsecond); the writer thread wakes every `FLUSH_SECONDS` (or when asked to flush),
formats what came, in order, and writes it in one go. Every other line (Django's, a warning,
an error) goes through the same queue, so lines keep the order they were logged in. Lines
are flushed when logging shuts down (the process exits) or on `flush()`.

A request's line takes the short way only when every handler that would see it is this one;
any other handler (an operator's own in LOGGING, a test's capture) gets it as an ordinary
record, at once, as before.
"""

import logging
import os
import sys
import threading
import time
from collections import deque

FLUSH_SECONDS = 0.1
REQUESTS_LOGGER = "newsroom.requests"
REQUEST_MESSAGE = "method=%s path=%s status=%s ms=%.1f cache=%s"

_requests = logging.getLogger(REQUESTS_LOGGER)
_handler: "BackgroundHandler | None" = None  # the one configured last (LOGGING)


class BackgroundHandler(logging.StreamHandler):
    """A StreamHandler (stderr unless told) whose lines a thread of its own writes."""

    def __init__(self, stream=None):
        super().__init__(stream)
        self.items: deque = deque()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        global _handler
        _handler = self

    def emit(self, record):
        # Fixed now, on the logging thread: the message and any traceback, as they are.
        record.message = record.getMessage()
        record.msg, record.args = record.message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        self.put(record)

    def put(self, item) -> None:
        self.items.append(item)
        if self.thread is None:
            self._start()

    def _start(self) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._write_forever, name="newsroom-log-writer", daemon=True
                )
                self.thread.start()

    def _write_forever(self) -> None:
        while True:
            self.wake.wait(FLUSH_SECONDS)
            self.wake.clear()
            if not self._write_waiting():
                return

    def _write_waiting(self) -> bool:
        """Write every line queued so far; False once asked to stop."""
        lines, done, going_on = [], [], True
        items = self.items
        while items:
            item = items.popleft()
            try:
                if type(item) is tuple:
                    lines.append(self.format_request(item))
                elif isinstance(item, logging.LogRecord):
                    lines.append(self.format(item))
                elif item is None:
                    going_on = False
                else:  # an Event: someone waits for the lines before it
                    done.append(item)
            except Exception:  # a line that cannot be formatted must not stop the others
                self.handleError(item if isinstance(item, logging.LogRecord) else None)
        if lines:
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except Exception:
                self.handleError(None)
        for event in done:
            event.set()
        return going_on

    def format_request(self, item: tuple) -> str:
        created, method, path, status, ms, cache, request_id, user = item
        fast = getattr(self.formatter, "format_request", None)
        if fast is not None:
            return fast(created, method, path, status, ms, cache, request_id, user)
        return self.format(request_record(*item))

    def flush(self):
        """Wait (a few seconds at most) until every line queued before this call is written."""
        thread = self.thread
        if thread is None or not thread.is_alive():
            self._write_waiting()
        elif threading.current_thread() is not thread:
            written = threading.Event()
            self.items.append(written)
            self.wake.set()
            written.wait(5)

    def close(self):
        thread = self.thread
        if thread is not None and thread.is_alive():
            self.items.append(None)
            self.wake.set()
            thread.join(5)
        self._write_waiting()
        super().close()

    def _after_fork(self) -> None:
        # The writer thread does not come along into a forked child: the child starts its own.
        self.thread = None
        self.items = deque()
        self.wake = threading.Event()


def _after_fork_in_child() -> None:
    if _handler is not None:
        _handler._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def request_record(created, method, path, status, ms, cache, request_id, user):
    """The request's line as an ordinary record, with each part a field of its own."""
    record = _requests.makeRecord(
        REQUESTS_LOGGER,
        logging.INFO,
        "",
        0,
        REQUEST_MESSAGE,
        (method, path, status, ms, cache),
        None,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "ms": ms,
            "cache": cache,
            "request_id": request_id,
            "user": user,
        },
    )
    if created is not None:
        record.created = created
        record.msecs = int(created * 1000) % 1000
    return record


def _background_only() -> bool:
    """Whether the request logger's lines reach the background handler and no other."""
    logger, reached = _requests, False
    while logger is not None:
        for handler in logger.handlers:
            if handler is not _handler:
                return False
            reached = True
        if not logger.propagate:
            break
        logger = logger.parent
    return reached


def log_request_line(method, path, status, ms, cache, request_id="", user=None) -> None:
    """Log a request's line (`newsroom.requests`, INFO): queued as plain fields when only the
    background handler would see it, else an ordinary record."""
    if not _requests.isEnabledFor(logging.INFO):
        return
    handler = _handler
    if handler is not None and _background_only():
        if handler.level <= logging.INFO:
            handler.put((time.time(), method, path, status, ms, cache, request_id, user))
        return
    record = request_record(None, method, path, status, ms, cache, request_id, user)
    _requests.handle(record)


def flush() -> None:
    """Write every line logged so far (tests, and anything that must see its lines now)."""
    if _handler is not None:
        _handler.flush()
    sys.stderr.flush()
