"""A breaking-news alert: "Send as alert" on a published story's page leads to a page saying how
many will receive it; sending it goes to the alerts list's receiving subscribers, once per
story (a second try is told so), and is written to the desk log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from audit.models import AuditEntry
from newsletters.models import Edition, Newsletter
from tests.factories import make_article, run_worker
from tests.newsletter_helpers import make_list, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(settings):
    settings.NEWSLETTER_SEND_RATE = 1000
    newsletter = make_list(Newsletter.Kind.ALERTS, name="Breaking news")
    for name in ("ada", "bob", "cy"):
        subscribe(f"{name}@example.org", newsletter)
    subscribe("unconfirmed@example.org", newsletter, confirmed=False)
    subscribe("digest-only@example.org", make_list())
    return newsletter


def _alert_url(article):
    return f"/admin/newsletters/edition/alert/{article.pk}/"


def test_the_link_is_on_published_stories_pages_only(editor_client, alerts):
    published = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(publish_at=timezone.now() + timedelta(hours=1))
    page = editor_client.get(f"/admin/articles/article/{published.pk}/change/").content.decode()
    assert f'href="{_alert_url(published)}">Send as alert<' in page
    for other in (draft, scheduled):
        page = editor_client.get(f"/admin/articles/article/{other.pk}/change/").content.decode()
        assert "Send as alert" not in page


def test_an_alert_says_to_how_many_then_goes_once_and_is_logged(
    editor_client, editor, alerts, mail_server
):
    story = make_article(headline="Bridge closed after collision")
    page = editor_client.get(_alert_url(story)).content.decode()
    assert "Send the alert to 3 subscribers" in page
    response = editor_client.post(_alert_url(story), follow=True)
    assert "is being sent as an alert" in response.content.decode()
    run_worker()
    assert sorted(m["To"] for m in mail_server.messages) == [
        "ada@example.org",
        "bob@example.org",
        "cy@example.org",
    ]
    assert all(m["Subject"] == "Bridge closed after collision" for m in mail_server.messages)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.NEWSLETTER_ALERT)
    assert entry.article == story and entry.actor == editor
    assert "to 3 subscribers" in entry.detail

    again = editor_client.post(_alert_url(story), follow=True).content.decode()
    assert "This story was already sent as an alert" in again
    assert "already sent as an alert" in editor_client.get(_alert_url(story)).content.decode()
    run_worker()
    assert len(mail_server.messages) == 3 and Edition.objects.count() == 1


def test_an_unpublished_story_or_no_alerts_list_is_refused_with_a_reason(editor_client, alerts):
    draft = make_article(status=Article.Status.DRAFT)
    page = editor_client.post(_alert_url(draft), follow=True).content.decode()
    assert "Only a story readers can see is sent as an alert." in page
    alerts.delete()
    page = editor_client.get(_alert_url(make_article())).content.decode()
    assert "There is no breaking-news alerts list" in page
    assert not Edition.objects.exists()


def test_writers_cannot_send_alerts(writer_client, alerts):
    story = make_article()
    assert writer_client.post(_alert_url(story)).status_code == 403
    assert not Edition.objects.exists()
