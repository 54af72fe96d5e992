"""Subscribers' addresses as personal data, in the desk: erased on request (with what was
sent to them) and logged without the address; erased with a replier who asks to be forgotten;
exported as CSV only by staff holding its own permission, and logged (who, when, how many)."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from audit.models import AuditEntry
from newsletters import privacy
from newsletters.models import Delivery, Edition, Newsletter, Subscriber
from tests.factories import make_article, make_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers():
    briefing = Newsletter.objects.create(name="The Morning Briefing", slug="briefing")
    edition = Edition.objects.create(newsletter=briefing, subject="Monday")
    made = []
    for name in ("ada", "bob", "=cmd"):
        s = Subscriber.objects.create(email=f"{name}@example.org", confirmed_at="2026-01-01T00:00Z")
        s.newsletters.add(briefing)
        Delivery.objects.create(edition=edition, subscriber=s, status=Delivery.Status.ACCEPTED)
        made.append(s)
    return made


def _act(client, action, chosen, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in chosen], **extra}
    return client.post("/admin/newsletters/subscriber/", data)


def test_erasing_asks_first_then_deletes_the_address_and_its_deliveries(
    editor_client, editor, subscribers
):
    ada, bob, _ = subscribers
    asked = _act(editor_client, "erase_selected", [ada, bob])
    assert asked.status_code == 200
    assert "This cannot be undone" in asked.content.decode()
    assert Subscriber.objects.count() == 3

    done = _act(editor_client, "erase_selected", [ada, bob], confirmed="yes")
    assert done.status_code == 302
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["=cmd@example.org"]
    assert Delivery.objects.count() == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SUBSCRIBERS_ERASE)
    assert (entry.subject, entry.actor) == ("2 subscribers", editor)
    assert "example.org" not in entry.subject + entry.detail, "the log keeps no address"


def test_erasing_a_replier_erases_the_subscriber_with_their_address(moderator_client, subscribers):
    reply = make_reply(make_article(), email="ADA@example.org")
    moderator_client.post(
        "/admin/comments/reply/",
        {"action": "erase_repliers", "_selected_action": [reply.pk], "confirmed": "yes"},
    )
    assert not Subscriber.objects.filter(email="ada@example.org").exists()
    assert Subscriber.objects.count() == 2
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SUBSCRIBERS_ERASE)
    assert entry.detail == "erased with their replies"


def test_exporting_needs_its_own_permission(editor_client, editor, subscribers):
    page = editor_client.get("/admin/newsletters/subscriber/")
    assert page.status_code == 200
    assert "export_csv" not in page.content.decode(), "editors may not export by default"
    refused = _act(editor_client, "export_csv", subscribers)
    assert refused.get("Content-Type", "").startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SUBSCRIBERS_EXPORT).exists()

    editor.user_permissions.add(Permission.objects.get(codename="export_subscriber"))
    response = _act(editor_client, "export_csv", subscribers)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["email"] for r in rows] == ["ada@example.org", "bob@example.org", "'=cmd@example.org"]
    assert rows[0]["lists"] == "The Morning Briefing"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SUBSCRIBERS_EXPORT)
    assert (entry.actor, entry.subject) == (editor, "3 subscribers")


def test_the_desk_finds_subscribers_and_counts_each_lists_readers(editor_client, subscribers):
    Subscriber.objects.create(email="waiting@example.org").newsletters.add(Newsletter.objects.get())
    found = editor_client.get("/admin/newsletters/subscriber/?q=bob")
    assert "bob@example.org" in found.content.decode()
    assert "ada@example.org" not in found.content.decode()
    waiting = editor_client.get("/admin/newsletters/subscriber/?confirmed=no")
    assert "waiting@example.org" in waiting.content.decode()
    assert "ada@example.org" not in waiting.content.decode()
    lists = editor_client.get("/admin/newsletters/newsletter/").content.decode()
    assert '<td class="field-receiving">3</td>' in lists
    assert '<td class="field-waiting">1</td>' in lists


def test_a_list_changed_in_the_desk_is_logged(editor_client):
    response = editor_client.post(
        "/admin/newsletters/newsletter/add/",
        {
            "name": "Science",
            "slug": "science",
            "kind": "digest",
            "position": "3",
            "is_offered": "on",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.NEWSLETTER)
    assert (entry.subject, entry.detail) == ("Science", "added")


def test_addresses_never_confirmed_are_forgotten_a_week_after_their_last_sign_up(client, clock):
    Newsletter.objects.create(name="The Morning Briefing", slug="briefing")
    confirmed = Subscriber.objects.create(
        email="kept@example.org", confirmed_at="2026-01-01T00:00Z"
    )
    Subscriber.objects.create(email="typed@example.org")
    clock.advance(6 * 24 * 3600)
    asked_again = Subscriber.objects.create(email="again@example.org")
    clock.advance(3 * 24 * 3600)
    client.post(
        "/newsletters/subscribe",
        {"email": "again@example.org", "lists": [Newsletter.objects.get().pk]},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    clock.advance(5 * 24 * 3600)
    assert privacy.forget_unconfirmed() == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        confirmed.email,
        asked_again.email,
    }
