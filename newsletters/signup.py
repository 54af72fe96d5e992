"""The sign-up form as other apps' pages carry it: at the foot of every story, on each
section's page (its list offered and ticked), on the home page. Its lists are read once per
purge by each process (`offered`), so a page carrying it makes no query more."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.views import TopicPageTop
from newsletters import offered


def form_html(request, topic=None) -> SafeString:
    lists, ticked = offered.for_page(request, topic)
    if not lists:
        return SafeString("")
    context = {"lists": lists, "ticked": ticked, "email": ""}
    return SafeString(render_to_string("newsletters/_signup_box.html", context, request))


def article_part(request, article, **options) -> dict:
    """Under a story (`articles.page.PagePart`): its section's list offered and ticked."""
    return {"html": form_html(request, article.primary_topic)}


def section_part(request, topic) -> TopicPageTop | None:
    """On a section's first page, below its front (`articles.views.add_to_topic_page`)."""
    html = form_html(request, topic)
    return TopicPageTop(html=html, shown=frozenset()) if html else None


def home_part(request) -> SafeString:
    """At the foot of the home page (`fronts.views.add_to_home_page`)."""
    return form_html(request)
