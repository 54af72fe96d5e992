"""An edition as readers get it: an HTML part of valid structure that loads nothing but our own
pictures' renditions (absolute addresses, alt text), light and dark colour schemes, a
plain-text part, the footer's reasons and links, the one-click unsubscribe headers and a
Message-ID that stays the same for the same edition and subscriber."""

import email
import email.policy
import json
import subprocess

import pytest
from django.core import signing
from lxml import html as lxml_html

from articles.models import Article
from newsletters import links, rendering
from newsletters.models import Edition
from tests.factories import make_article, make_image
from tests.newsletter_helpers import make_list, subscribe
from tests.test_html_valid import _checker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def same_second(monkeypatch):
    """Links carry the second they were signed in: those made here to compare with, a moment
    after the message's, must carry the same."""
    stamp = signing.TimestampSigner().timestamp()
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda signer: stamp)


@pytest.fixture
def edition(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.SITE_NAME = "The Harbour Times"
    newsletter = make_list(name="The Morning Briefing")
    pictured = make_article(headline="Ferry & harbour", hero_image=make_image(alt_text="A ferry"))
    plain = make_article(headline="No picture here")
    return Edition.objects.create(
        newsletter=newsletter,
        subject="Your morning",
        intro="Good morning <b>readers</b>.\nA calm night.",
        stories=[pictured.pk, plain.pk],
    )


def _parsed(edition, subscriber):
    sent = rendering.message(rendering.render(edition), edition, subscriber).message()
    return email.message_from_bytes(sent.as_bytes(), policy=email.policy.default)


def test_the_html_part_loads_only_our_own_renditions_at_absolute_addresses(edition, settings):
    reader = subscribe("ada@example.org", edition.newsletter)
    part = _parsed(edition, reader).get_body(("html",)).get_content()
    page = lxml_html.document_fromstring(part)
    assert not page.xpath("//script | //link | //iframe | //object | //@srcset")
    assert "@import" not in part and "url(" not in part
    images = page.xpath("//img")
    assert len(images) == 1, "the story without a picture shows none"
    (image,) = images
    assert image.get("alt") == "A ferry"
    media = "https://news.example.org" + settings.MEDIA_URL + "renditions/"
    assert image.get("src").startswith(media) and image.get("src").endswith(".jpg")
    hrefs = page.xpath("//a/@href")
    assert all(h.startswith("https://news.example.org/") for h in hrefs), hrefs
    assert links.leave_url(reader) in hrefs and links.preferences_url(reader) in hrefs
    assert page.xpath("//meta[@name='color-scheme']/@content") == ["light dark"]
    assert "prefers-color-scheme: dark" in part
    assert page.xpath("//table[@role='presentation']"), "tables for layout"
    assert "Good morning &lt;b&gt;readers&lt;/b&gt;.<br>A calm night." in part, (
        "plain text, its lines"
    )
    assert "because you signed up for it at The Harbour Times" in page.text_content()


def test_the_plain_text_part_has_every_story_and_both_links(edition):
    reader = subscribe("ada@example.org", edition.newsletter)
    text = _parsed(edition, reader).get_body(("plain",)).get_content()
    assert "Ferry & harbour" in text and "No picture here" in text
    assert "Good morning <b>readers</b>." in text
    assert f"Unsubscribe from all: {links.leave_url(reader)}" in text
    assert f"Choose your newsletters: {links.preferences_url(reader)}" in text


def test_headers_offer_one_click_unsubscribe_and_a_stable_message_id(edition):
    ada = subscribe("ada@example.org", edition.newsletter)
    bob = subscribe("bob@example.org", edition.newsletter)
    sent = _parsed(edition, ada)
    assert sent["List-Unsubscribe"].strip() == f"<{links.leave_url(ada)}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent["Message-ID"] == _parsed(edition, ada)["Message-ID"]
    assert sent["Message-ID"] != _parsed(edition, bob)["Message-ID"]
    assert sent["Subject"] == "Your morning"


def test_a_story_unpublished_since_is_left_out(edition):
    first = edition.stories[0]
    Article.objects.filter(pk=first).update(status=Article.Status.DRAFT)
    assert [s.headline for s in rendering.stories(edition)] == ["No picture here"]


def test_the_html_part_passes_the_nu_html_checker(edition, tmp_path):
    checker = _checker()
    reader = subscribe("ada@example.org", edition.newsletter)
    part = _parsed(edition, reader).get_body(("html",)).get_content()
    (tmp_path / "edition.html").write_text(part)
    result = subprocess.run(
        [*checker, str(tmp_path / "edition.html")], capture_output=True, text=True, timeout=300
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [m["message"] for m in messages if m["type"] == "error"]
    assert errors == []
