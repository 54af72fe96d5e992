"""Counts gathered in each server process for a second before they go to the store.

A beacon answered before Django (`figures/front.py`) only adds to this process's tally, a
dictionary; at most FLUSH_SECONDS later a timer thread sends the whole tally to the store in
one round trip (`store.add_many`). Beacons then cost the server about what a cached page
does, and the store sees one write a second per process, however many readers. What a
process holds when it is killed outright (not stopped) is lost: a second of sampled views.
"""

import atexit
import logging
import threading
from collections import Counter
from datetime import datetime

import redis
from django.db import DatabaseError, connections

from figures import store

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0


class ProcessTally:
    def __init__(self):
        self.counts: Counter = Counter()
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def add(self, article_id: int, hour: datetime, host: str, views: int) -> None:
        with self.lock:
            self.counts[article_id, hour, host] += views
            if self.timer is None:
                self.timer = threading.Timer(FLUSH_SECONDS, self._flush_from_timer)
                self.timer.daemon = True
                self.timer.start()

    def flush(self) -> int:
        """Send what this process holds to the store; returns how many views it sent."""
        with self.lock:
            counts, self.counts = self.counts, Counter()
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
        if not counts:
            return 0
        try:
            store.current().add_many(counts)
        except (redis.RedisError, DatabaseError) as error:
            logger.warning("%d sampled views were not counted: %s", sum(counts.values()), error)
            return 0
        return sum(counts.values())

    def _flush_from_timer(self) -> None:
        try:
            self.flush()
        finally:
            connections.close_all()  # this thread's own, if the store is the database


tally = ProcessTally()
atexit.register(tally.flush)
