"""The moderators' queue in the admin: what they see, what they may do, and how fast."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import ModerationSettings, Reply, Rule
from tests.factories import make_article, make_reply

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_reply_changelist")


def test_moderators_cannot_touch_articles_topics_or_users(moderator_client):
    article = make_article()
    for url in (
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_topic_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:comments_moderationsettings_change", args=[ModerationSettings.load().pk]),
    ):
        response = moderator_client.get(url)
        if url.endswith(f"{ModerationSettings.load().pk}/change/"):
            assert b'name="moderate_all"' not in response.content, "settings are read-only"
        else:
            assert response.status_code == 403, url


def test_queue_shows_waiting_replies_first_most_reported_then_oldest(moderator_client):
    article = make_article(headline="Budget day")
    now = timezone.now()
    make_reply(article, body="Already approved", created_at=now - timedelta(hours=5))
    make_reply(article, body="Newest waiting", status="pending", created_at=now)
    make_reply(
        article, body="Oldest waiting", status="pending", created_at=now - timedelta(hours=3)
    )
    make_reply(article, body="Reported back", status="pending", report_count=4, created_at=now)
    page = moderator_client.get(QUEUE).content.decode()
    order = [
        page.index(t)
        for t in ("Reported back", "Oldest waiting", "Newest waiting", "Already approved")
    ]
    assert order == sorted(order)
    assert "Budget day" in page


def test_queue_shows_why_each_reply_was_held_with_words_marked(moderator_client):
    article = make_article()
    make_reply(
        article,
        status="pending",
        body="This looks like fraud to me",
        rules=f" {Rule.WATCHED_WORD} {Rule.LINKS} ",
        moderation_reason="Watched words: fraud.\n3 links (replies with 2 or more wait).",
        matched_words="fraud",
    )
    page = moderator_client.get(QUEUE).content.decode()
    assert "Watched word" in page and "Many links" in page
    assert "Watched words: fraud." in page
    assert "looks like <mark>fraud</mark> to me" in page


def test_queue_filters_by_rule_status_and_searches_email(moderator_client):
    article = make_article()
    make_reply(article, status="pending", body="Held for links", rules=" links ")
    make_reply(article, status="pending", body="Held for words", rules=" watched_word ")
    make_reply(article, status="spam", body="Spammy", email="spammer@bad.example")
    by_rule = moderator_client.get(QUEUE, {"rule": "links"}).content.decode()
    assert "Held for links" in by_rule and "Held for words" not in by_rule
    by_status = moderator_client.get(QUEUE, {"status__exact": "spam"}).content.decode()
    assert "Spammy" in by_status and "Held for links" not in by_status
    by_email = moderator_client.get(QUEUE, {"q": "bad.example"}).content.decode()
    assert "Spammy" in by_email and "Held for words" not in by_email


@pytest.mark.parametrize(
    "action,status,message",
    [
        ("approve_selected", "approved", "2 replies approved."),
        ("reject_selected", "rejected", "2 replies rejected."),
        ("mark_selected_as_spam", "spam", "2 replies marked as spam."),
    ],
)
def test_bulk_actions_record_who_and_when(moderator_client, moderator, action, status, message):
    article = make_article()
    replies = [make_reply(article, status="pending") for _ in range(2)]
    response = moderator_client.post(
        QUEUE, {"action": action, "_selected_action": [r.pk for r in replies]}, follow=True
    )
    assert message in response.content.decode()
    for reply in Reply.objects.all():
        assert reply.status == status
        assert reply.moderated_by == moderator and reply.moderated_at is not None


def test_500_replies_are_moderated_in_a_bounded_number_of_queries(
    moderator_client, django_assert_max_num_queries
):
    article = make_article()
    Reply.objects.bulk_create(
        Reply(article=article, name=f"R{n}", email=f"r{n}@example.org", body=f"Reply {n}")
        for n in range(500)
    )
    selected = list(Reply.objects.values_list("pk", flat=True))
    # Select, update, log, the article's reply count (aggregate, store), and which of them
    # answer a replier who asked to be told (comments/notifications.py): not one per reply.
    # 2 of them: whether this moderator set up a second step (newsroom/desk/second_factor.py).
    with django_assert_max_num_queries(18):
        moderator_client.post(QUEUE, {"action": "approve_selected", "_selected_action": selected})
    assert Reply.objects.approved().count() == 500


def test_queue_page_queries_do_not_grow_with_replies(
    moderator_client, django_assert_max_num_queries
):
    for article in (make_article(), make_article()):
        for _ in range(30):
            make_reply(article, status="pending")
    # 2 of them: whether this moderator set up a second step (newsroom/desk/second_factor.py).
    with django_assert_max_num_queries(14):
        assert moderator_client.get(QUEUE).status_code == 200


def test_changing_the_status_on_the_form_goes_through_the_same_rules(moderator_client, moderator):
    reply = make_reply(make_article(), status="pending")
    response = moderator_client.post(
        reverse("admin:comments_reply_change", args=[reply.pk]), {"status": "approved"}
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == "approved" and reply.moderated_by == moderator


def test_admin_front_page_shows_how_many_replies_wait(moderator_client):
    article = make_article()
    for _ in range(3):
        make_reply(article, status="pending")
    page = moderator_client.get(reverse("admin:index")).content.decode()
    assert "3 replies awaiting moderation" in page


def test_writers_see_no_reply_queue(writer_client):
    assert writer_client.get(QUEUE).status_code == 403
    assert "awaiting moderation" not in writer_client.get(reverse("admin:index")).content.decode()


def test_editors_change_the_moderation_settings(editor_client):
    options = ModerationSettings.load()
    assert (
        editor_client.get(reverse("admin:comments_moderationsettings_changelist")).status_code
        == 302
    )
    response = editor_client.post(
        reverse("admin:comments_moderationsettings_change", args=[options.pk]),
        {
            "moderate_all": "",
            "hold_first_replies": "on",
            "max_links": 3,
            "watched_words": "fraud",
            "blocked_words": "",
            "held_senders": "",
            "blocked_senders": "spam.example",
        },
    )
    assert response.status_code == 302
    options.refresh_from_db()
    assert options.moderate_all is False and options.max_links == 3
    assert options.blocked_senders == "spam.example"
