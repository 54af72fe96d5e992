from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = f"{settings.SITE_NAME} — newsroom"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Today's desk"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("pages/", include("django.contrib.flatpages.urls")),
    path("replies/", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns.insert(
        0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
