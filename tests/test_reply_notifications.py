"""Reply notifications: a replier who ticked "E-mail me when someone answers" is e-mailed an
answer once it is approved (never a held, rejected or spam one, never their own), at most once
an hour for each thread, with a one-click unsubscribe; staff answer from the queue, marked as
the newsroom's. Through a real SMTP server (the `mail_server` fixture) and the worker."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from comments import moderation
from comments.models import ModerationSettings, Reply
from tests.factories import make_article, make_reply, page_body, reply_data, run_worker

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_reply_changelist")
ASKER = "asker@example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.SITE_NAME = "The Newsroom"


def asking(article, **fields) -> Reply:
    """An approved reply whose replier asked to be told of answers."""
    return make_reply(article, **{"name": "Asha", "email": ASKER, "notify_answers": True} | fields)


def answer(article, parent, status="pending", **fields) -> Reply:
    return make_reply(article, parent=parent, status=status, **fields)


def act(moderator_client, action, *replies):
    """A moderator's action on the queue, as the admin sends it."""
    response = moderator_client.post(
        QUEUE, {"action": action, "_selected_action": [r.pk for r in replies]}
    )
    assert response.status_code == 302


def sent_to(mail_server, address=ASKER) -> list:
    return mail_server.to(address)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def test_the_box_is_labelled_off_by_default_and_stored_when_ticked(client):
    article = make_article()
    body = page_body(client, article.get_absolute_url())
    box = re.search(r"<input [^>]*name=\"notify_answers\"[^>]*>", body).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    assert 'aria-describedby="id_notify_answers_helptext"' in box
    assert '<label for="id_notify_answers">E-mail me when someone answers</label>' in body
    url = reverse("comments:post", args=[article.pk])
    client.post(url, reply_data(body="Ticked.", notify_answers="on"))
    client.post(url, reply_data(body="Not ticked.", email="other@example.org"))
    assert dict(Reply.objects.values_list("body", "notify_answers")) == {
        "Ticked.": True,
        "Not ticked.": False,
    }


def test_a_form_with_an_error_keeps_the_box_ticked(client):
    article = make_article()
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        reply_data(email="not an address", notify_answers="on", body="Keep me."),
    )
    assert response.status_code == 400
    box = re.search(r"<input [^>]*name=\"notify_answers\"[^>]*>", response.content.decode())
    assert "checked" in box.group(0)


def test_an_answer_is_mailed_once_a_moderator_approves_it(client, moderator_client, mail_server):
    article = make_article(headline="Ferry timetable changes")
    asked = asking(article, body="Will the early ferry still run?")
    client.post(
        reverse("comments:post", args=[article.pk]),
        reply_data(name="Ben", body="It runs at 6:10 from May.", parent=str(asked.pk)),
    )
    answered = Reply.objects.get(parent=asked)
    assert answered.status == "pending", "held: a first reply from this address"
    run_worker()
    assert sent_to(mail_server) == [], "nothing on posting a held reply"

    act(moderator_client, "approve_selected", answered)
    assert sent_to(mail_server) == [], "sent by the worker, not in the moderator's request"
    run_worker()
    (message,) = sent_to(mail_server)
    assert message["Subject"].strip() == "A reader answered you under “Ferry timetable changes”"
    assert "Ben wrote:" in text_of(message), "the reader's name is in the e-mail, not its subject"
    link = f"https://news.example.org{article.get_absolute_url()}#reply-{answered.pk}"
    assert "It runs at 6:10 from May." in text_of(message) and link in text_of(message)
    assert "It runs at 6:10 from May." in html_of(message) and f'href="{link}"' in html_of(message)
    leave = message["List-Unsubscribe"].strip().strip("<>")
    assert leave.startswith("https://news.example.org/replies/notifications/leave/")
    assert ASKER not in leave, "the address is never in the link"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert leave in text_of(message)
    run_worker()
    assert len(sent_to(mail_server)) == 1, "each answer is told once"


def test_held_rejected_and_spam_answers_send_nothing(moderator_client, mail_server):
    article = make_article()
    asked = asking(article)
    held, rejected, spam = (answer(article, asked, body=f"Answer {n}") for n in range(3))
    act(moderator_client, "reject_selected", rejected)
    act(moderator_client, "mark_selected_as_spam", spam)
    run_worker()
    assert sent_to(mail_server) == []
    assert Reply.objects.get(pk=held.pk).status == "pending"


def test_an_answer_the_rules_approve_at_posting_is_mailed(client, mail_server):
    ModerationSettings.objects.update_or_create(
        pk=1, defaults={"moderate_all": False, "hold_first_replies": False}
    )
    article = make_article()
    asked = asking(article)
    client.post(
        reverse("comments:post", args=[article.pk]),
        reply_data(body="Published at once.", parent=str(asked.pk)),
    )
    assert Reply.objects.get(parent=asked).status == "approved"
    run_worker()
    (message,) = sent_to(mail_server)
    assert "Published at once." in text_of(message)


def test_nobody_is_told_of_their_own_answer_or_without_asking(moderator_client, mail_server):
    article = make_article()
    asked = asking(article)
    own = answer(article, asked, email=ASKER.upper(), body="Adding to my own reply.")
    silent = make_reply(article, email="quiet@example.org")  # did not tick the box
    other = answer(article, silent, body="An answer to someone who did not ask.")
    act(moderator_client, "approve_selected", own, other)
    run_worker()
    assert mail_server.messages == []


def _answer_later(clock, moderator_client, article, asked, minutes, body):
    clock.advance(minutes * 60)
    reply = answer(article, asked, body=body)
    act(moderator_client, "approve_selected", reply)
    run_worker()
    return reply


def test_answers_within_the_hour_are_gathered_into_the_next_email(
    clock, moderator_client, mail_server
):
    article = make_article()
    asked = asking(article)
    _answer_later(clock, moderator_client, article, asked, 0, "First answer.")
    assert len(sent_to(mail_server)) == 1
    _answer_later(clock, moderator_client, article, asked, 10, "Second answer.")
    _answer_later(clock, moderator_client, article, asked, 10, "Third answer.")
    assert len(sent_to(mail_server)) == 1, "at most one e-mail an hour for the thread"
    waiting = DBTaskResult.objects.filter(task_path="comments.tasks.send_answers", status="READY")
    assert waiting.exists(), "a send queued for when the hour is up"

    clock.advance(39 * 60)  # 59 minutes after the first e-mail
    run_worker()
    assert len(sent_to(mail_server)) == 1
    clock.advance(2 * 60)
    run_worker()
    first, second = sent_to(mail_server)
    assert "First answer." in text_of(first)
    assert "Second answer." in text_of(second) and "Third answer." in text_of(second)
    assert "First answer." not in text_of(second)
    assert second["Subject"].strip().startswith("2 answers to you under")
    run_worker()
    assert len(sent_to(mail_server)) == 2


def test_another_thread_is_not_held_back_by_the_hour(clock, moderator_client, mail_server):
    article = make_article()
    one, two = asking(article, body="Thread one."), asking(article, body="Thread two.")
    for asked in (one, two):
        act(moderator_client, "approve_selected", answer(article, asked))
    run_worker()
    assert len(sent_to(mail_server)) == 2


def _mailed_leave_link(moderator_client, mail_server, article, asked) -> str:
    act(moderator_client, "approve_selected", answer(article, asked))
    run_worker()
    return sent_to(mail_server)[-1]["List-Unsubscribe"].strip().strip("<>")


def test_one_click_unsubscribe_from_a_mail_client_stops_every_notification(
    moderator_client, mail_server
):
    article, elsewhere = make_article(), make_article()
    asked = asking(article)
    also_asked = asking(elsewhere, email="Asker@Example.org")
    link = _mailed_leave_link(moderator_client, mail_server, article, asked)

    # As a mail client sends it (RFC 8058): a POST with this body, no cookie, no token, from
    # another origin.
    mail_client = Client(enforce_csrf_checks=True)
    for _ in range(2):  # asking twice says the same
        response = mail_client.post(
            urlsplit(link).path,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
            headers={"origin": "https://mail.example.com", "sec-fetch-site": "cross-site"},
        )
        assert response.status_code == 200
        assert "We will not e-mail you again" in response.content.decode()
        assert not response.cookies
    assert not Reply.objects.filter(pk__in=[asked.pk, also_asked.pk], notify_answers=True)

    act(moderator_client, "approve_selected", answer(article, asked))
    act(moderator_client, "approve_selected", answer(elsewhere, also_asked))
    run_worker()
    assert len(sent_to(mail_server)) == 1, "nothing more after leaving"


def test_the_link_opened_in_a_browser_shows_one_button(moderator_client, mail_server):
    client = Client()  # the reader's browser
    article = make_article()
    link = _mailed_leave_link(moderator_client, mail_server, article, asking(article))
    page = page_body(client, urlsplit(link).path)
    assert page.count("<button") == 1 + page_body(client, "/").count("<button")
    assert "Stop these e-mails</button>" in page
    assert Reply.objects.get(email=ASKER).notify_answers, "opening the link changes nothing"
    altered = urlsplit(link).path.replace("/leave/", "/leave/x")
    response = client.post(altered)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Reply.objects.get(email=ASKER).notify_answers


def test_an_erased_replier_is_sent_nothing_more(moderator_client, mail_server):
    article = make_article()
    asked = asking(article)
    act(moderator_client, "approve_selected", answer(article, asked))  # queued, not yet sent
    response = moderator_client.post(
        QUEUE,
        {"action": "erase_repliers", "_selected_action": [asked.pk], "confirmed": "yes"},
    )
    assert response.status_code == 302
    run_worker()
    assert mail_server.messages == []
    assert not Reply.objects.get(pk=asked.pk).notify_answers


def test_a_failing_mail_server_is_tried_again(moderator_client, mail_server, caplog):
    mail_server.refuse.add(ASKER)
    article = make_article()
    act(moderator_client, "approve_selected", answer(article, asking(article)))
    run_worker()
    assert any("trying again in 1 min" in r.getMessage() for r in caplog.records)
    assert sent_to(mail_server) == []
    mail_server.refuse.clear()
    retry = DBTaskResult.objects.get(task_path="comments.tasks.send_answers", status="READY")
    assert retry.run_after > timezone.now(), "not before its time"
    retry.run_after = timezone.now()  # the minute has passed
    retry.save(update_fields=["run_after"])
    run_worker()
    assert len(sent_to(mail_server)) == 1


def test_staff_answer_from_the_queue_marked_as_the_newsrooms(
    moderator_client, moderator, mail_server, settings
):
    client = Client()  # a reader's, not the moderator's
    article = make_article()
    asked = asking(article, body="Who checked these figures?")
    queue = moderator_client.get(QUEUE).content.decode()
    answer_url = reverse("admin:comments_reply_answer", args=[asked.pk])
    assert f'href="{answer_url}"' in queue

    form = moderator_client.get(answer_url).content.decode()
    assert "Who checked these figures?" in form and 'name="body"' in form
    too_long = "x" * (settings.REPLY_MAX_LENGTH + 1)
    refused = moderator_client.post(answer_url, {"body": too_long})
    assert refused.status_code == 400
    assert too_long in refused.content.decode(), "what was typed is kept"
    assert "at most 5000 characters (it has 5001)" in refused.content.decode()
    nul = moderator_client.post(answer_url, {"body": "Null\x00 here"})
    assert nul.status_code == 400 and "control characters" in nul.content.decode()
    assert not Reply.objects.filter(from_newsroom=True).exists()

    done = moderator_client.post(answer_url, {"body": "Our data desk, twice."})
    assert done.status_code == 302
    written = Reply.objects.get(from_newsroom=True)
    assert (written.parent, written.status, written.name) == (asked, "approved", "The Newsroom")

    page = page_body(client, article.get_absolute_url())
    shown = page.split(f'id="reply-{written.pk}"', 1)[1].split("</header>", 1)[0]
    assert "The Newsroom" in shown and "From the newsroom" in shown
    assert page.count("From the newsroom") == 1, "only the staff answer carries the badge"
    assert page_body(moderator_client, article.get_absolute_url()) == page, "the same for staff"

    run_worker()
    (message,) = sent_to(mail_server)
    assert message["Subject"].strip() == f"The Newsroom answered you under “{article.headline}”"
    assert "The Newsroom (from the newsroom) wrote:" in text_of(message)
    assert "Our data desk, twice." in text_of(message)
    assert "From the newsroom" in html_of(message)

    entry = AuditEntry.objects.get(subject=f"The newsroom's answer to reply {asked.pk}")
    assert entry.actor == moderator and str(written.pk) in entry.detail


def test_only_a_shown_reply_can_be_answered_and_only_by_moderators(moderator_client, writer):
    article = make_article()
    held = make_reply(article, status="pending")
    url = reverse("admin:comments_reply_answer", args=[held.pk])
    response = moderator_client.post(url, {"body": "Too soon."})
    assert response.status_code == 409
    assert "Approve it first" in response.content.decode()
    shown = make_reply(article)
    url = reverse("admin:comments_reply_answer", args=[shown.pk])
    writer_client = Client()
    writer_client.force_login(writer)
    assert writer_client.post(url, {"body": "Not mine to say."}).status_code == 403
    assert not Reply.objects.filter(from_newsroom=True).exists()


def _article_page_queries(client, article) -> int:
    """The queries of a miss of the article page (the page cache and fragments emptied)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(captured)


def test_the_badge_costs_the_article_page_no_query(client, moderator):
    """The badge is read with the reply's row: an answer from the newsroom in place of a
    reader's leaves the page's queries as they were (pinned in tests/test_query_counts.py)."""
    article = make_article()
    asked = make_reply(article)
    by_reader = answer(article, asked, status="approved")
    client.get(article.get_absolute_url())  # what every process reads once
    reader_answers = _article_page_queries(client, article)
    Reply.objects.filter(pk=by_reader.pk).update(status="rejected")
    moderation.answer(asked, "From the desk.", by=moderator)
    assert _article_page_queries(client, article) == reader_answers
    assert "From the newsroom" in page_body(client, article.get_absolute_url())


def test_mail_after_the_hour_is_not_held(clock, moderator_client, mail_server):
    article = make_article()
    asked = asking(article)
    _answer_later(clock, moderator_client, article, asked, 0, "One.")
    _answer_later(clock, moderator_client, article, asked, 61, "Two.")
    assert len(sent_to(mail_server)) == 2, "an hour after the last e-mail, the next goes at once"
