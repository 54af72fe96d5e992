"""The article page is built from fragments cached by tag: after a change, its next miss
renders again only the part that shows what changed."""

import pytest

from articles import events
from articles.models import Article, Topic
from chrome.models import SiteChrome, TopBarLink
from comments.models import Reply
from comments.moderation import approve
from tests.factories import make_article, make_reply, make_topic, publish_changes

pytestmark = pytest.mark.django_db


def approve_new_reply(article, moderator, body="A reply the moderators let through."):
    reply = make_reply(article, body=body, status=Reply.Status.PENDING)
    approve(Reply.objects.filter(pk=reply.pk), by=moderator)


def change_unseen(article, **fields):
    """Change the article without telling the page cache: what a page then shows of it is
    what a fragment kept."""
    Article.objects.filter(pk=article.pk).update(**fields)


def test_after_an_approval_the_next_miss_renders_only_the_replies(
    client, moderator, django_assert_num_queries
):
    article = make_article(headline="Kept as it was rendered")
    SiteChrome.rebuild()  # as the desk's first change to the header or footer leaves it
    url = article.get_absolute_url()
    # The first miss: article, bylines, topics, when the next story and the next front go live
    # (read once, then kept), what to read next, most read, the newsletters offered under it
    # (read once, then kept), chrome …
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    change_unseen(article, headline="Changed behind the cache's back")
    approve_new_reply(article, moderator)
    # The typical miss: the article with its reply count, and the replies; no topics, no
    # notes, no chrome.
    with django_assert_num_queries(2):
        page = client.get(url).content.decode()
    assert "A reply the moderators let through." in page
    assert '<a class="reply-count" href="#replies">1 reply</a>' in page
    assert "Kept as it was rendered" in page, "the article's part was not rendered again"
    assert "Changed behind the cache" not in page


def test_a_change_to_the_article_renders_the_story_and_keeps_the_replies(client, moderator):
    article = make_article(headline="First headline")
    approve_new_reply(article, moderator, body="The first reply.")
    url = article.get_absolute_url()
    client.get(url)
    Reply.objects.filter(article=article).update(body="Edited where no one purges")
    publish_changes(article, headline="Second headline")
    page = client.get(url).content.decode()
    assert "Second headline" in page and "First headline" not in page
    assert "The first reply." in page, "the replies' part was kept"
    assert '<a class="reply-count" href="#replies">1 reply</a>' in page


def test_a_new_section_renders_the_header_again_and_keeps_the_story(client):
    article = make_article(headline="Stays the same")
    url = article.get_absolute_url()
    client.get(url)
    change_unseen(article, headline="Changed behind the cache's back")
    topic = make_topic(name="Weather")
    TopBarLink.objects.create(topic=topic, position=1)
    topic.name = "Weather Desk"  # renamed at the desk: the top bar shows the new name
    topic.save()
    events.topic_changed.send(sender=Topic, topic=topic)  # as the desk's save says
    page = client.get(url).content.decode()
    assert "Weather Desk</a>" in page.split("</header>")[0]
    assert "Stays the same" in page, "the story is not part of the chrome"


def test_a_readers_page_with_a_form_in_error_is_never_a_fragment(client, moderator):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    response = client.post(
        f"/replies/articles/{article.pk}/",
        {"name": "", "body": ""},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 400
    assert "Please correct the marked" in response.content.decode()
    assert "Please correct the marked" not in client.get(url).content.decode()


def test_without_a_page_cache_every_part_is_rendered_each_time(client, settings, moderator):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(headline="Before")
    url = article.get_absolute_url()
    client.get(url)
    change_unseen(article, headline="After")
    assert "After" in client.get(url).content.decode()
