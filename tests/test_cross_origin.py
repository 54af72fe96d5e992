"""Readers' forms carry no token: a post from another site is refused on what the browser says
of where it comes from (Sec-Fetch-Site, Origin); the admin keeps Django's token."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Reply
from newsroom.security.crossorigin import refusal
from tests.factories import make_article, make_reply, reply_data

pytestmark = pytest.mark.django_db


def post_reply(headers, **data):
    article = make_article()
    return Client().post(
        reverse("comments:post", args=[article.pk]), reply_data(**data), headers=headers
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        {"sec-fetch-site": "same-site", "origin": "https://blog.testserver"},
        {"sec-fetch-site": "cross-site"},
        {"origin": "https://evil.example"},  # an older browser, without Sec-Fetch-Site
        {"origin": "null"},  # a sandboxed frame or a data: page
    ],
    ids=["cross-site", "same-site", "cross-site-no-origin", "foreign-origin", "null-origin"],
)
def test_a_reply_sent_from_another_site_is_refused_with_a_page_that_says_why(headers):
    response = post_reply(headers, body="Forged words")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form came from another website" in page
    assert "Nothing was sent" in page
    assert "Forged words" not in page, "a forged post's text is not shown back"
    assert not Reply.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "same-origin", "origin": "http://testserver"},
        {"sec-fetch-site": "none"},
        {"origin": "http://testserver"},
        {},  # neither header: no browser sends this; a program could copy a token anyway
    ],
    ids=["same-origin", "typed", "own-origin", "no-headers"],
)
def test_a_reply_from_our_own_page_goes_through_without_a_token(headers):
    response = post_reply(headers, body="My own words")
    assert response.status_code == 302
    assert Reply.objects.get().body == "My own words"


def test_a_trusted_origin_may_post(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.testserver"]
    response = post_reply({"sec-fetch-site": "same-site", "origin": "https://www.testserver"})
    assert response.status_code == 302
    assert Reply.objects.count() == 1


def test_the_origin_check_compares_hosts_case_insensitively():
    response = post_reply({"origin": "http://TestServer"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("origin", "secure", "status"),
    [
        ("https://testserver", False, 403),  # an https page posting to the http site
        ("http://testserver", True, 403),  # an http page (anyone on the network) to https
        ("https://testserver", True, 302),
        ("http://testserver", False, 302),
    ],
)
def test_the_origin_check_compares_the_scheme_too(origin, secure, status):
    article = make_article()
    response = Client().post(
        reverse("comments:post", args=[article.pk]),
        reply_data(body="Which scheme?"),
        headers={"origin": origin},
        secure=secure,
    )
    assert response.status_code == status
    assert Reply.objects.filter(body="Which scheme?").exists() == (status == 302)


def test_the_rule_names_the_origin_it_refused(rf):
    request = rf.post("/", headers={"origin": "https://testserver"})
    assert refusal(request) == "Origin: https://testserver"
    assert refusal(rf.post("/", headers={"origin": "http://testserver"})) == ""


def test_a_report_from_another_site_is_refused_and_counts_nothing():
    reply = make_reply(make_article())
    url = reverse("comments:report", args=[reply.pk])
    refused = Client().post(url, headers={"origin": "https://evil.example"})
    assert refused.status_code == 403
    assert Client().post(url, headers={"sec-fetch-site": "same-origin"}).status_code == 302
    reply.refresh_from_db()
    assert reply.report_count == 1


def test_a_signed_in_person_sending_their_session_still_needs_the_token(editor):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' not in page, "the page every reader gets"
    without = client.post(reverse("comments:post", args=[article.pk]), reply_data())
    assert without.status_code == 403
    assert not Reply.objects.exists()


def test_the_admin_still_refuses_a_post_without_its_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("admin:articles_topic_add"), {"name": "No token"})
    assert response.status_code == 403
    sign_in = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "edna", "password": "a-long-test-password"}
    )
    assert sign_in.status_code == 403


def test_safe_methods_are_never_refused(rf):
    request = rf.get("/", headers={"sec-fetch-site": "cross-site"})
    assert refusal(request) == "Sec-Fetch-Site: cross-site"  # the rule itself
    page = Client().get(make_article().get_absolute_url(), headers={"sec-fetch-site": "cross-site"})
    assert page.status_code == 200, "a link from another site opens the page"
