"""Every public page makes a fixed number of queries: the same over the demo's 15 articles as
over 10,000 more (with their topics, authors and replies), pinned exactly."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import related
from articles.models import Article, Author, Byline, Topic
from chrome.models import SiteChrome, TopBarLink
from comments.counts import count_replies
from comments.models import Reply
from figures import most_read
from figures.models import HourlyViews
from live.models import LiveUpdate

pytestmark = pytest.mark.django_db

SEED = "/world/european-discussions-ukraines-postwar-security/"
LIVE = "/live-markets/markets-live-shares-slip-ahead-of-the-rates-decision/"
# Two library pictures, three embeds, a table and a pull quote in its body.
MEDIA = "/weather/storm-crosses-the-coast-hour-by-hour/"
# Page: its queries once the header and footer are read (once per purge, by each process).
BUDGETS = {
    # A front: its live arrangement, which pinned stories are published, the newest of the
    # site and of the blocks' sections (one query for all), the stories running live, the
    # stories shown and their bylines, the blocks' sections, the most read.
    "/": 9,
    "/latest/": 3,
    # No notes: an article without an "Updated" time has none to read; one query reads the
    # stories of "Related" and "More in <section>" together, and the last the most-read stories
    # under it (figures/most_read.py), ranked or not.
    SEED: 6,
    # Without replies, an article makes 5 (the seed's sixth reads its replies); one more
    # reads all its body's pictures and embeds together.
    MEDIA: 6,
    # Its list (5), then its front: the arrangement, the newest of the section and of its
    # Europe block's (one query), the stories shown and their bylines, Europe.
    "/world/": 10,
    "/authors/amara-okafor/": 4,
    "/search/?q=security": 3,
    "/search/?q=": 0,
    "/archive/": 1,
    "/feed/": 3,
    "/feed/atom/": 3,
    "/feed/topics/world/": 5,
    "/feed/authors/amara-okafor/": 4,
    "/sitemap.xml": 4,
    "/sitemap-articles.xml": 2,
    "/sitemap-topics.xml": 2,
    "/sitemap-authors.xml": 2,
    "/news-sitemap.xml": 1,
    "/pages/about/": 1,
    # The article's (5: it has no replies), then a page of updates, their number and newest
    # time, the key points: the same with 6 updates as with 506.
    LIVE: 8,
    LIVE + "?page=2": 8,
    LIVE + "?update={oldest}": 10,  # and where that update is: its time, the number newer
    LIVE + "updates/?since=2026-01-01T00%3A00%3A00Z": 2,
    LIVE + "feed/": 2,
}


def _counts(client) -> dict[str, int]:
    # Read once by each process: the header and footer (until a purge), the sites framework's
    # current site (feeds ask for it).
    assert client.get("/").status_code == client.get("/feed/").status_code == 200
    counts = {}
    live = Article.objects.get(slug=LIVE.split("/")[2])
    oldest = live.live_updates.order_by("posted_at", "pk").values_list("pk", flat=True).first()
    for url in BUDGETS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url.format(oldest=oldest))
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def _read(articles) -> None:
    """Views for these articles in the last hour, and the most-read ranking made from them."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    HourlyViews.objects.bulk_create(
        (HourlyViews(article=a, hour=hour, views=n + 1) for n, a in enumerate(articles)),
        update_conflicts=True,  # the demo's own day of views
        unique_fields=["article", "hour"],
        update_fields=["views"],
    )
    most_read.refresh()


def _ten_thousand_more(articles=10_000, replies=20_000):
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(name=f"Bulk topic {n}", slug=f"bulk-topic-{n}") for n in range(50)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Bulk Author {n}", slug=f"bulk-author-{n}") for n in range(100)
    )
    made = Article.objects.bulk_create(
        (
            Article(
                headline=f"Bulk article {n} on security",
                slug=f"bulk-article-{n}",
                body="<p>Words.</p>",
                primary_topic=topics[n % 50],
                status=Article.Status.PUBLISHED,
                publish_at=now - timedelta(days=3, minutes=n),
            )
            for n in range(articles)
        ),
        batch_size=2000,
    )
    Byline.objects.bulk_create(
        (Byline(article=a, author=authors[n % 100], order=0) for n, a in enumerate(made)),
        batch_size=5000,
    )
    Reply.objects.bulk_create(
        (
            Reply(article=made[n % 500], name="R", email=f"r{n}@example.org", body=f"Reply {n}")
            for n in range(replies)
        ),
        batch_size=5000,
    )
    Reply.objects.update(status=Reply.Status.APPROVED)
    # A crowded top bar: every bulk topic and twenty stories (read with the header, in one row).
    TopBarLink.objects.bulk_create(
        TopBarLink(topic=t, position=100 + n) for n, t in enumerate(topics)
    )
    TopBarLink.objects.bulk_create(
        TopBarLink(article=a, label=f"Story {n}", position=200 + n) for n, a in enumerate(made[:20])
    )
    SiteChrome.rebuild()
    count_replies([a.pk for a in made[:500]])
    # Written in bulk, without the services: the measured pages' lists and every section's
    # newest kept here (on PostgreSQL the bulk articles match the seed's "security").
    related.refresh_sections(Topic.objects.values_list("pk", flat=True))
    related.refresh(
        Article.objects.filter(
            slug__in=[SEED.split("/")[2], MEDIA.split("/")[2], LIVE.split("/")[2]]
        ).values_list("pk", flat=True)
    )
    live = Article.objects.get(slug=LIVE.split("/")[2])
    LiveUpdate.objects.bulk_create(
        LiveUpdate(article=live, body=f"<p>Update {n}.</p>", posted_at=now - timedelta(minutes=n))
        for n in range(500)
    )


def test_every_public_page_makes_the_same_queries_over_15_or_10015_articles(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the views' own cost; cached pages make no query at all
    call_command("load_demo", verbosity=0)
    _read(Article.objects.all()[:3])
    small = _counts(client)
    _ten_thousand_more()
    _read(Article.objects.order_by("-pk")[:500])
    large = _counts(client)
    assert small == BUDGETS
    assert large == BUDGETS


def test_a_draft_resaved_at_the_desk_makes_only_the_queries_the_save_needs(
    editor_client, monkeypatch
):
    """A draft saved again with nothing changed: no reader can see it, so no purge, no header
    rebuilt, no row read back. The save itself (`save_model` to the end of `save_related`: the
    UPDATE, the working copy dropped, the topics compared, the revision compared with the
    bylines and the related stories chosen) is pinned
    apart from the admin's own work around it (session, user, permissions, the form's choices
    and validation, the change message), which is pinned with it for the whole POST."""
    from articles.admin.article import ArticleAdmin
    from tests.factories import make_article
    from tests.test_workflow import change_form_data

    draft = make_article(status="draft", headline="Still a draft")
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert editor_client.post(url, change_form_data(draft)).status_code == 302
    draft.refresh_from_db()
    data = change_form_data(draft)

    marks = {}
    save_model, save_related = ArticleAdmin.save_model, ArticleAdmin.save_related

    def measured_save_model(self, *args, **kwargs):
        marks["start"] = len(queries.captured_queries)
        return save_model(self, *args, **kwargs)

    def measured_save_related(self, *args, **kwargs):
        result = save_related(self, *args, **kwargs)
        marks["end"] = len(queries.captured_queries)
        return result

    monkeypatch.setattr(ArticleAdmin, "save_model", measured_save_model)
    monkeypatch.setattr(ArticleAdmin, "save_related", measured_save_related)
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(url, data)
    assert response.status_code == 302
    saving = queries.captured_queries[marks["start"] : marks["end"]]
    search_vector = 1 if connection.vendor == "postgresql" else 0  # its own UPDATE there
    assert len(saving) == 7 + search_vector, "\n".join(q["sql"][:120] for q in saving)
    assert sum(q["sql"].startswith("UPDATE") for q in saving) == 1 + search_vector
    whole = len(queries.captured_queries)
    assert whole == 32 + search_vector, "the whole POST, the admin's own work included"
    assert not any("sitechrome" in q["sql"] for q in queries.captured_queries), "no header"
