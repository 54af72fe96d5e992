"""Fronts at the desk: the list of fronts, and each front's one page where editors arrange,
preview, publish and schedule it (`fronts/desk.py`)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from fronts import desk
from fronts.models import Front


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M") if moment else "—"


@admin.register(Front)
class FrontAdmin(admin.ModelAdmin):
    list_display = ["__str__", "live_since", "next_change", "draft_changed_at", "arrange_link"]
    list_select_related = ["topic"]
    fields = ["topic"]
    autocomplete_fields = ["topic"]
    search_fields = ["topic__name"]

    def get_queryset(self, request):
        now = timezone.now()
        return (
            super()
            .get_queryset(request)
            .annotate(
                live_from=Max(
                    "arrangements__live_from", filter=Q(arrangements__live_from__lte=now)
                ),
                next_from=Min("arrangements__live_from", filter=Q(arrangements__live_from__gt=now)),
            )
        )

    @admin.display(description="live since", ordering="live_from")
    def live_since(self, front):
        return _when(front.live_from)

    @admin.display(description="next scheduled change", ordering="next_from")
    def next_change(self, front):
        return _when(front.next_from)

    @admin.display(description="")
    def arrange_link(self, front):
        return format_html(
            '<a href="{}">Arrange</a>', reverse("admin:fronts_front_change", args=[front.pk])
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview), name="fronts_front_preview"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A front's page is its arrangement, not a form of its fields."""
        front = get_object_or_404(Front.objects.select_related("topic"), pk=object_id)
        if not self.has_view_permission(request, front):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request, front):
            raise PermissionDenied
        return desk.arrange_view(self, request, front)

    def preview(self, request, pk):
        front = get_object_or_404(Front.objects.select_related("topic"), pk=pk)
        if not self.has_view_permission(request, front):
            raise PermissionDenied
        return desk.preview_view(self, request, front)

    def response_add(self, request, obj, post_url_continue=None):
        """A new front opens on its arrangement page."""
        self.message_user(request, f"{obj} made: arrange it, then publish.")
        return HttpResponseRedirect(reverse("admin:fronts_front_change", args=[obj.pk]))
