"""Signing up for newsletters, as a reader does it: the form on public pages, one answer for
every address, the confirmation e-mail through a real SMTP server (the `mail_server` fixture)
and its expiring link, then the preferences page; rate limits per client and per address."""

import re

import pytest
from django.test import Client

from newsletters.models import Newsletter, Subscriber
from tests.factories import make_article, make_topic, page_body, run_worker

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def lists(settings):
    settings.SITE_URL = SITE
    world = make_topic(name="World", slug="world")
    return {
        "briefing": Newsletter.objects.create(
            name="The Morning Briefing", slug="briefing", position=1
        ),
        "alerts": Newsletter.objects.create(
            name="Breaking news alerts", slug="alerts", kind=Newsletter.Kind.ALERTS, position=2
        ),
        "world": Newsletter.objects.create(
            name="World news", slug="world", kind=Newsletter.Kind.SECTION, topic=world, position=3
        ),
    }


def sign_up(client, email, *chosen, **headers):
    data = {"email": email, "lists": [n.pk for n in chosen]}
    return client.post("/newsletters/subscribe", data, **(SAME_ORIGIN | headers))


def link_in(message, purpose) -> str:
    """The path of the site's link for `purpose` (confirm, preferences, leave) in an e-mail."""
    text = message.get_body(("plain",)).get_content()
    (url,) = re.findall(rf"{SITE}(/newsletters/{purpose}/\S+)", text)
    return url


def test_sign_up_confirm_by_e_mail_then_choose_lists(client, lists, mail_server):
    response = sign_up(client, "Ada@Example.org", lists["briefing"], lists["world"])
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert mail_server.messages == [], "sent by the worker, not inside the reader's request"

    run_worker()
    (message,) = mail_server.to("ada@example.org")
    assert "The Morning Briefing, World news" in message.get_body(("plain",)).get_content()
    assert 'href="https://news.example.org/newsletters/confirm/' in (
        message.get_body(("html",)).get_content()
    )
    confirm = link_in(message, "confirm")

    # Following the link (as a mail scanner does) changes nothing: a button does.
    page = client.get(confirm)
    assert page.status_code == 200
    assert "<button" in page.content.decode() and "World news" in page.content.decode()
    assert not Subscriber.objects.receiving().exists()

    confirmed = client.post(confirm, **SAME_ORIGIN)
    assert confirmed.status_code == 200
    body = confirmed.content.decode()
    assert "your address is confirmed" in body
    assert 'action="/newsletters/preferences/' in body, "its lists are changed there"
    assert re.search(rf'value="{lists["world"].pk}" id="list-\d+" checked', body)
    assert not re.search(rf'value="{lists["alerts"].pk}" id="list-\d+" checked', body)
    (ada,) = Subscriber.objects.receiving()
    assert ada.email == "ada@example.org"
    assert set(ada.newsletters.all()) == {lists["briefing"], lists["world"]}


def test_a_confirmation_link_expires_and_says_how_to_sign_up_again(
    client, lists, mail_server, clock, settings
):
    settings.NEWSLETTER_CONFIRM_HOURS = 48
    sign_up(client, "ada@example.org", lists["briefing"])
    run_worker()
    confirm = link_in(mail_server.to("ada@example.org")[0], "confirm")
    clock.advance(49 * 3600)
    for response in (client.get(confirm), client.post(confirm, **SAME_ORIGIN)):
        assert response.status_code == 404
        body = response.content.decode()
        assert "This link does not work" in body and "48 hours" in body
        assert 'action="/newsletters/subscribe"' in body, "a way to sign up again"
    assert not Subscriber.objects.receiving().exists()
    assert client.get(confirm[:-3] + "abc").status_code == 404, "an altered link"


def test_every_address_gets_the_same_answer(client, lists, mail_server):
    """New, waiting, receiving, stopped, or asked too often: nothing tells them apart."""
    waiting = Subscriber.objects.create(email="waiting@example.org")
    receiving = Subscriber.objects.create(
        email="receiving@example.org", confirmed_at="2026-01-01T00:00Z"
    )
    receiving.newsletters.add(lists["alerts"])
    Subscriber.objects.create(
        email="stopped@example.org",
        confirmed_at="2026-01-01T00:00Z",
        stopped_at="2026-02-01T00:00Z",
        stopped_reason=Subscriber.Stopped.UNSUBSCRIBED,
    )
    for _ in range(3):
        sign_up(Client(REMOTE_ADDR="10.0.0.9"), "often@example.org", lists["briefing"])
    answers = {}
    for email in (
        "new@example.org",
        waiting.email,
        receiving.email,
        "stopped@example.org",
        "often@example.org",
    ):
        response = sign_up(client, email, lists["briefing"])
        answers[email] = (response.status_code, response.content)
    assert len(set(answers.values())) == 1, "one status and one page for every address"
    assert next(iter(answers.values()))[0] == 200

    run_worker()
    # What differs happens in each address's own inbox.
    (reminder,) = mail_server.to("receiving@example.org")
    assert link_in(reminder, "preferences")
    assert "confirm" not in reminder.get_body(("plain",)).get_content().lower().split("http")[0]
    assert set(receiving.newsletters.all()) == {lists["alerts"]}, "a typed address changes nothing"
    for email in ("new@example.org", "waiting@example.org", "stopped@example.org"):
        (message,) = mail_server.to(email)
        assert link_in(message, "confirm")
    assert len(mail_server.to("often@example.org")) == 3, "the fourth sign-up sent nothing"


def test_nothing_but_the_confirmation_reaches_an_address_not_confirmed(client, lists, mail_server):
    for _ in range(2):
        sign_up(client, "ada@example.org", lists["briefing"])
    run_worker()
    messages = mail_server.to("ada@example.org")
    assert len(messages) == 2
    assert all(link_in(m, "confirm") for m in messages)
    assert not Subscriber.objects.receiving().exists(), "no edition may go to it"


def test_a_client_signing_up_too_often_is_refused_with_the_form_kept(client, lists, mail_server):
    for n in range(10):
        assert sign_up(client, f"reader{n}@example.org", lists["briefing"]).status_code == 200
    assert sign_up(client, "a typo", lists["briefing"]).status_code == 400, "a typo: not counted"
    response = sign_up(client, "one.more@example.org", lists["alerts"])
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many sign-ups" in body
    assert 'value="one.more@example.org"' in body
    assert re.search(rf'value="{lists["alerts"].pk}" id="signup-list-\d+" checked', body)
    assert not Subscriber.objects.filter(email="one.more@example.org").exists()
    # Another client is not held back by this one.
    assert (
        sign_up(Client(REMOTE_ADDR="10.0.0.2"), "other@example.org", lists["alerts"]).status_code
        == 200
    )


@pytest.mark.parametrize(
    "email, chosen, message",
    [
        ("", ["briefing"], "Enter your e-mail address."),
        ("not an address", ["briefing"], "Enter an e-mail address such as name@example.org."),
        ("a" * 250 + "@example.org", ["briefing"], "at most 254 characters"),
        ("ada@example.org", [], "Choose at least one newsletter."),
        ("ada@exa\x00mple.org", ["briefing"], "Enter an e-mail address such as"),
    ],
)
def test_bad_input_gets_the_form_back_as_typed(client, lists, email, chosen, message):
    response = sign_up(client, email, *(lists[c] for c in chosen))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="signup-email"' in body
    if email and "\x00" not in email:
        assert f'value="{email}"' in body
    assert not Subscriber.objects.exists()


def test_a_list_no_longer_offered_is_refused(client, lists):
    lists["alerts"].is_offered = False
    lists["alerts"].save()
    response = sign_up(client, "ada@example.org", lists["alerts"])
    assert response.status_code == 400
    assert "no longer offered" in response.content.decode()


def test_a_sign_up_from_another_site_is_refused(client, lists):
    response = sign_up(
        client, "ada@example.org", lists["briefing"], HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_the_form_is_on_the_home_page_each_section_and_under_every_story(client, lists):
    story = make_article(primary_topic=lists["world"].topic)
    other = make_article()
    pages = {
        "/": None,
        "/world/": lists["world"],
        story.get_absolute_url(): lists["world"],
        other.get_absolute_url(): lists["briefing"],
    }
    for url, ticked in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers and not response.cookies, url
        body = page_body(client, url)
        assert 'action="/newsletters/subscribe"' in body, url
        assert '<label for="signup-email">' in body and 'maxlength="254"' in body
        assert "<legend>" in body
        expected = ticked or lists["briefing"]
        assert re.search(rf'value="{expected.pk}" id="signup-list-\d+" checked', body), url
    # A section's list is offered on its own section and stories, not under others.
    assert "World news" not in page_body(client, other.get_absolute_url())


def test_switching_a_list_off_in_the_desk_takes_it_off_the_pages(client, lists, editor_client):
    assert "Breaking news alerts" in page_body(client, "/")
    response = editor_client.post(
        "/admin/newsletters/newsletter/",
        {
            "form-TOTAL_FORMS": "3",
            "form-INITIAL_FORMS": "3",
            **{
                f"form-{i}-id": str(n.pk)
                for i, n in enumerate(Newsletter.objects.order_by("position", "name"))
            },
            "form-0-is_offered": "on",
            "form-2-is_offered": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert not Newsletter.objects.get(slug="alerts").is_offered
    assert "Breaking news alerts" not in page_body(client, "/")
    assert "The Morning Briefing" in page_body(client, "/")


def test_the_sign_up_page_of_its_own_and_what_it_takes(client, lists):
    response = client.get("/newsletters/subscribe")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert client.put("/newsletters/subscribe").status_code == 405
