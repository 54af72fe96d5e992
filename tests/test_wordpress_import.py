"""Moving a WordPress newsroom in: `manage.py import_wordpress` on an export written the way
WordPress writes one, then the site as readers, moderators and editors find it."""

import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.urls import reverse

from articles.models import Article, Author, Topic
from audit.models import AuditEntry
from chrome.models import TopBarLink
from comments.models import Reply, ReplyCount
from fronts.models import Front
from tests.factories import page_text
from tests.wordpress_export import EXPORT, counts, row, run
from wordpress.models import OldAddress

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(uploads):
    return run(EXPORT, "--uploads", uploads)


def test_summary_counts_every_kind_and_names_each_skipped_item(imported):
    assert row(imported, "authors") == [2, 0, 0, 0]
    assert row(imported, "topics") == [6, 0, 0, 0]
    assert row(imported, "pictures") == [1, 0, 0, 2]
    assert row(imported, "articles") == [7, 0, 0, 3]
    assert row(imported, "pages") == [2, 0, 0, 0]
    assert row(imported, "replies") == [7, 0, 0, 0]
    assert "Pingbacks and trackbacks skipped: 1" in imported
    for reason, item in [
        ("trash on WordPress", "post 14 “Deleted rumour”"),
        ("auto-draft on WordPress", "post 18 “Auto Draft”"),
        ("not in the uploads folder", "attachment 21 “Lost photo”: 2024/03/missing.jpg"),
        ("not a picture", "attachment 22 “Council agenda (PDF)”"),
        ("nav_menu_item", "nav_menu_item 40 “Home”"),
    ]:
        assert re.search(rf"{re.escape(reason)}.*\n(?:    .*\n)*    {re.escape(item)}", imported)
    assert "shortcodes removed (gallery)" in imported
    assert "https://tracker.example.net/pixel.gif" in imported  # reported, not shown


def test_statuses_dates_bylines_and_sections_follow_wordpress(imported):
    storm = Article.objects.get(slug="storm-closes-harbour")
    assert storm.status == Article.Status.PUBLISHED
    assert storm.publish_at.isoformat() == "2024-03-18T08:00:00+00:00"
    assert storm.headline == "Storm closes the harbour: ‘worst in decades’"
    assert storm.standfirst == "Winds of 70 mph kept the fishing fleet ashore."
    assert storm.primary_topic.name == "Local" and storm.primary_topic.parent.name == "Coast News"
    assert {t.name for t in storm.topics.all()} == {"Tides & Weather", "Storms"}
    home = Front.objects.get(topic=None)
    assert storm.pk in [pin for block in home.draft["blocks"] for pin in block["pins"]], "sticky"
    assert storm.hero_image.alt_text == "Fishing boats moored in the harbour at first light"
    assert storm.hero_image.caption == "The harbour at dawn, before the storm."
    assert [a.name for a in storm.byline_authors] == ["Jane Doe"]
    assert storm.allow_replies
    assert not Article.objects.get(slug="council-votes").allow_replies, "comments closed"
    scheduled = Article.objects.get(slug="summer-forecast")
    assert scheduled.is_scheduled() and scheduled.publish_at.year == 2030
    by_headline = {a.headline: a.status for a in Article.objects.all()}
    assert by_headline["Draft about the tides"] == Article.Status.DRAFT
    assert by_headline["Staff salaries"] == Article.Status.DRAFT, "private"
    assert by_headline["Lifeboat crew honoured"] == Article.Status.IN_REVIEW, "pending"
    assert "Deleted rumour" not in by_headline and "Auto Draft" not in by_headline
    cafe = Article.objects.get(headline="Café owners in Łódź and Lyme welcome the spring")
    assert cafe.slug == "cafe-owners" and cafe.primary_topic.slug == "uncategorized"
    top_bar = list(TopBarLink.objects.values_list("topic__name", flat=True))
    assert top_bar == ["Coast News", "Tides & Weather"], "top categories in order; no tags"
    assert Author.objects.filter(name="Marek Kowalski", user=None).exists(), "no staff account"


def test_the_article_page_shows_nothing_of_wordpress(client, imported):
    storm = Article.objects.get(slug="storm-closes-harbour")
    page = page_text(client, storm.get_absolute_url())
    body = page.split('class="story-body"')[1].split("</article>")[0]
    for trace in (
        "[caption",
        "[gallery",
        "wp:",
        "old.example.org",
        "wp-image",
        "tracker.example.net",
        "wp-content",
        "alert(",
    ):
        assert trace not in page, trace
    assert "<script" not in body
    picture = storm.hero_image.rendition("full")
    assert re.search(
        r'<figure class="story-figure story-figure--text"><picture><source type="image/webp" '
        r'srcset="/media/renditions/[^"]+\.webp \d+w[^"]*"[^>]*><img src="/media/renditions/'
        r'[^"]+\.jpg" srcset="[^"]+" sizes="[^"]+" alt="Fishing boats moored in the harbour at '
        r'first light" width="\d+" height="\d+" loading="lazy" decoding="async"></picture>'
        r"<figcaption>The harbour at dawn, before the storm.</figcaption></figure>",
        body,
    ), "the caption shortcode became a figure with the library's picture, in every size"
    assert picture
    assert "<p>The harbour master closed the port at dawn as winds reached 70 mph.<br>" in body
    assert "code like a[b[0]]&gt; stays as written" in body, "a ]]> inside the content"
    council = page_text(client, Article.objects.get(slug="council-votes").get_absolute_url())
    assert "<strong>seven to two</strong>" in council and "<h2>What happens next</h2>" in council
    assert "<ul><li>Building starts in May</li>" in council
    assert "wp-block" not in council and "<!--" not in council.split("story-body")[1]
    about = page_text(client, "/pages/about-us/")
    assert "covered the coast since 1921" in about and "contact-form" not in about


def test_a_link_to_an_old_post_leads_to_its_new_page(client, imported):
    storm = Article.objects.get(slug="storm-closes-harbour")
    assert 'href="/2024/03/council-votes/"' in storm.body
    response = client.get("/2024/03/council-votes/", follow=True)
    assert response.redirect_chain == [
        (Article.objects.get(slug="council-votes").get_absolute_url(), 301)
    ]
    assert "seven to two" in response.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2024/03/storm-closes-harbour/", "/local/storm-closes-harbour/"),
        ("/2024/03/storm-closes-harbour", "/local/storm-closes-harbour/"),
        ("/?p=10", "/local/storm-closes-harbour/"),
        ("/2024/03/caf%C3%A9-owners/", "/uncategorized/cafe-owners/"),
        ("/category/coast-news/", "/coast-news/"),
        ("/category/coast-news/local/", "/local/"),
        ("/?cat=4", "/local/"),
        ("/category/coast-news/feed/", "/feed/topics/coast-news/"),
        ("/tag/storms/", "/storms/"),
        ("/tag/caf%C3%A9s/", "/cafes/"),
        ("/?tag=storms", "/storms/"),
        ("/author/jdoe/", "/authors/jdoe/"),
        ("/author/marek-k/", "/authors/marek-k/"),
        ("/?author=2", "/authors/marek-k/"),
        ("/about-us/", "/pages/about-us/"),
        ("/about-us/team/", "/pages/about-us/team/"),
        ("/?page_id=30", "/pages/about-us/"),
    ],
)
def test_every_old_address_answers_with_a_permanent_redirect(client, imported, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


@pytest.mark.parametrize("extra", [0, 10_000], ids=["fixture", "10k more addresses"])
def test_a_redirect_costs_one_query_however_many_addresses(
    client, imported, django_assert_num_queries, extra
):
    topic = Topic.objects.get(slug="storms")
    OldAddress.objects.bulk_create(
        OldAddress(path=f"/{n}/some-old-story", topic=topic) for n in range(extra)
    )
    # `/?p=` is looked up first: one query. Other old paths are asked only after the site
    # found nothing: its own queries (for /tag/storms/ an article "storms" in topic "tag", its
    # former slugs and the not-found page's header, read once per purge; for /about-us/ a
    # topic), then one.
    for old, queries in (("/?p=10", 1), ("/tag/storms/", 4), ("/about-us/", 2)):
        with django_assert_num_queries(queries):
            assert client.get(old).status_code == 301
    client.get("/?p=999")
    with django_assert_num_queries(1):  # no such post: to the home page's own address
        assert client.get("/?p=999")["Location"] == "/"
    article = Article.objects.get(slug="council-votes")
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url()).status_code == 200, "a hit asks nothing"


def test_drafts_private_and_scheduled_posts_redirect_nowhere_until_public(client, imported):
    assert client.get("/2030/06/summer-forecast/").status_code == 404
    assert client.get("/2024/03/staff-salaries/").status_code == 404
    assert client.get("/?p=12")["Location"] == "/", "the home page, not the draft"
    assert client.get("/?p=13")["Location"] == "/"
    scheduled = Article.objects.get(slug="summer-forecast")
    scheduled.publish_at = scheduled.publish_at.replace(year=2020)
    scheduled.save()
    assert client.get("/2030/06/summer-forecast/")["Location"] == scheduled.get_absolute_url()


def test_an_address_of_the_new_site_is_never_shadowed(client, imported):
    """A WordPress page at /coast-news/ would lose to the topic of that address."""
    page = FlatPage.objects.get(url="/about-us/")
    OldAddress.objects.create(path="/coast-news", page=page)
    response = client.get("/coast-news/")
    assert response.status_code == 200 and "Coast News" in response.content.decode()


def test_replies_keep_their_threads_status_and_details(client, imported):
    storm = Article.objects.get(slug="storm-closes-harbour")
    replies = {r.body.split("\n")[0][:20]: r for r in Reply.objects.filter(article=storm)}
    first = replies["My father fished her"]
    answer = replies["Thank you, Ana. See "]
    again = replies["Noted, thank you."]
    deep = replies["A fourth level down:"]
    assert (first.depth, answer.parent, again.parent) == (0, first, answer)
    assert again.depth == 2 and again.thread == first
    assert deep.parent == answer and deep.depth == 2, "threads stop at REPLY_MAX_DEPTH"
    assert first.body == (
        "My father fished here for forty years & never saw the like.\n\nStay safe, everyone."
    )
    assert answer.body == "Thank you, Ana. See our notices (https://example.com/notices)."
    assert first.name == "Ana Lima" and first.email == "ana@example.com"
    assert first.website == "https://ana.example.com/"
    assert answer.website == "", "a javascript: address is not a website"
    assert first.created_at.isoformat() == "2024-03-18T09:15:00+00:00"
    assert first.ip_hash == "", "older than REPLY_CLIENT_DETAILS_DAYS: not kept"
    statuses = {r.body: r.status for r in replies.values()}
    assert statuses["Is the ferry running tomorrow?"] == Reply.Status.PENDING
    assert statuses["Buy pills now"] == Reply.Status.SPAM
    assert statuses["Trashed words"] == Reply.Status.REJECTED
    assert not any("harbour closed today" in body for body in statuses), "pingback"
    assert ReplyCount.objects.get(article=storm).replies == 4
    page = page_text(client, storm.get_absolute_url())
    assert "Stay safe, everyone." in page and "Noted, thank you." in page
    assert "Is the ferry running" not in page and "Buy pills" not in page


def test_held_comments_wait_in_the_moderators_queue_with_the_reason(moderator_client, imported):
    queue = moderator_client.get(reverse("admin:comments_reply_changelist")).content.decode()
    assert "Is the ferry running tomorrow?" in queue
    assert "awaiting moderation on the old WordPress site" in queue
    first = queue.index("Is the ferry running tomorrow?")
    assert first < queue.index("Stay safe"), "waiting replies first"


def test_editors_find_the_archive_in_the_admin(editor_client, imported):
    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    for headline in ("Storm closes the harbour", "Lifeboat crew honoured", "Summer forecast"):
        assert headline in listing
    assert "Scheduled" in listing and "In review" in listing
    storm = Article.objects.get(slug="storm-closes-harbour")
    form = editor_client.get(reverse("admin:articles_article_change", args=[storm.pk]))
    assert form.status_code == 200
    log = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert log.subject == "WordPress export of https://old.example.org"
    assert "articles: 7 new" in log.detail


def test_the_same_file_again_adds_nothing(uploads, imported):
    before = counts()
    again = run(EXPORT, "--uploads", uploads)
    assert counts() == before
    assert row(again, "articles") == [0, 0, 7, 3]
    assert row(again, "replies") == [0, 0, 7, 0]
    assert row(again, "pictures") == [0, 0, 1, 2]


def test_a_newer_export_updates_what_changed(tmp_path, uploads, imported, client):
    newer = EXPORT.read_text(encoding="utf-8")
    newer = newer.replace("Council votes on the new sea wall", "Council approves the sea wall")
    newer = newer.replace("Noted, thank you.", "Noted, thank you very much.")
    newer = newer.replace(
        "<wp:comment_approved><![CDATA[0]]></wp:comment_approved>",
        "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>",
    )
    (tmp_path / "newer.xml").write_text(newer, encoding="utf-8")
    before = counts()
    summary = run(tmp_path / "newer.xml", "--uploads", uploads)
    assert counts() == before, "updated in place"
    assert row(summary, "articles") == [0, 1, 6, 3]
    assert row(summary, "replies") == [0, 2, 5, 0]
    council = Article.objects.get(slug="council-votes")
    assert council.headline == "Council approves the sea wall"
    assert "Council approves the sea wall" in page_text(client, council.get_absolute_url())
    storm = Article.objects.get(slug="storm-closes-harbour")
    page = page_text(client, storm.get_absolute_url())
    assert "Noted, thank you very much." in page and "Is the ferry running tomorrow?" in page
    assert ReplyCount.objects.get(article=storm).replies == 5


def test_editors_see_where_each_old_address_leads(editor_client, imported):
    listing = editor_client.get(
        reverse("admin:wordpress_oldaddress_changelist"), {"q": "storm"}
    ).content.decode()
    assert "/2024/03/storm-closes-harbour" in listing
    assert 'href="/local/storm-closes-harbour/"' in listing
    drafts = editor_client.get(
        reverse("admin:wordpress_oldaddress_changelist"), {"q": "p=12"}
    ).content.decode()
    assert "nowhere yet: “Draft about the tides” is not published" in drafts
