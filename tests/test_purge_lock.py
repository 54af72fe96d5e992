"""The purge sequence's lock, raced by real processes: app servers purging at once each get
their own number and log entry, one at a time; a purge that cannot have the lock is owed, never
recorded without it."""

import os
import subprocess
import sys
import textwrap
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from newsroom.pagecache import sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_REDIS = "redis" in django_settings.CACHES["default"]["BACKEND"].lower()

PURGING = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from newsroom.pagecache import sequence
    name, count, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    while not os.path.exists(go):
        time.sleep(0.001)
    for i in range(count):
        sequence.record(frozenset({f"{name}-{i}"}))
    print("owing" if sequence.owing() else "recorded")
    """
)

HOLDING = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from django.core.cache import cache
    from newsroom.pagecache import sequence
    held = cache.lock(sequence.LOCK_KEY, timeout=30, blocking_timeout=5)
    assert held.acquire()
    open(sys.argv[1], "w").close()
    time.sleep(float(sys.argv[2]))
    held.release()
    """
)


@pytest.fixture(params=["folder", "redis"])
def shared_cache(request, settings, tmp_path):
    """The cache every process shares: a cache folder (one machine), or Redis (CI's Redis)."""
    if request.param == "redis":
        if not SHARED_REDIS:
            pytest.skip("needs CACHE_URL=redis://… (CI's second pass runs it against Redis)")
        url = os.environ["CACHE_URL"]
    else:
        url = f"filecache://{tmp_path / 'cache'}"
        settings.CACHES = {
            "default": {
                "BACKEND": "newsroom.pagecache.backends.ResilientFileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    settings.PURGE_SEQUENCE_FILE = ""
    cache.delete(sequence.LOCK_KEY)
    yield url
    sequence._owed.clear()


def _start(script: str, *args: str, cache_url: str) -> subprocess.Popen:
    environment = os.environ | {
        "CACHE_URL": cache_url,
        "PURGE_SEQUENCE_FILE": "",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "PYTHONPATH": ROOT,
    }
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_purging_at_once_each_get_their_own_numbers(shared_cache, tmp_path):
    count = 40
    sequence.record(frozenset({"topic-1"}))  # the sequence has begun
    first = sequence.current()
    go = tmp_path / "go"
    racers = [_start(PURGING, name, str(count), str(go), cache_url=shared_cache) for name in "ab"]
    time.sleep(1.5)  # both set up and waiting
    go.touch()
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert [out.strip() for out, _ in outputs] == ["recorded", "recorded"], outputs

    last = sequence.current()
    assert last - first == 2 * count, "every purge took a number of its own"
    entries = cache.get_many([sequence.LOG_KEY.format(n) for n in range(first + 1, last + 1)])
    assert len(entries) == 2 * count, "and found it still its own when it wrote its log"
    logged = [tag for entry in entries.values() for tag in entry]
    expected = {f"{name}-{i}" for name in "ab" for i in range(count)}
    assert sorted(logged) == sorted(expected), "no purge overwrote another's log entry"
    assert sequence.fresh(["a-0", "b-0"], last) and not sequence.fresh(["a-0"], first)


def test_a_purge_that_cannot_have_the_lock_is_owed_not_recorded_without_it(
    shared_cache, tmp_path, monkeypatch, caplog
):
    sequence.record(frozenset({"topic-1"}))
    before = sequence.current()
    held = tmp_path / "held"
    holder = _start(HOLDING, str(held), "2", cache_url=shared_cache)
    deadline = time.monotonic() + 30
    while not held.exists():
        assert holder.poll() is None, holder.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)

    monkeypatch.setattr(sequence, "LOCK_WAIT_SECONDS", 0.2)
    with caplog.at_level("ERROR", logger="newsroom.pagecache.sequence"):
        sequence.record(frozenset({"article-7"}))
    assert sequence.owing(), "owed: this process serves no stored page meanwhile"
    assert sequence._store().read() == before, "nothing was written without the lock"
    assert cache.get(sequence.MARK_KEY.format("article-7")) is None
    assert "could not record a purge of article-7" in caplog.text
    assert "does not answer" not in caplog.text

    assert holder.wait(timeout=30) == 0, holder.communicate()
    assert sequence.current() == before + 1, "paid at the next request, once the lock is free"
    assert not sequence.owing()
    assert cache.get(sequence.LOG_KEY.format(before + 1)) == {"article-7"}
