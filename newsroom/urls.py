from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from articles import sitemaps
from articles.views import robots_txt
from newsroom.views import healthz


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on every site, the admin included."""

    def get_redirect_url(self, *args, **kwargs):
        return static("icons/favicon.svg")


handler400 = "newsroom.views.bad_request"

urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    path("robots.txt", robots_txt),
    path("healthz", healthz),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("pages/", include("django.contrib.flatpages.urls")),
    path("replies/", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
