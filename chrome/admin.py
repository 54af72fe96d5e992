"""The breaking-news banner in the admin: raised and cleared by editors."""

from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import ngettext

from chrome.models import BreakingNews


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    list_display = ["text", "is_active", "raised_at", "article"]
    list_editable = ["is_active"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    actions = ["clear_selected"]

    @admin.action(description="Clear selected banners from the site", permissions=["change"])
    def clear_selected(self, request, queryset):
        count = 0
        for banner in queryset.filter(is_active=True):  # saved one by one: the pages follow
            banner.is_active = False
            banner.save(update_fields=["is_active"])
            count += 1
        self.message_user(
            request,
            capfirst(
                ngettext("%(count)d banner cleared.", "%(count)d banners cleared.", count)
                % {"count": count}
            ),
        )
