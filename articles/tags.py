"""What readers' pages of this app show, as page-cache tags (see newsroom/pagecache/tags.py).

- `article-<pk>`: the article as shown anywhere: its page, and every teaser, feed entry or
  search result showing it.
- `topic-<pk>`: a topic's name and which articles it lists (its page and feeds, the home
  page's block of that section, and every teaser labelled with it).
- `author-<pk>`: an author's name, picture and which articles they wrote.
- `related-<pk>`: which stories the article's "Related" block lists (`articles/related.py`).
- `articles`: which articles are published at all (home, latest, archives, feeds, search).
- `sitemaps`: the sitemaps, which list topics and authors too.

What each change purges is in `articles/purging.py`.
"""

from newsroom.pagecache.tags import tag

ARTICLES = "articles"
SITEMAPS = "sitemaps"


def article_tag(pk) -> str:
    return f"article-{pk}"


def topic_tag(pk) -> str:
    return f"topic-{pk}"


def author_tag(pk) -> str:
    return f"author-{pk}"


def related_tag(pk) -> str:
    return f"related-{pk}"


def tag_teasers(request, articles, *tags: str) -> None:
    """Tag a page that shows these articles (with their section label and bylines)."""
    shown = set(tags)
    for article in articles:
        shown.add(article_tag(article.pk))
        if article.primary_topic_id:
            shown.add(topic_tag(article.primary_topic_id))
        shown.update(author_tag(byline.author_id) for byline in article.bylines.all())
    tag(request, *shown)
