"""Repliers' privacy: client details dropped after the retention period, and a replier's
details erased on request while the moderation record stays."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from comments.models import Reply
from tests.factories import make_article, make_reply

pytestmark = pytest.mark.django_db


def _reply(article, days_ago, **fields):
    return make_reply(
        article,
        created_at=timezone.now() - timedelta(days=days_ago),
        ip_hash="a" * 32,
        user_agent="Firefox/140",
        **fields,
    )


def test_client_details_are_dropped_after_the_retention_period(settings, capsys):
    settings.REPLY_CLIENT_DETAILS_DAYS = 30
    article = make_article()
    old, recent = _reply(article, 31), _reply(article, 29)
    call_command("forget_reply_clients")
    assert "Dropped the client details of 1 reply older than 30 days." in capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_hash, old.user_agent) == ("", "")
    assert (recent.ip_hash, recent.user_agent) == ("a" * 32, "Firefox/140")
    assert old.name and old.email and old.body  # only the client details go


def test_the_retention_period_can_be_given_on_the_command_line(capsys):
    article = make_article()
    _reply(article, 3)
    call_command("forget_reply_clients", "--days", "2")
    assert "1 reply older than 2 days" in capsys.readouterr().out
    assert not Reply.objects.exclude(ip_hash="").exists()


def _erase(client, *replies, confirmed=True):
    data = {"action": "erase_repliers", "_selected_action": [r.pk for r in replies]}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post("/admin/comments/reply/", data)


def test_erasure_asks_first_and_says_what_it_will_do(moderator_client):
    article = make_article()
    chosen = _reply(article, 1, name="Ada", email="ada@example.org")
    _reply(article, 2, name="Ada L.", email="ADA@example.org")
    response = _erase(moderator_client, chosen, confirmed=False)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 replies" in page
    assert "ada@example.org" in page
    assert "cannot be undone" in page
    assert Reply.objects.filter(name__startswith="Ada").count() == 2


def test_erasure_removes_the_person_from_all_their_replies_and_keeps_the_record(
    moderator_client, moderator, client
):
    article = make_article()
    chosen = _reply(article, 1, name="Ada", email="ada@example.org", website="https://ada.example")
    other = _reply(
        article,
        2,
        name="Ada L.",
        email="ADA@example.org",
        status=Reply.Status.SPAM,
        rules=" blocked_word ",
        moderation_reason="Blocked words: spam.",
    )
    bystander = _reply(article, 1, name="Bob", email="bob@example.org")
    Reply.objects.filter(pk=chosen.pk).update(moderated_by=moderator)

    response = _erase(moderator_client, chosen)
    assert response.status_code == 302
    for reply in (chosen, other):
        reply.refresh_from_db()
        assert reply.name == "Anonymous"
        assert (reply.email, reply.website, reply.ip_hash, reply.user_agent) == ("",) * 4
        assert reply.erased_at is not None
    # The moderation record stays.
    assert other.status == Reply.Status.SPAM
    assert other.rules == " blocked_word "
    assert other.moderation_reason == "Blocked words: spam."
    assert chosen.moderated_by == moderator
    bystander.refresh_from_db()
    assert bystander.name == "Bob"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ERASE)
    assert entry.actor == moderator
    assert str(chosen.pk) in entry.detail and str(other.pk) in entry.detail

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Anonymous" in page
    assert "Ada" not in page
    assert "ada.example" not in page


def test_only_moderators_may_erase(client, writer):
    article = make_article()
    reply = _reply(article, 1, name="Ada", email="ada@example.org")
    client.force_login(writer)
    _erase(client, reply)
    reply.refresh_from_db()
    assert reply.name == "Ada"
