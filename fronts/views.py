"""Readers' fronts: the home page, and the top of a section's page 1, as editors arranged them."""

from collections.abc import Callable

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.tags import ARTICLES, tag_teasers, topic_tag
from articles.views import TopicPageTop
from figures.tags import MOST_READ
from fronts import filling
from fronts.reading import ShownBlock, front_for
from fronts.tags import front_tag
from newsroom.pagecache.tags import tag


def tag_front(request, topic, blocks: list[ShownBlock]) -> None:
    """A front shows its arrangement, its stories, and which stories each block's section and
    the site have (a new story may fill an automatic slot)."""
    sections = {b.topic.pk for b in blocks if b.topic}
    tag(request, front_tag(topic.pk if topic else None), *map(topic_tag, sections))
    if any(b.kind.fill is filling.most_read for b in blocks):
        tag(request, MOST_READ)  # the ranking's order changes with no story changing
    tag_teasers(request, [a for b in blocks for a in b.articles], ARTICLES)


# (request) -> markup other apps show at the foot of the home page (the newsletters' sign-up
# form), added from their `AppConfig.ready()`: fronts never imports them.
_home_page_parts: list[Callable] = []


def add_to_home_page(part: Callable) -> None:
    if part not in _home_page_parts:
        _home_page_parts.append(part)


def render_front(request, blocks: list[ShownBlock], *, preview=""):
    parts = [part(request) for part in _home_page_parts]
    context = {"blocks": blocks, "preview": preview, "parts": parts}
    response = render(request, "fronts/home.html", context)
    if preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def home(request):
    """The home page: the home front's live arrangement."""
    blocks = front_for(None)
    tag_front(request, None, blocks)
    return render_front(request, blocks)


def section_top(request, topic) -> TopicPageTop:
    """A section's page 1 starts with its front (`articles.views.add_to_topic_page`)."""
    blocks = front_for(topic)
    tag_front(request, topic, blocks)
    html = render_to_string("fronts/_section.html", {"blocks": blocks, "topic": topic}, request)
    return TopicPageTop(
        html=SafeString(html), shown=frozenset(a.pk for b in blocks for a in b.articles)
    )
