"""The sign-up form as other apps' pages carry it: at the foot of every story, on each
section's page (its list offered and ticked), on the home page. Each is a fragment kept until
the lists change, its lists read once per purge by each process besides (`offered`), so a page
carrying it makes no query more."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.views import TopicPageTop
from newsletters import offered
from newsroom.pagecache.fragments import fragment


def form_html(request, topic=None) -> SafeString:
    """The form for a page of `topic` (a section's or a story's), or of none (the home page):
    a fragment kept until the lists change (newsroom/pagecache/fragments.py)."""

    def render() -> str:
        lists, ticked = offered.for_page(request, topic)
        if not lists:
            return ""
        context = {"lists": lists, "ticked": ticked, "email": ""}
        return render_to_string("newsletters/_signup_box.html", context, request)

    key = str(topic.pk) if topic is not None else ""
    return SafeString(fragment(request, "newsletter-signup", key, render))  # a template's output


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
