"""Plain factory functions: a valid object from a few keywords, times relative to now."""

import io
import itertools
import time
from datetime import timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles import changes
from articles.models import Article, Author, Byline, Topic
from comments import counts
from comments.models import Reply
from pictures.models import Image

_numbers = itertools.count(1)


def make_topic(**overrides) -> Topic:
    n = next(_numbers)
    fields = {"name": f"Topic {n}", "slug": f"topic-{n}"}
    return Topic.objects.create(**fields | overrides)


def make_author(**overrides) -> Author:
    n = next(_numbers)
    return Author.objects.create(**{"name": f"Author {n}", "slug": f"author-{n}"} | overrides)


def picture_bytes(fmt="JPEG", size=(64, 48), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def make_image(**overrides) -> Image:
    n = next(_numbers)
    image = Image(**{"alt_text": f"Picture {n}"} | overrides)
    name = f"picture-{n}.jpg"
    image.file.save(name, ContentFile(picture_bytes(), name=name))
    return image


def make_article(*, authors=None, topics=(), **overrides) -> Article:
    """A published article, an hour old, with a section and an author, unless told otherwise."""
    n = next(_numbers)
    fields = {
        "headline": f"Headline number {n}",
        "slug": f"headline-{n}",
        "standfirst": f"The standfirst of article {n}.",
        "body": f"<p>The body of article {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(hours=1),
    }
    fields |= overrides
    if "primary_topic" not in fields:
        fields["primary_topic"] = make_topic()
    article = Article.objects.create(**fields)
    for order, author in enumerate(authors if authors is not None else [make_author()]):
        Byline.objects.create(article=article, author=author, order=order)
    article.topics.set(topics)
    return article


def make_reply(article, *, parent=None, **overrides) -> Reply:
    """An approved reply, unless told otherwise, counted under its article as the services
    that show replies count them."""
    n = next(_numbers)
    fields = {
        "name": f"Reader {n}",
        "email": f"reader{n}@example.org",
        "body": f"Reply number {n}.",
        "status": Reply.Status.APPROVED,
    }
    reply = Reply.objects.create(
        article=article,
        parent=parent,
        **fields | overrides,
    )
    if reply.status == Reply.Status.APPROVED:
        counts.recount([article.pk])
    return reply


def post_reply(client, article, token: str, *, n: int = 0):
    """Post a reply to the article as reader n through the form, with a page's CSRF token."""
    return client.post(
        reverse("comments:post", args=[article.pk]),
        {
            "csrfmiddlewaretoken": token,
            "name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "body": f"Reply from reader {n}",
        },
    )


# Reading pages as an anonymous reader.


def page_text(client, url) -> str:
    """The page at `url`, which must answer 200, as text."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def page_body(client, url) -> str:
    """The page at `url` without its <head>, whose stylesheet names every class the site has."""
    return page_text(client, url).split("</head>", 1)[1]


def cache_use(url, client=None) -> str:
    """Fetch `url` as an anonymous reader: whether the page cache had it ("hit" or "miss")."""
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response.wsgi_request.page_cache


def warm(*urls) -> None:
    """Put the pages in the page cache, and check that they are served from it."""
    for url in urls:
        cache_use(url)
        assert cache_use(url) == "hit", url


def form_stamp(seconds_ago: float = 30) -> str:
    """The reply form's signed start time, as a page `seconds_ago` old carries it."""
    return signing.dumps(time.time() - seconds_ago, salt="newsroom.replies.form-started")


def reply_data(**overrides) -> dict:
    """What a reader sends with the reply form, filled like a person (not too fast)."""
    return {
        "name": "Ada Reader",
        "email": "ada@example.org",
        "website": "",
        "body": "A considered reply.",
        "homepage": "",
        "started": form_stamp(),
        "parent": "",
    } | overrides


def run_worker(**options) -> None:
    """Do the background work that is due, as `manage.py worker --batch` does. A test runs in
    one transaction on one connection, so the worker's check for stale connections (which
    closes a connection found inside a transaction) is left out here, as Django's test client
    leaves out the same check around each request."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", **{"verbosity": 0, **options})


def desk_editor():
    """A member of the Editors group, as the desk's services want one."""
    user, created = get_user_model().objects.get_or_create(
        username="desk-editor", defaults={"email": "desk@example.org", "is_staff": True}
    )
    if created:
        user.groups.add(Group.objects.get(name="Editors"))
    return user


def publish_changes(article: Article, **content) -> Article:
    """Change a published article as an editor does at the desk: the changes kept over the live
    version, then made live ("Publish changes"). Returns the article as now stored."""
    editor = desk_editor()
    changes.stage(article, content, by=editor)
    return changes.publish(article, by=editor)
