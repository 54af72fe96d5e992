"""The article page is light: its HTML, CSS and JavaScript (the stylesheet and scripts written
into the page) come to under 60 KB compressed, pictures aside, with no web fonts and nothing
from another host."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article
from newsroom.rendering.inline import inlined

pytestmark = pytest.mark.django_db
BUDGET = 60 * 1024


def test_the_seed_article_page_is_under_60_kb_compressed(client):
    call_command("load_demo", verbosity=0)
    article = Article.objects.get(slug="european-discussions-ukraines-postwar-security")
    page = client.get(article.get_absolute_url()).content
    html = page.decode()
    assets = re.findall(r'<(?:link[^>]+href|script[^>]+src)="([^"]+\.(?:css|js))"', html)
    # The stylesheet and the page's scripts are written into it (newsroom/rendering/inline.py).
    assert inlined("css/site.css").text in html and inlined("js/share.js").text in html
    sizes = {"html": len(gzip.compress(page, 6))}
    for url in assets:
        assert url.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/")
        served = Path(settings.STATIC_ROOT) / url.removeprefix("/static/")
        # What WhiteNoise sends a browser that accepts gzip: the compressed copy made at build.
        sizes[url] = (served.with_name(served.name + ".gz")).stat().st_size
    total = sum(sizes.values())
    print(f"article page: {total} bytes compressed: {sizes}")
    assert total < BUDGET, sizes

    assert "@font-face" not in inlined("css/site.css").text
    # What the page loads (not what it links to, such as the share links) is all our own.
    loaded = re.findall(r'<(?:img|script|link|source)\b[^>]*?(?:src|href|srcset)="([^"]+)"', html)
    elsewhere = [u for u in loaded if re.match(r"(https?:)?//", u) and "//testserver/" not in u]
    assert loaded and not elsewhere, elsewhere
