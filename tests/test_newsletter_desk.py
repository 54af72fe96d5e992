"""Editions at the desk: a new one is built from its list's window; its subject, introduction,
stories (order, drop, add) and time can be changed until it goes; the e-mail is previewed as
readers get it and sent as a test to the editor; "Send now" says to how many and sends once
however often it is clicked; afterwards the page shows what came of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from newsletters import sending
from newsletters.models import Delivery, Edition, Subscriber
from tests.factories import make_article, run_worker
from tests.newsletter_helpers import make_list, subscribe

pytestmark = pytest.mark.django_db
EDITIONS = "/admin/newsletters/edition/"


@pytest.fixture
def newsletter(settings):
    settings.NEWSLETTER_SEND_RATE = 1000
    return make_list(name="The Morning Briefing")


def _change_form(edition, **changes) -> dict:
    data = {
        "subject": edition.subject,
        "intro": edition.intro,
        "send_after_0": "",
        "send_after_1": "",
    }
    for n, pk in enumerate(edition.stories, start=1):
        data[f"story_{pk}_position"] = n
    return data | changes


def test_a_new_edition_is_built_from_its_lists_window(editor_client, newsletter):
    now = timezone.now()
    make_article(headline="Older", publish_at=now - timedelta(hours=5))
    make_article(headline="Newer", publish_at=now - timedelta(hours=1))
    make_article(headline="Last week", publish_at=now - timedelta(days=7))
    response = editor_client.post(f"{EDITIONS}add/", {"newsletter": newsletter.pk, "subject": ""})
    assert response.status_code == 302
    edition = Edition.objects.get()
    assert edition.subject.startswith("The Morning Briefing: ")
    page = editor_client.get(f"{EDITIONS}{edition.pk}/change/").content.decode()
    assert page.index("Newer") < page.index("Older") and "Last week" not in page
    assert "Preview (HTML)" in page and "Send a test to me" in page and "Send now" in page


def test_stories_are_reordered_dropped_and_added_with_an_introduction(editor_client, newsletter):
    first, second, third = (make_article(headline=h) for h in ("First", "Second", "Third"))
    extra = make_article(headline="Extra", publish_at=timezone.now() - timedelta(days=3))
    edition = Edition.objects.create(
        newsletter=newsletter, subject="Morning", stories=[first.pk, second.pk, third.pk]
    )
    data = _change_form(
        edition,
        intro="A calm night.",
        add_story=f"https://news.example.org/news/{extra.slug}",
        **{f"story_{first.pk}_position": 3, f"story_{second.pk}_drop": "on"},
    )
    response = editor_client.post(f"{EDITIONS}{edition.pk}/change/", data)
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.stories == [third.pk, first.pk, extra.pk]
    assert edition.intro == "A calm night."


def test_bad_input_is_named_and_nothing_typed_is_lost(editor_client, newsletter):
    story = make_article(headline="Only story")
    edition = Edition.objects.create(newsletter=newsletter, subject="Morning", stories=[story.pk])
    data = _change_form(edition, intro="x" * 1001, add_story="no-such-story")
    response = editor_client.post(f"{EDITIONS}{edition.pk}/change/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 1000 characters (it has 1001)." in page
    assert "No story readers can see has that address or number." in page
    assert "no-such-story" in page and "x" * 1001 in page
    past = _change_form(edition, send_after_0="2020-01-01", send_after_1="06:30")
    response = editor_client.post(f"{EDITIONS}{edition.pk}/change/", past)
    assert "Choose a time to come" in response.content.decode()
    edition.refresh_from_db()
    assert edition.intro == "" and edition.status == Edition.Status.DRAFT


def test_a_time_schedules_the_edition_and_it_goes_then(
    editor_client, newsletter, clock, mail_server
):
    subscribe("ada@example.org", newsletter)
    edition = Edition.objects.create(newsletter=newsletter, subject="Morning")
    when = timezone.localtime() + timedelta(hours=1)
    data = _change_form(edition, send_after_0=f"{when:%Y-%m-%d}", send_after_1=f"{when:%H:%M:%S}")
    assert editor_client.post(f"{EDITIONS}{edition.pk}/change/", data).status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    run_worker()
    assert not mail_server.messages
    clock.advance(3601)
    run_worker()
    assert [m["To"] for m in mail_server.messages] == ["ada@example.org"]


def test_the_preview_is_the_email_as_readers_get_it(editor_client, newsletter):
    story = make_article(headline="Harbour reopens")
    edition = Edition.objects.create(
        newsletter=newsletter, subject="Morning", intro="Hello.", stories=[story.pk]
    )
    html = editor_client.get(f"{EDITIONS}{edition.pk}/preview.html")
    text = editor_client.get(f"{EDITIONS}{edition.pk}/preview.txt")
    assert html["Content-Type"].startswith("text/html")
    assert text["Content-Type"].startswith("text/plain")
    for response in (html, text):
        body = response.content.decode()
        assert "Harbour reopens" in body and "Hello." in body and "Unsubscribe from all" in body


def test_a_test_goes_to_the_editor_only(editor_client, editor, newsletter, mail_server):
    subscribe("ada@example.org", newsletter)
    edition = Edition.objects.create(newsletter=newsletter, subject="Morning")
    response = editor_client.post(f"{EDITIONS}{edition.pk}/test/", follow=True)
    assert f"A test was sent to {editor.email}." in response.content.decode()
    (sent,) = mail_server.messages
    assert sent["To"] == editor.email and sent["Subject"] == "[Test] Morning"
    assert not Delivery.objects.exists()
    assert Edition.objects.get().status == Edition.Status.DRAFT


def test_send_now_says_to_how_many_and_sends_once_however_often_clicked(
    editor_client, newsletter, mail_server
):
    for name in ("ada", "bob"):
        subscribe(f"{name}@example.org", newsletter)
    subscribe("unconfirmed@example.org", newsletter, confirmed=False)
    edition = Edition.objects.create(newsletter=newsletter, subject="Morning")
    page = editor_client.get(f"{EDITIONS}{edition.pk}/send/").content.decode()
    assert "Send to 2 subscribers" in page
    editor_client.post(f"{EDITIONS}{edition.pk}/send/")
    again = editor_client.post(f"{EDITIONS}{edition.pk}/send/", follow=True)
    assert "was already sent or being sent" in again.content.decode()
    run_worker()
    assert sorted(m["To"] for m in mail_server.messages) == ["ada@example.org", "bob@example.org"]
    (logged,) = AuditEntry.objects.filter(action=AuditEntry.Action.EDITION_SEND)
    assert logged.subject == "Morning" and logged.detail.startswith("to 2 subscribers")


def test_a_sent_editions_page_shows_sends_refusals_and_unsubscribes(
    editor_client, newsletter, mail_server
):
    ada, _bob, _cy = (subscribe(f"{n}@example.org", newsletter) for n in ("ada", "bob", "cy"))
    mail_server.refuse.add("cy@example.org")
    edition = Edition.objects.create(newsletter=newsletter, subject="Morning")
    sending.start(edition)
    run_worker()
    Subscriber.objects.filter(pk=ada.pk).update(
        stopped_at=timezone.now(), stopped_reason=Subscriber.Stopped.UNSUBSCRIBED
    )
    page = editor_client.get(f"{EDITIONS}{edition.pk}/change/").content.decode()
    assert "Accepted by the mail server: 2. Refused: 1." in page
    assert "cy@example.org: 550 5.1.1 No such mailbox here" in page
    assert "Since it went: 1 unsubscribed, 0 bounced, 0 complained." in page
    assert 'name="intro"' not in page, "no longer editable"
    assert editor_client.post(f"{EDITIONS}{edition.pk}/send/").status_code == 302
    assert len(mail_server.messages) == 2


def test_writers_cannot_send(writer_client, newsletter):
    edition = Edition.objects.create(newsletter=newsletter, subject="Morning")
    assert writer_client.post(f"{EDITIONS}{edition.pk}/send/").status_code == 403
    assert Edition.objects.get().status == Edition.Status.DRAFT
