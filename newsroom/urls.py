from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from articles import sitemaps
from articles.views import robots_txt
from newsroom.desk.logins import StaffPasswordResetForm
from newsroom.http.views import healthz

MOVED_DESK_PAGES = {
    "liveupdate": "live",
    "breakingnews": "chrome",
    "auditentry": "audit",
    "image": "pictures",
}


class MovedDeskPage(RedirectView):
    """Live updates, banners, the desk log and the picture library had their desk pages under
    the articles app: editors' bookmarks of those addresses lead to the same pages under their
    own apps."""

    permanent = True

    def get_redirect_url(self, *args, model, rest, **kwargs):
        app = MOVED_DESK_PAGES[model]
        query = self.request.META.get("QUERY_STRING", "")
        return f"/{settings.ADMIN_URL}{app}/{model}/{rest}" + (f"?{query}" if query else "")


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on every site, the admin included."""

    def get_redirect_url(self, *args, **kwargs):
        return static("icons/favicon.svg")


handler400 = "newsroom.http.views.bad_request"
desk_context = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}

urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    path("robots.txt", robots_txt),
    path("healthz", healthz),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    # Staff reset a forgotten password by e-mail (the link on the sign-in page).
    path(
        f"{settings.ADMIN_URL}password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=StaffPasswordResetForm, extra_context=desk_context
        ),
        name="admin_password_reset",
    ),
    path(
        f"{settings.ADMIN_URL}password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(extra_context=desk_context),
        name="password_reset_done",
    ),
    path(
        f"{settings.ADMIN_URL}password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(extra_context=desk_context),
        name="password_reset_confirm",
    ),
    path(
        f"{settings.ADMIN_URL}password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=desk_context),
        name="password_reset_complete",
    ),
    re_path(
        rf"^{settings.ADMIN_URL}articles/(?P<model>{'|'.join(MOVED_DESK_PAGES)})/(?P<rest>.*)$",
        MovedDeskPage.as_view(),
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("pages/", include("django.contrib.flatpages.urls")),
    path("replies/", include("comments.urls")),
    path("figures/", include("figures.urls")),
    path("newsletters/", include("newsletters.urls")),
    path("", include("live.urls")),
    # The home page is a front.
    path("", include("fronts.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
