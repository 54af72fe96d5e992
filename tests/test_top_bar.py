"""The top bar editors arrange in one place: links to topics, pages, articles and addresses,
ordered by drag and drop or a place at a time, shown to every reader at once."""

import threading
from datetime import timedelta
from http.server import ThreadingHTTPServer

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Topic
from audit.models import AuditEntry
from chrome.models import TopBarLink
from tests.factories import desk_editor, make_article, make_topic, warm
from tests.test_cache_tags import PurgeReceiver

pytestmark = pytest.mark.django_db

ADD = reverse("admin:chrome_topbarlink_add")
LIST = reverse("admin:chrome_topbarlink_changelist")
ARRANGE = reverse("admin:chrome_topbarlink_arrange")


def top_bar(url="/") -> list[str]:
    """The names in the top bar, from the left, as an anonymous reader gets the page."""
    page = Client().get(url).content.decode()
    nav = page.split('aria-label="Sections"')[1].split("</nav>")[0]
    return [item.split("</a>")[0].rsplit(">", 1)[1] for item in nav.split("<li>")[1:]]


def link_to(**fields) -> TopBarLink:
    place = TopBarLink.objects.count() + 1
    return TopBarLink.objects.create(position=place, **fields)


def footer_page(title="About us", url="/about/") -> FlatPage:
    page = FlatPage.objects.create(url=url, title=title, content="<p>Who we are.</p>")
    page.sites.add(Site.objects.get_current())
    return page


def test_an_editor_adds_a_topic_a_page_an_article_and_an_address_and_readers_see_them(
    editor_client,
):
    weather = make_topic(name="Weather", slug="weather")
    about = footer_page()
    live = make_article(headline="Markets live: shares slip")
    for fields in [
        {"topic": weather.pk},
        {"page": about.pk, "label": "Who we are"},
        {"article": live.pk, "label": "Markets live"},
        {"url": "https://example.org/tides", "label": "Tides"},
    ]:
        assert editor_client.post(ADD, fields).status_code == 302, fields
    assert top_bar() == ["Weather", "Who we are", "Markets live", "Tides"]
    page = Client().get("/").content.decode()
    assert f'href="{live.get_absolute_url()}">Markets live</a>' in page
    assert 'href="https://example.org/tides">Tides</a>' in page
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.TOP_BAR)
    assert sorted(logged.values_list("subject", flat=True)) == sorted(
        ["Weather", "Who we are", "Markets live", "Tides"]
    )


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"url": "/latest/"}, "An address needs a label"),
        ({"url": "javascript:alert(1)", "label": "Go"}, "Give an address on this site"),
        ({"label": "Nothing"}, "Choose one thing to link to"),
    ],
)
def test_a_link_to_nothing_or_to_an_unsafe_address_is_refused_with_the_form_again(
    editor_client, fields, error
):
    response = editor_client.post(ADD, fields)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not TopBarLink.objects.exists()


def test_two_targets_at_once_are_refused_in_words_alone(editor_client):
    topic = make_topic(name="Weather")
    response = editor_client.post(ADD, {"topic": topic.pk, "url": "/latest/", "label": "Both"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Choose one thing to link to") == 1
    assert "Constraint" not in page  # the database's name for the rule is no help to an editor
    assert not TopBarLink.objects.exists()


def test_links_move_a_place_with_plain_forms_and_the_moved_button_keeps_the_focus(editor_client):
    links = [link_to(topic=make_topic(name=name)) for name in ("News", "Sport", "Weather")]
    response = editor_client.post(ARRANGE, {"move": f"{links[2].pk}:up"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?moved={links[2].pk}&went=up"
    assert top_bar() == ["News", "Weather", "Sport"]
    desk = editor_client.get(response["Location"]).content.decode()
    assert "“Weather” is in place 2 of 3." in desk
    row = desk.split(f'id="link-{links[2].pk}"')[1].split("</li>")[0]
    assert f'value="{links[2].pk}:up" autofocus' in row, "a keyboard user stays on the button"
    editor_client.post(ARRANGE, {"move": f"{links[2].pk}:up"})
    assert top_bar() == ["Weather", "News", "Sport"]
    before = AuditEntry.objects.count()
    editor_client.post(ARRANGE, {"move": f"{links[2].pk}:up"})  # first already: stays
    assert top_bar() == ["Weather", "News", "Sport"]
    assert AuditEntry.objects.count() == before, "nothing moved, nothing logged"
    editor_client.post(ARRANGE, {"move": f"{links[0].pk}:down"})
    assert top_bar() == ["Weather", "Sport", "News"]


def test_a_new_order_from_drag_and_drop_is_saved_and_a_stale_one_refused(editor_client):
    links = [link_to(topic=make_topic(name=name)) for name in ("News", "Sport", "Weather")]
    order = [links[1].pk, links[2].pk, links[0].pk]
    response = editor_client.post(ARRANGE, {"order": order, "save_order": "1"}, follow=True)
    assert "The top bar’s new order is saved." in response.content.decode()
    assert top_bar() == ["Sport", "Weather", "News"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.TOP_BAR)
    assert entry.detail == "new order: Sport, Weather, News"
    response = editor_client.post(ARRANGE, {"order": order[:2]})
    assert response.status_code == 409, "refused, with the top bar as it is now"
    assert "The top bar changed while you were arranging it" in response.content.decode()
    assert response.content.decode().count(">Move up<") == 3
    assert top_bar() == ["Sport", "Weather", "News"]


def test_the_desk_lists_the_links_with_their_buttons_and_script(editor_client):
    link_to(topic=make_topic(name="News"))
    draft = make_article(headline="Tomorrow's story", status=Article.Status.DRAFT, publish_at=None)
    link_to(article=draft, label="Coming")
    page = editor_client.get(LIST).content.decode()
    assert page.count(">Move up<") == 2 and page.count(">Move down<") == 2
    assert "admin-extra/top-bar." in page and ">Add a link</a>" in page
    assert "not shown until the article is published" in page
    assert top_bar() == ["News"]


def test_writers_may_neither_see_nor_arrange_the_top_bar(writer_client):
    link = link_to(topic=make_topic(name="News"))
    assert writer_client.get(LIST).status_code == 403
    assert writer_client.post(ADD, {"url": "/latest/", "label": "All"}).status_code == 403
    assert writer_client.post(ARRANGE, {"move": f"{link.pk}:down"}).status_code == 403
    assert TopBarLink.objects.count() == 1


def test_an_editor_removes_a_link_and_every_page_loses_it(editor_client):
    link = link_to(topic=make_topic(name="Weather"))
    article = make_article()
    for url in ("/", article.get_absolute_url()):
        warm(url)
        assert "Weather" in top_bar(url)
    delete = reverse("admin:chrome_topbarlink_delete", args=[link.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    for url in ("/", article.get_absolute_url()):
        assert "Weather" not in top_bar(url), url
    assert AuditEntry.objects.filter(detail="removed", subject="Weather").exists()


@pytest.fixture
def purge_server():
    handler = type("Receiver", (PurgeReceiver,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}/"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_move_rebuilds_the_header_once_and_purges_the_chrome_in_shared_caches(
    editor_client, settings, purge_server, purges_sent
):
    settings.CACHE_PURGE_URLS = [purge_server.url]
    links = [link_to(topic=make_topic(name=name)) for name in ("News", "Sport")]
    assert purges_sent.wait_sent(timeout=10)
    purge_server.RequestHandlerClass.received.clear()
    with CaptureQueriesContext(connection) as queries:
        editor_client.post(ARRANGE, {"move": f"{links[1].pk}:up"})
    rebuilt = [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert len([q for q in rebuilt if "articles_sitechrome" in q["sql"]]) == 1, "rebuilt once"
    assert purges_sent.wait_sent(timeout=10)
    ((path, tags),) = purge_server.RequestHandlerClass.received
    assert path == "/" and "chrome" in tags.split()


def test_a_link_to_an_article_shows_once_it_is_published_with_no_save(settings, clock):
    settings.PAGE_CACHE_SECONDS = 600
    soon = make_article(headline="Count live", publish_at=timezone.now() + timedelta(seconds=30))
    link_to(topic=make_topic(name="News"))
    link_to(article=soon, label="Count live")
    assert top_bar() == ["News"]
    clock.advance(31)
    assert top_bar() == ["News", "Count live"], "its time came: the cached page ended then"
    soon.refresh_from_db()
    workflow.transition(soon, "unpublish", by=desk_editor())
    assert top_bar() == ["News"], "unpublished: its link goes at once"


def test_deleting_a_linked_topic_page_or_article_removes_its_link_and_rebuilds_once(
    editor_client,
):
    topic, page, article = make_topic(name="Weather"), footer_page(), make_article()
    for fields in ({"topic": topic}, {"page": page}, {"article": article, "label": "Live"}):
        link_to(**fields)
    assert top_bar() == ["Weather", "About us", "Live"]
    for name, obj in [
        ("articles_article", article),
        ("articles_topic", topic),
        ("flatpages_flatpage", page),
    ]:
        delete = reverse(f"admin:{name}_delete", args=[obj.pk])
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.post(delete, {"post": "yes"}).status_code == 302, name
        writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
        assert len([sql for sql in writes if "articles_sitechrome" in sql]) == 1, name
    assert top_bar() == []
    assert not TopBarLink.objects.exists()


def test_the_topic_form_leaves_the_top_bar_to_its_own_page(editor_client):
    topic = make_topic(name="Weather")
    form = editor_client.get(reverse("admin:articles_topic_change", args=[topic.pk]))
    assert list(form.context["adminform"].form.fields) == ["name", "slug", "description", "parent"]


# Before the top bar had links of its own: topics carried a tick and a number for it.
BEFORE_TOP_BAR_LINKS = [
    ("articles", "0019_featured_gives_way_to_fronts"),
    ("chrome", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_seeds_the_top_bar_from_the_sections_ticked_in_their_order():
    old = _migrate(BEFORE_TOP_BAR_LINKS)
    topics = old.get_model("articles", "Topic").objects
    topics.create(name="Weather", slug="weather", show_in_nav=True, nav_order=2)
    topics.create(name="Live Markets", slug="live-markets", show_in_nav=True, nav_order=1)
    world = topics.create(name="World", slug="world", show_in_nav=True, nav_order=3)
    topics.create(name="Europe", slug="europe", parent=world, show_in_nav=True, nav_order=0)
    topics.create(name="Hidden", slug="hidden", show_in_nav=False, nav_order=0)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    names = [link.topic.name for link in TopBarLink.objects.select_related("topic")]
    assert names == ["Live Markets", "Weather", "World"], "sections ticked, in their order"
    assert top_bar() == names
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "articles_topic")
        }
    assert {"show_in_nav", "nav_order"}.isdisjoint(columns), "the tick and number are gone"
    assert Topic.objects.count() == 5
