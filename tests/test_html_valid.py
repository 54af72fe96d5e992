"""Every kind of reader's page is valid HTML: the Nu HTML checker (vnu.jar, the checker behind
the W3C's validator) finds no error on the home page, an article, a live article, a section, a
topic, an author, search results, the latest news, a footer page and the "not found" page.

The pages are rendered through the test client with the demo content and checked together in
one run of the checker: a Java virtual machine takes seconds to start. `make test` installs the
checker from npm into .cache/vnu (the Makefile's `VNU_VERSION`), and CI installs Java; without
either the test skips and says which is missing.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Topic
from chrome.models import TopBarLink
from newsletters import links
from newsletters.models import Newsletter, Subscriber

pytestmark = pytest.mark.django_db
JAR = Path(__file__).resolve().parent.parent / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless); CI installs it")
    if not JAR.exists():
        pytest.skip(f"the Nu HTML checker is not installed at {JAR}: `make test` installs it (npm)")
    return [java, "-jar", str(JAR), "--format", "json", "--exit-zero-always"]


def _pages() -> dict[str, str]:
    """One address of each kind of reader's page, in the demo content."""
    live = Article.objects.published().exclude(live_from=None).order_by("pk").first()
    article = Article.objects.published().filter(live_from=None, slug__startswith="european")
    section = TopBarLink.objects.exclude(topic=None).order_by("position").first().topic
    author = Author.objects.filter(bylines__isnull=False).order_by("pk").first()
    return {
        "home": "/",
        "article": article.get().get_absolute_url(),
        "live article": live.get_absolute_url(),
        "section": section.get_absolute_url(),
        "topic": Topic.objects.exclude(parent=None).order_by("pk").first().get_absolute_url(),
        "author": author.get_absolute_url(),
        "search results": "/search/?q=housing",
        "latest": "/latest/",
        "footer page": "/pages/about/",
        "not found": "/no-such-page/",
    }


def _newsletter_pages() -> dict[str, str]:
    """A subscriber's pages, opened from their e-mail's links."""
    reader = Subscriber.objects.create(email="reader@example.org")
    reader.newsletters.add(Newsletter.objects.first())
    return {
        "newsletter sign-up": "/newsletters/subscribe",
        "newsletter confirmation": urlsplit(links.confirm_url(reader)).path,
        "newsletter preferences": urlsplit(links.preferences_url(reader)).path,
        "newsletter unsubscribe": urlsplit(links.leave_url(reader)).path,
    }


def test_every_kind_of_readers_page_passes_the_nu_html_checker(client, tmp_path):
    checker = _checker()
    call_command("load_demo", verbosity=0)
    files = {}
    for kind, url in (_pages() | _newsletter_pages()).items():
        response = client.get(url)
        assert response.status_code == (404 if kind == "not found" else 200), url
        if kind == "search results":
            assert b'class="teaser"' in response.content, "the search finds something"
        name = f"{kind.replace(' ', '-')}.html"
        (tmp_path / name).write_bytes(response.content)
        files[name] = f"{kind} ({url})"

    result = subprocess.run(
        [*checker, *(str(tmp_path / name) for name in files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stderr)["messages"]  # the checker reports on its error output
    errors = [
        f"{files.get(m.get('url', '').rpartition('/')[2], m.get('url'))} "
        f"line {m.get('lastLine', '?')}: {m['message']} [{' '.join(m.get('extract', '').split())}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, "\n".join(errors)
