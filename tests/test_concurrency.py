"""Concurrency on PostgreSQL: many readers posting at once, moderators acting on the same
replies at once, and the page cache under reads racing changes. Threads with their own
database connections stand in for app servers; with CACHE_URL on Redis (CI) they share it."""

import re
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from comments import moderation
from comments.models import Reply
from tests.factories import make_article, make_reply, publish_changes, reply_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test "
        "(CI runs the suite again on PostgreSQL + Redis)",
    ),
]


def at_once(*jobs):
    """Run the jobs in threads released together; return their results, re-raising errors."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(i, job):
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.fixture
def article(settings):
    settings.REPLY_RATE_LIMIT = (10_000, 60)
    return make_article(headline="Busy story")


def _post(article, **fields):
    def job():
        response = Client().post(reverse("comments:post", args=[article.pk]), reply_data(**fields))
        return response.status_code

    return job


def test_fifty_concurrent_replies_are_each_stored_exactly_once(article):
    statuses = at_once(
        *(_post(article, body=f"Reply {i}", email=f"r{i}@example.org") for i in range(50))
    )
    assert statuses == [302] * 50
    bodies = Counter(Reply.objects.filter(article=article).values_list("body", flat=True))
    assert bodies == Counter(f"Reply {i}" for i in range(50))


def test_the_same_reply_sent_ten_times_at_once_is_stored_once(article):
    statuses = at_once(*(_post(article, body="Sent twice by accident") for _ in range(10)))
    assert sorted(statuses) == [302] + [400] * 9
    assert Reply.objects.filter(body="Sent twice by accident").count() == 1


def test_concurrent_moderation_of_the_same_replies_ends_consistent(article, moderator, editor):
    replies = [make_reply(article, status=Reply.Status.PENDING) for _ in range(30)]
    everyone = Reply.objects.filter(pk__in=[r.pk for r in replies])
    actions = [moderation.approve, moderation.reject, moderation.mark_spam]
    jobs = [
        (lambda action=action, by=by: action(everyone, by=by))
        for action in actions
        for by in (moderator, editor)
    ] * 3
    changed = at_once(*jobs)

    final = dict(everyone.values_list("pk", "status"))
    assert len(set(final.values())) == 1  # every action covers them all: the last one wins
    # The desk log, replayed from the start, gives exactly the final state, and never records
    # a change that was not one (a reply moved to the status it already had).
    state = dict.fromkeys(final, Reply.Status.PENDING)
    logged = {"approve": "approved", "reject": "rejected", "spam": "spam"}
    entries = AuditEntry.objects.filter(action__in=logged).order_by("at", "pk")
    for entry in entries:
        ids = [int(i) for i in entry.detail.removeprefix("Reply ids: ").split(", ")]
        for pk in ids:
            assert state[pk] != logged[entry.action]
            state[pk] = logged[entry.action]
    assert state == final
    assert sum(changed) == sum(len(e.detail.split(", ")) for e in entries)
    moderated = set(everyone.values_list("moderated_by", "moderated_at"))
    assert len(moderated) == 1  # one action's who and when, on every reply


def test_page_cache_never_serves_a_page_older_than_the_last_change(article):
    """A writer changes the headline again and again while readers read; a read that starts
    after a change is committed always sees that change or a later one."""
    url = article.get_absolute_url()
    committed = {"version": 0}
    stale, reads = [], Counter()
    done = threading.Event()

    def writer():
        for version in range(1, 26):  # each published as the desk does ("Publish changes")
            publish_changes(article, headline=f"Busy story, take {version}")
            committed["version"] = version
        done.set()

    def reader():
        client = Client()
        while not done.is_set() or reads["after"] < 20:
            floor = committed["version"]
            page = client.get(url).content.decode()
            seen = re.search(r"Busy story(?:, take (\d+))?", page)
            version = int(seen[1] or 0) if seen else -1
            reads["all"] += 1
            if done.is_set():
                reads["after"] += 1
            if version < floor:
                stale.append((floor, version))

    at_once(writer, *([reader] * 6))
    assert stale == []
    assert reads["all"] > 50
    final = Client().get(url).content.decode()
    assert "Busy story, take 25" in final
