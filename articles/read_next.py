"""What a reader may read next, under a story: "Related" and "More in <section>".

Both lists are kept when they change (`articles/related.py`); the page reads their stories in
one query, whatever the data: the related list's ids are joined in, the section's come with the
story's section (`Topic.newest_ids`). A fragment of its own, apart from the story: a neighbour
published or edited renders this small block again, not the story. Only stories readers may
see are shown (`published()`), so a scheduled one appears at its time and one taken back never
shows.
"""

from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.models import Article, RelatedLink
from articles.related import SECTION_SHOWN, SHOWN
from articles.tags import article_tag, related_tag, topic_tag
from newsroom.pagecache.fragments import fragment
from newsroom.pagecache.tags import tag


def block(request, article: Article) -> SafeString:
    """The block under `article`'s story, kept as a fragment (the same for every reader)."""
    html = fragment(request, "read-next", str(article.pk), lambda: _render(request, article))
    return SafeString(html)  # the template's output, escaped there


def stories(article: Article) -> tuple[list[Article], list[Article]]:
    """(related, more in the section): one query. A story shown in Related is not shown again
    in More in: the section's list goes on to its next newest instead (the section keeps
    spares for this, `related.SECTION_KEPT`)."""
    section = article.primary_topic
    section_ids = [pk for pk in (section.newest_ids if section else []) if pk != article.pk]
    links = RelatedLink.objects.filter(article=article)
    place = links.filter(related=OuterRef("pk")).values("position")[:1]
    found = (
        Article.objects.published()
        .filter(Q(pk__in=links.values("related")) | Q(pk__in=section_ids))
        .exclude(pk=article.pk)
        .annotate(place=Subquery(place))
        .select_related("primary_topic", "hero_image")
        .defer("body", "search_vector")
        .order_by()
    )
    found = list(found)
    related = sorted((a for a in found if a.place is not None), key=lambda a: a.place)[:SHOWN]
    in_related = {a.pk for a in related}
    newest = sorted(
        (a for a in found if a.pk in section_ids and a.pk not in in_related),
        key=lambda a: (a.publish_at, a.pk),
        reverse=True,
    )
    return related, newest[:SECTION_SHOWN]


def _render(request, article: Article) -> str:
    related, newest = stories(article)
    shown = [*related, *newest]
    tag(
        request,
        related_tag(article.pk),
        article_tag(article.pk),  # its section, named in the heading
        *(article_tag(a.pk) for a in shown),
        *{topic_tag(a.primary_topic_id) for a in shown},
    )
    if article.primary_topic_id:
        tag(request, topic_tag(article.primary_topic_id))  # which stories the section lists
    context = {"article": article, "related": related, "newest": newest}
    return render_to_string("articles/_read_next.html", context, request)
