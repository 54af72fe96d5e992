from django.contrib import admin
from django.utils.html import format_html

from wordpress.models import OldAddress


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    """The old site's addresses and where each now leads; made by `import_wordpress`."""

    list_display = ["path", "leads_to"]
    search_fields = ["path"]
    list_select_related = ["article__primary_topic", "topic", "author", "page"]
    readonly_fields = ["path", "article", "topic", "author", "page", "feed"]
    list_per_page = 100

    @admin.display(description="leads to")
    def leads_to(self, address):
        target = address.target()
        if target is None:
            return f"nowhere yet: “{address.article}” is not published"
        return format_html('<a href="{}">{}</a>', target, target)

    def has_add_permission(self, request):
        return False  # made by the import only

    def has_change_permission(self, request, obj=None):
        return False
