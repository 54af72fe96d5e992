from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.utils.functional import SimpleLazyObject

from articles.models import BreakingNews, Topic


def site(request):
    """What every page's header and footer show: sections, the banner, the footer pages."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_topics": SimpleLazyObject(
            lambda: list(Topic.objects.filter(show_in_nav=True, parent=None))
        ),
        "breaking_news": SimpleLazyObject(BreakingNews.objects.current),
        "footer_pages": SimpleLazyObject(
            lambda: list(
                FlatPage.objects.filter(sites=settings.SITE_ID, registration_required=False)
                .order_by("url")
                .only("url", "title")
            )
        ),
    }
