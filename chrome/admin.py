"""The header and footer in the admin: the breaking-news banner, raised and cleared by editors,
and the footer's pages (Django's flat pages). Each save or delete rebuilds them once."""

from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.models import FlatPage
from django.utils.text import capfirst
from django.utils.translation import ngettext

from chrome.models import BreakingNews, changed
from newsroom.desk.telling import TellsReaders


class ChangesChrome(TellsReaders):
    """Banners and footer pages: the header and footer are rebuilt once per save or delete."""

    def told(self, obj) -> None:
        changed()

    def delete_model(self, request, obj):
        admin.ModelAdmin.delete_model(self, request, obj)
        changed()

    def delete_queryset(self, request, queryset):
        admin.ModelAdmin.delete_queryset(self, request, queryset)
        changed()


@admin.register(BreakingNews)
class BreakingNewsAdmin(ChangesChrome, admin.ModelAdmin):
    list_display = ["text", "is_active", "raised_at", "article"]
    list_editable = ["is_active"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    actions = ["clear_selected"]

    @admin.action(description="Clear selected banners from the site", permissions=["change"])
    def clear_selected(self, request, queryset):
        count = queryset.filter(is_active=True).update(is_active=False)
        if count:
            changed()
        self.message_user(
            request,
            capfirst(
                ngettext("%(count)d banner cleared.", "%(count)d banners cleared.", count)
                % {"count": count}
            ),
        )


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class FooterPageAdmin(ChangesChrome, FlatPageAdmin):
    """Django's flat pages, whose titles the footer lists."""
