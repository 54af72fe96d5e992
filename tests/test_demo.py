"""`load_demo` gives a newcomer a living front page, and running it again changes nothing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, Topic
from chrome.models import BreakingNews, TopBarLink
from comments.models import Reply
from embeds.models import Embed
from pictures.models import Image

pytestmark = pytest.mark.django_db

SEED_HEADLINE = "European Discussions on Ukraine’s Postwar Security"


def test_demo_loads_the_seed_article_and_enough_news(client):
    call_command("load_demo", verbosity=0)
    published = Article.objects.published()
    assert published.count() >= 13
    sections = Topic.objects.filter(primary_articles__in=published).distinct()
    assert sections.count() >= 5
    assert {"Weather", "Live Markets"} <= set(sections.values_list("name", flat=True))

    seed = published.get(headline=SEED_HEADLINE)
    assert timedelta(hours=1) < timezone.now() - seed.publish_at < timedelta(hours=12)
    assert seed.body.count("<p>") == 6
    assert seed.hero_image.width > 0

    home = client.get("/").content.decode()
    assert f'href="{seed.get_absolute_url()}"' in home
    page = client.get(seed.get_absolute_url()).content.decode()
    assert "Share." in page and "Leave A Reply" in page
    assert "transatlantic unity" in page
    assert "4 replies" in page, "a threaded conversation to read"
    nav = home.split('aria-label="Sections"')[1].split("</nav>")[0]
    assert ">Weather</a>" in nav and ">Live Markets</a>" in nav
    live = published.get(slug="markets-live-shares-slip-ahead-of-the-rates-decision")
    assert f'href="{live.get_absolute_url()}">Markets live</a>' in nav, "the running live page"
    assert seed.replies.filter(status="pending").count() == 2, "a queue for the moderators"


def test_demo_shows_a_story_with_pictures_a_table_a_quote_and_embeds_asking_no_provider(client):
    call_command("load_demo", verbosity=0)
    story = Article.objects.published().get(slug="storm-crosses-the-coast-hour-by-hour")
    page = client.get(story.get_absolute_url()).content.decode()
    assert page.count('class="story-figure') == 2 and "story-figure--wide" in page
    story_html = page.split("</head>", 1)[1].split("<script", 1)[0]  # not the scripts' own text
    assert story_html.count("data-embed-load") == 3, "a video, a chart and a post, each a facade"
    assert '<blockquote class="pull-quote">' in page and "<caption>Rain in the 24" in page
    assert not DBTaskResult.objects.exists(), "the demo asks no provider anything"


def test_demo_can_run_twice_without_duplicates():
    call_command("load_demo", verbosity=0)
    models = (Article, Image, Topic, BreakingNews, TopBarLink, Reply, Embed)
    counts = [model.objects.count() for model in models]
    call_command("load_demo", verbosity=0)
    assert [model.objects.count() for model in models] == counts


def test_demo_is_not_loaded_into_a_database_that_has_articles():
    from tests.factories import make_article

    make_article(headline="A real newsroom's story")
    call_command("load_demo", "--if-empty", verbosity=0)
    assert list(Article.objects.values_list("headline", flat=True)) == ["A real newsroom's story"]


def test_the_demo_privacy_page_says_what_is_counted_and_everywhere_readers_see_it(client):
    call_command("load_demo", verbosity=0)
    page = client.get("/pages/privacy/").content.decode()
    assert "one view in ten" in page and "not the page" in page
    assert "Global Privacy Control" in page
    home = client.get("/").content.decode()
    assert ">Most read</h2>" in home, "the home page shows the ranking too"
    assert "under each story and on the home page" in page
