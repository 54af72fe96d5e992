"""A subscriber's own pages, opened from the links in their e-mail with no account: the
preferences (change lists, leave all) and the one-click unsubscribe of RFC 8058, which mail
clients send as a POST from no page of ours, with no cookie and no token."""

import pytest
from django.test import Client

from newsletters import links
from newsletters.models import Newsletter, Subscriber
from tests.factories import make_topic, run_worker

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture
def reader(settings):
    settings.SITE_URL = SITE
    briefing = Newsletter.objects.create(name="The Morning Briefing", slug="briefing")
    Newsletter.objects.create(name="Breaking news alerts", slug="alerts", position=2)
    reader = Subscriber.objects.create(email="ada@example.org", confirmed_at="2026-01-01T00:00Z")
    reader.newsletters.add(briefing)
    return reader


def path(url: str) -> str:
    return url.removeprefix(SITE)


def test_one_click_unsubscribe_by_a_mail_client_from_anywhere(reader):
    """RFC 8058: a POST of `List-Unsubscribe=One-Click`, cross-origin, no cookie, no token."""
    mail_client = Client(enforce_csrf_checks=True)
    leave = path(links.leave_url(reader))
    for _ in range(2):  # asked twice, the same answer
        response = mail_client.post(
            leave,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
            HTTP_SEC_FETCH_SITE="cross-site",
            HTTP_ORIGIN="https://mail.example.com",
        )
        assert response.status_code == 200
        assert "You have left our newsletters" in response.content.decode()
    reader.refresh_from_db()
    assert reader.stopped_reason == Subscriber.Stopped.UNSUBSCRIBED
    assert not reader.newsletters.exists()
    assert not Subscriber.objects.receiving().exists()


def test_following_the_leave_link_asks_for_one_press(client, reader):
    leave = path(links.leave_url(reader))
    page = client.get(leave)
    assert page.status_code == 200
    assert "<button" in page.content.decode() and "Unsubscribe" in page.content.decode()
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "no-referrer"
    assert Subscriber.objects.receiving().exists(), "a GET changes nothing"
    assert client.post(leave, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
    assert not Subscriber.objects.receiving().exists()


def test_only_the_leave_path_takes_posts_from_other_sites(reader):
    other_site = {"HTTP_SEC_FETCH_SITE": "cross-site"}
    prefs = path(links.preferences_url(reader))
    assert Client().post(prefs, {"leave": "1"}, **other_site).status_code == 403
    assert Subscriber.objects.receiving().exists()


def test_changing_lists_and_leaving_them_all(client, reader):
    alerts = Newsletter.objects.get(slug="alerts")
    prefs = path(links.preferences_url(reader))
    page = client.get(prefs)
    assert page.status_code == 200
    assert "Breaking news alerts" in page.content.decode()

    saved = client.post(prefs, {"lists": [alerts.pk]}, HTTP_SEC_FETCH_SITE="same-origin")
    assert saved.status_code == 200
    assert "Your choice is saved." in saved.content.decode()
    assert list(reader.newsletters.all()) == [alerts]

    left = client.post(prefs, {"leave": "1"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert "You will receive no more newsletters" in left.content.decode()
    assert not reader.newsletters.exists()
    assert not Subscriber.objects.receiving().exists()

    # Changed their mind: choosing a list again receives it again.
    client.post(prefs, {"lists": [alerts.pk]}, HTTP_SEC_FETCH_SITE="same-origin")
    assert list(Subscriber.objects.receiving().get().newsletters.all()) == [alerts]


def test_a_list_not_offered_stays_choosable_only_to_leave_it(client, reader):
    hidden = Newsletter.objects.create(name="Old list", slug="old", is_offered=False)
    other = Newsletter.objects.create(name="Secret list", slug="secret", is_offered=False)
    reader.newsletters.add(hidden)
    prefs = path(links.preferences_url(reader))
    body = client.get(prefs).content.decode()
    assert "Old list" in body and "Secret list" not in body
    refused = client.post(prefs, {"lists": [other.pk]}, HTTP_SEC_FETCH_SITE="same-origin")
    assert refused.status_code == 400
    assert "no longer offered" in refused.content.decode()


def test_a_server_stopped_address_comes_back_only_through_its_own_preferences_link(
    client, reader, mail_server
):
    """Bounced or marked as spam: a sign-up typed by anyone sends it nothing at all; its owner,
    holding the preferences link only that inbox was ever sent, ticks a list and receives again."""
    Subscriber.objects.filter(pk=reader.pk).update(
        stopped_at="2026-02-01T00:00Z", stopped_reason=Subscriber.Stopped.COMPLAINED
    )
    signed_up = client.post(
        "/newsletters/subscribe",
        {"email": "ada@example.org", "lists": [reader.newsletters.get().pk]},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert signed_up.status_code == 200 and "Check your inbox" in signed_up.content.decode()
    run_worker()
    assert mail_server.to("ada@example.org") == [], "nothing to an address that called us spam"
    prefs = path(links.preferences_url(reader))
    assert "mail to it was refused" in client.get(prefs).content.decode()
    client.post(prefs, {"lists": [reader.newsletters.get().pk]}, HTTP_SEC_FETCH_SITE="same-origin")
    assert list(Subscriber.objects.receiving()) == [reader]


def test_links_of_an_erased_subscriber_or_altered_open_nothing(client, reader):
    leave, prefs = path(links.leave_url(reader)), path(links.preferences_url(reader))
    assert client.get(prefs + "x").status_code == 404
    reader.delete()
    for url in (leave, prefs):
        response = client.get(url)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert (
        client.post(
            leave, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 404
    )


def test_a_section_list_is_shown_with_its_name(client, reader):
    science = make_topic(name="Science", slug="science")
    Newsletter.objects.create(name="Science", slug="science", kind="section", topic=science)
    body = client.get(path(links.preferences_url(reader))).content.decode()
    assert body.count('type="checkbox"') == 3
