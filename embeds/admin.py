"""Embeds at the desk: a read-only list of what providers answered, an action to ask again,
and the address the body editor asks for a preview when a link is pasted."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from embeds.fetch import embed_for, fetch_again
from embeds.models import Embed

NOT_YET = "Preview not available yet"
MAY_NOT = "You may not add embeds."


def preview(embed: Embed) -> dict:
    """What the body editor shows for a pasted address."""
    thumbnail = ""
    if embed.thumbnail:
        rows = embed.thumbnail.rendition("full", "JPEG")
        thumbnail = rows[0][2] if rows else embed.thumbnail.file.url
    return {
        "url": embed.url,
        "provider": embed.provider,
        "status": embed.status,
        "title": embed.title,
        "thumbnail_url": thumbnail,
        "message": "" if embed.status == Embed.Status.READY else NOT_YET,
    }


@admin.register(Embed)
class EmbedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "provider", "status", "attempts", "fetched_at", "created_at"]
    list_filter = ["status", "provider"]
    list_select_related = ["thumbnail"]
    search_fields = ["url", "title", "author_name"]
    date_hierarchy = "created_at"
    actions = ["ask_again"]
    readonly_fields = [field.name for field in Embed._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False  # embeds are added by pasting a link in an article's body

    @admin.action(description="Ask the provider again", permissions=["change"])
    def ask_again(self, request, queryset):
        count = fetch_again(queryset)
        self.message_user(
            request,
            ngettext(
                "%d embed will be asked for again.", "%d embeds will be asked for again.", count
            )
            % count,
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="embeds_embed_preview",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    @require_POST
    def preview_view(request):
        """POST `url`: the embed's preview as JSON, its provider asked if it is new."""
        if not request.user.has_perm("embeds.add_embed"):
            return JsonResponse({"error": MAY_NOT}, status=403)
        try:
            embed = embed_for(request.POST.get("url", ""))
        except ValidationError as error:
            return JsonResponse({"error": error.messages[0]}, status=400)
        return JsonResponse(preview(embed))
