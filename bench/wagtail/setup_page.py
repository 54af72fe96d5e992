"""Run inside the Wagtail project: publish the seed article as an ArticlePage under the
home page and print its URL path."""

import datetime
import html
import sys

from news.models import ArticlePage
from wagtail.models import Page

with open(sys.argv[1], encoding="utf-8") as seed:
    lines = [line.strip() for line in seed if line.strip()]
title, *paragraphs = lines  # the headline, then the paragraphs
home = Page.objects.get(depth=2)
page = ArticlePage.objects.filter(slug="european-discussions").first()
if page is None:
    page = ArticlePage(
        title=title,
        slug="european-discussions",
        date=datetime.date.today(),
        intro=paragraphs[0][:250],
        body="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
print(page.url_path.removeprefix(home.url_path.rstrip("/")))
