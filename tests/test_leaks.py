"""Leak checks: an anonymous reader who follows every link on the site, reads every feed and
sitemap and searches for the secrets never sees a draft, a scheduled or archived article, a
preview without a valid link, a reply that is not approved, or any replier's e-mail address."""

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import signing
from django.utils import timezone

from articles import previews
from articles.models import Article
from comments.models import Reply
from tests.factories import make_article, make_author, make_reply, make_topic

pytestmark = pytest.mark.django_db

SECRETS = {
    "draft": "Zanzibar draft secret",
    "review": "Quillfeather review secret",
    "scheduled": "Yellowhammer scheduled secret",
    "archived": "Xylophone archived secret",
    "pending reply": "Wombat pending secret",
    "rejected reply": "Vortex rejected secret",
    "spam reply": "Umbrella spam secret",
    "reply on a draft": "Tangerine hidden-article secret",
    "approved replier's e-mail": "private-ada@replier.example",
    "pending replier's e-mail": "private-bob@replier.example",
    "replier's address hash": "0123456789abcdef0123456789abcdef",
    "replier's browser": "SecretBrowser/9.9",
}
FEEDS_AND_MAPS = ["/feed/", "/feed/atom/", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt"]
LINK = re.compile(r"""(?:href|src)=["']([^"'#]+)""")


@pytest.fixture
def site(editor):
    topic = make_topic(slug="world", name="World")
    author = make_author(slug="ann", name="Ann Writer")
    public = make_article(
        headline="The public story", primary_topic=topic, topics=[topic], authors=[author]
    )
    hidden = {}
    for status, key in [("draft", "draft"), ("review", "review"), ("archived", "archived")]:
        hidden[key] = make_article(
            headline=SECRETS[key], status=status, primary_topic=topic, authors=[author]
        )
    hidden["scheduled"] = make_article(
        headline=SECRETS["scheduled"],
        publish_at=timezone.now() + timedelta(hours=3),
        primary_topic=topic,
        authors=[author],
    )
    make_reply(
        public,
        email=SECRETS["approved replier's e-mail"],
        ip_hash=SECRETS["replier's address hash"],
        user_agent=SECRETS["replier's browser"],
        website="https://ada.example/",
    )
    for status, key in [
        (Reply.Status.PENDING, "pending reply"),
        (Reply.Status.REJECTED, "rejected reply"),
        (Reply.Status.SPAM, "spam reply"),
    ]:
        make_reply(public, body=SECRETS[key], status=status)
    make_reply(public, status=Reply.Status.PENDING, email=SECRETS["pending replier's e-mail"])
    make_reply(hidden["draft"], body=SECRETS["reply on a draft"])
    return {"public": public, "hidden": hidden, "topic": topic, "author": author}


def crawl(client, starts, limit=400):
    """Every page reachable from `starts` by links on the site; returns {url: (status, body)}."""
    seen, queue = {}, deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = (response.status_code, body.decode(errors="replace"))
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        for link in LINK.findall(seen[url][1]) + re.findall(r"<loc>([^<]+)</loc>", seen[url][1]):
            parts = urlsplit(urljoin(url, link.replace("&amp;", "&")))
            local = parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver")
            if local and not parts.path.startswith(("/admin/", "/static/", "/media/")):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_nothing_unpublished_or_private_is_reachable_by_an_anonymous_reader(client, site):
    # The first word of each secret (a search page repeats its query, so never the whole secret).
    searches = [f"/search/?q={re.split(r'[ @/]', text)[0][:12]}" for text in SECRETS.values()]
    pages = crawl(client, ["/", *FEEDS_AND_MAPS, *searches])

    reached = {url for url, (status, _) in pages.items() if status == 200}
    assert site["public"].get_absolute_url() in reached
    assert site["topic"].get_absolute_url() in reached
    assert site["author"].get_absolute_url() in reached
    assert any(url.startswith("/sitemap-") for url in reached)
    assert len(reached) >= 20, sorted(reached)
    for url, (status, body) in pages.items():
        assert status < 500, url
        for what, secret in SECRETS.items():
            assert secret not in body, f"{what} shown at {url}"


def test_hidden_articles_are_404_by_address_and_take_no_replies(client, site):
    for article in site["hidden"].values():
        assert client.get(article.get_absolute_url()).status_code == 404
        pk_path = f"/replies/articles/{article.pk}/"
        assert client.post(pk_path, {"body": "x"}).status_code == 404


def test_previews_need_a_valid_unexpired_unrevoked_link(client, site, editor):
    draft = site["hidden"]["draft"]
    link, path = previews.make(draft, by=editor)
    assert SECRETS["draft"] in client.get(path).content.decode()

    forged = signing.dumps({"link": link.pk + 1, "article": draft.pk}, salt="other")
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for bad in [f"/preview/{forged}/", tampered, "/preview/nothing/", "/preview/%00/"]:
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert SECRETS["draft"] not in response.content.decode()

    previews.revoke(link, by=editor)
    assert client.get(path).status_code == 404
    _, fresh = previews.make(draft, by=editor)
    later = timezone.now() + timedelta(hours=49)
    assert previews.resolve(fresh.rsplit("/", 2)[-2], now=later) is None


def test_a_preview_never_lists_replies_or_their_addresses(client, site, editor):
    _, path = previews.make(site["hidden"]["draft"], by=editor)
    page = client.get(path).content.decode()
    assert SECRETS["reply on a draft"] not in page
    assert "noindex" in client.get(path)["X-Robots-Tag"]


def test_published_again_shows_only_what_is_approved(client, site):
    site["hidden"]["draft"].status = Article.Status.PUBLISHED
    site["hidden"]["draft"].save()
    page = client.get(site["hidden"]["draft"].get_absolute_url()).content.decode()
    assert SECRETS["draft"] in page
    assert SECRETS["reply on a draft"] in page  # it was approved: now it shows
    for what in ("pending reply", "rejected reply", "spam reply", "approved replier's e-mail"):
        assert SECRETS[what] not in client.get(site["public"].get_absolute_url()).content.decode()
