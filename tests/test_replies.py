"""Readers posting, reading and reporting replies, over HTTP."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import ModerationSettings, Reply, Rule
from tests.factories import make_article, make_reply, reply_data, run_worker

pytestmark = pytest.mark.django_db


def post(client, article, **overrides):
    return client.post(reverse("comments:post", args=[article.pk]), reply_data(**overrides))


@pytest.fixture
def open_policy(db):
    options = ModerationSettings.load()
    options.moderate_all = False
    options.hold_first_replies = False
    options.save()
    return options


def test_article_page_has_the_reply_form_with_labelled_fields(client):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Leave A Reply" in page
    for field, label in [
        ("name", "Name"),
        ("email", "Email"),
        ("website", "Website"),
        ("body", "Reply"),
    ]:
        assert re.search(rf'<label for="id_{field}"[^>]*>{label}</label>', page), label
    assert "Post Reply</button>" in page
    assert 'name="csrfmiddlewaretoken"' not in page, "the same page for every reader"


def notice(page: str, fragment: str) -> str:
    """The text of the notice the page shows when its address ends with #fragment."""
    found = re.search(
        rf'<p class="reply-notice" id="{fragment}" role="status"[^>]*>([^<]+)</p>', page
    )
    assert found, f"no notice #{fragment}"
    return found[1]


def test_valid_reply_is_stored_pending_and_the_reader_is_told_without_a_cookie(client):
    article = make_article()
    response = post(client, article)
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#reply-awaiting"
    assert not response.cookies, "the notice needs no cookie"
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.PENDING
    assert reply.ip_hash and "127.0.0.1" not in reply.ip_hash
    page = client.get(response["Location"]).content.decode()
    assert "awaiting moderation" in notice(page, "reply-awaiting")
    assert "A considered reply." not in page, "pending replies are not shown"
    assert page == Client().get(article.get_absolute_url()).content.decode(), "the same page"


def test_pending_rejected_and_spam_replies_and_emails_are_never_shown(client):
    article = make_article()
    make_reply(article, body="Shown reply", email="shown@example.org")
    for status in ("pending", "rejected", "spam"):
        make_reply(article, body=f"Hidden {status}", status=status, email=f"{status}@example.org")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Shown reply" in page and "1 reply" in page
    assert "Hidden" not in page
    assert "@example.org" not in page


def test_approved_reply_shows_on_the_next_request_and_rejected_disappears(client, moderator):
    article = make_article()
    post(client, article, body="Wait for me")
    reply = Reply.objects.get()
    from comments import moderation

    moderation.approve(Reply.objects.filter(pk=reply.pk), by=moderator)
    assert "Wait for me" in client.get(article.get_absolute_url()).content.decode()
    moderation.reject(Reply.objects.filter(pk=reply.pk), by=moderator)
    assert "Wait for me" not in client.get(article.get_absolute_url()).content.decode()


def test_reply_text_is_shown_as_typed_escaped_with_links_and_line_breaks(client):
    article = make_article()
    make_reply(article, body="<script>alert(1)</script>\nSecond line https://example.org/x")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in page
    assert "<script>alert(1)" not in page
    assert '<a href="https://example.org/x" rel="nofollow ugc noopener">' in page


def test_missing_fields_bring_the_form_back_with_errors_and_what_was_typed(client):
    article = make_article()
    response = post(client, article, name="", email="not-an-email", body="Keep this text")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "Enter a valid email address." in page
    assert "Keep this text</textarea>" in page
    assert 'value="not-an-email"' in page
    assert not Reply.objects.exists()


def test_a_100_kb_reply_gets_the_form_back_with_the_limit(client):
    article = make_article()
    response = post(client, article, body="x" * 100_000)
    assert response.status_code == 400
    assert (
        "Ensure this value has at most 5000 characters (it has 100000)."
        in response.content.decode()
    )
    assert not Reply.objects.exists()


def test_the_reply_limit_is_the_setting_of_the_moment(client, settings):
    settings.REPLY_MAX_LENGTH = 50
    article = make_article()
    assert "Up to 50 characters." in client.get(article.get_absolute_url()).content.decode()
    response = post(client, article, body="x" * 51)
    assert response.status_code == 400
    assert "at most 50 characters (it has 51)" in response.content.decode()
    assert not Reply.objects.exists()


def test_over_long_name_is_refused_with_its_limit(client):
    response = post(client, make_article(), name="n" * 101)
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


@pytest.mark.parametrize("field", ["name", "body"])
def test_nul_and_control_characters_are_refused_with_a_message(client, field):
    response = post(client, make_article(), **{field: "bad\x00text\x07"})
    assert response.status_code == 400
    assert "Remove the control characters" in response.content.decode()
    assert not Reply.objects.exists()


def test_a_name_with_a_line_break_is_refused_and_the_reply_kept(client):
    """A name goes into an e-mail's subject line; a line break there would start a header."""
    response = post(client, make_article(), name="Eve\r\nBcc: x@evil.example", body="My words.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep this on one line" in page and "My words." in page
    assert not Reply.objects.exists()


def test_website_must_be_a_web_address(client):
    response = post(client, make_article(), website="javascript:alert(1)")
    assert response.status_code == 400
    assert "Enter a valid URL." in response.content.decode()


def test_get_on_the_posting_address_is_not_allowed(client):
    assert client.get(reverse("comments:post", args=[make_article().pk])).status_code == 405


def test_replies_to_unpublished_articles_are_404(client):
    draft = make_article(status="draft")
    assert post(client, draft).status_code == 404


def test_closed_article_says_so_and_refuses_posts_keeping_the_text(client):
    article = make_article(allow_replies=False)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Replies are closed for this article." in page
    assert "Post Reply" not in page
    response = post(client, article, body="My late thoughts")
    assert response.status_code == 403
    assert "My late thoughts</textarea>" in response.content.decode()
    assert not Reply.objects.exists()


def test_replies_close_automatically_after_the_set_number_of_days(client, settings):
    settings.REPLY_CLOSE_AFTER_DAYS = 3
    old = make_article(publish_at=timezone.now() - timedelta(days=4))
    fresh = make_article(publish_at=timezone.now() - timedelta(days=1))
    assert post(client, old).status_code == 403
    assert post(client, fresh).status_code == 302


def test_honeypot_reply_is_stored_as_spam_for_review(client):
    article = make_article()
    response = post(client, article, homepage="http://bot.example")
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.SPAM
    assert Rule.HONEYPOT in reply.rule_codes


def test_duplicate_reply_is_refused_with_a_message(client):
    article = make_article()
    assert post(client, article, body="Same words").status_code == 302
    response = post(client, article, body="Same words")
    assert response.status_code == 400
    assert "already posted this reply" in response.content.decode()
    assert Reply.objects.count() == 1


def test_rate_limit_lets_a_burst_through_then_answers_429_keeping_the_text(client):
    article = make_article()
    statuses = [post(client, article, body=f"Reply {n}").status_code for n in range(20)]
    assert statuses[:3] == [302, 302, 302], "a burst of three passes"
    assert 429 in statuses, "trips within 20 replies a minute"
    response = post(client, article, body="One more thought")
    assert response.status_code == 429
    page = response.content.decode()
    assert "try again" in page and "One more thought</textarea>" in page
    assert 'role="alert"' in page


def test_rate_limit_is_per_client(client):
    article = make_article()
    for n in range(20):
        post(client, article, body=f"Reply {n}")
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert post(other, article, body="From elsewhere").status_code == 302


def test_reply_link_answers_inside_the_thread(client, open_policy):
    article = make_article()
    thread = make_reply(article, name="Olena")
    page = client.get(f"{article.get_absolute_url()}?replyto={thread.pk}").content.decode()
    assert "Replying to" in page and f'name="parent" value="{thread.pk}"' in page
    post(client, article, parent=thread.pk, body="An answer")
    answer = Reply.objects.get(body="An answer")
    assert answer.parent == thread and answer.thread == thread and answer.depth == 1
    page = client.get(article.get_absolute_url()).content.decode()
    nested = page.split(f'id="reply-{thread.pk}"')[1]
    assert "An answer" in nested.split('class="reply-children"')[1]


def test_threads_stop_at_the_maximum_depth(client, open_policy):
    article = make_article()
    first = make_reply(article)
    second = make_reply(article, parent=first)
    third = make_reply(article, parent=second)
    post(client, article, parent=third.pk, body="Too deep")
    assert Reply.objects.get(body="Too deep").parent == second
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"?replyto={third.pk}" not in page
    assert f"?replyto={second.pk}" in page


def test_answering_a_reply_that_is_gone_keeps_the_text(client):
    article = make_article()
    gone = make_reply(article, status="rejected")
    response = post(client, article, parent=gone.pk, body="Answer to nothing")
    assert response.status_code == 400
    assert "no longer shown" in response.content.decode()
    assert "Answer to nothing</textarea>" in response.content.decode()


def test_published_at_once_when_the_policy_approves(client, open_policy):
    article = make_article()
    response = post(client, article, body="Straight on")
    reply = Reply.objects.get()
    assert reply.status == "approved"
    assert response["Location"].endswith(f"#reply-{reply.pk}")
    page = client.get(response["Location"]).content.decode()
    assert re.search(rf'<li class="reply" id="reply-{reply.pk}">.*Straight on', page, re.S)


def test_replies_are_paginated_by_thread(client, settings):
    settings.REPLY_PAGE_SIZE = 2
    article = make_article()
    for n in range(5):
        make_reply(article, body=f"Thread {n}", created_at=timezone.now() + timedelta(minutes=n))
    first = client.get(article.get_absolute_url()).content.decode()
    third = client.get(f"{article.get_absolute_url()}?replies=3").content.decode()
    assert "Thread 0" in first and "Thread 2" not in first
    assert "Thread 4" in third and "Replies page 3 of 3" in third
    assert "5 replies" in first


def test_moderators_are_emailed_when_a_reply_waits(client, settings):
    settings.REPLY_NOTIFY_EMAILS = ["desk@example.org"]
    article = make_article(headline="Budget day")
    post(client, article, body="Please check")
    assert mail.outbox == [], "the reader's request does not wait for the mail server"
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["desk@example.org"]
    assert "Budget day" in mail.outbox[0].subject
    assert "Why it waits: No reply from this e-mail address has been approved yet." in (
        mail.outbox[0].body
    )


def test_readers_report_a_reply_and_enough_reports_send_it_back(settings):
    settings.REPLY_REPORT_THRESHOLD = 2
    article = make_article()
    reply = make_reply(article, body="Questionable")
    url = reverse("comments:report", args=[reply.pk])
    first = Client(REMOTE_ADDR="10.0.0.1")
    first.post(url)
    first.post(url)  # the same reader counts once
    assert Reply.objects.get(pk=reply.pk).report_count == 1
    response = Client(REMOTE_ADDR="10.0.0.2").post(url)
    assert response["Location"] == f"{article.get_absolute_url()}#reply-reported"
    page = Client().get(response["Location"]).content.decode()
    assert "Moderators will look at the reply you reported" in notice(page, "reply-reported")
    reply.refresh_from_db()
    assert reply.status == "pending" and reply.report_count == 2
    assert "Questionable" not in Client().get(article.get_absolute_url()).content.decode()


def test_report_refuses_other_sites_and_gets():
    reply = make_reply(make_article())
    url = reverse("comments:report", args=[reply.pk])
    forged = Client().post(url, headers={"sec-fetch-site": "cross-site"})
    assert forged.status_code == 403
    reply.refresh_from_db()
    assert reply.report_count == 0
    assert Client().get(url).status_code == 405


def test_article_page_queries_do_not_grow_with_replies(
    client, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what the view itself costs
    article = make_article()
    for _ in range(40):
        thread = make_reply(article)
        make_reply(article, parent=make_reply(article, parent=thread))
    client.get("/")  # the header and footer are read once per purge: read them first
    with django_assert_max_num_queries(6):
        page = client.get(article.get_absolute_url()).content.decode()
    assert "120 replies" in page
