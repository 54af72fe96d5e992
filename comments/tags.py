"""What readers' pages show of replies, as a page-cache tag (see newsroom/pagecache/tags.py).

One tag, `replies-<article pk>`: the approved replies under an article and their count, on the
article's page only (no listing shows reply counts)."""


def replies_tag(article_pk) -> str:
    return f"replies-{article_pk}"
