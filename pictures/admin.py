"""The picture library's admin: upload, words, focal point, and where each picture is used."""

from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html

from newsroom.desk.telling import TellsReaders
from pictures import events
from pictures.markup import thumbnail
from pictures.models import Image
from pictures.renditions import PictureField


@admin.register(Image)
class ImageAdmin(TellsReaders, admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "credit", "width", "height", "created_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    readonly_fields = ["thumbnail", "focal_picker", "width", "height"]
    formfield_overrides = {models.ImageField: {"form_class": PictureField}}
    fields = [
        "file",
        "focal_picker",
        ("focal_x", "focal_y"),
        "alt_text",
        "caption",
        "credit",
        ("width", "height"),
    ]

    class Media:
        css = {"all": ["admin-extra/desk.css"]}
        js = ["admin-extra/focal-point.js"]

    def save_model(self, request, obj, form, change):
        obj.renditions_in_background = True  # the editor need not wait for a second or more
        super().save_model(request, obj, form, change)
        if obj._renditions_stale():
            messages.info(
                request,
                "The sizes readers download are being made; until they are ready, pages show "
                "this picture as uploaded.",
            )

    def told(self, image) -> None:
        events.picture_changed.send(sender=Image, image=image)

    @admin.display(description="picture")
    def thumbnail(self, image):
        return thumbnail(image)

    @admin.display(description="focal point")
    def focal_picker(self, image):
        if not image.file:
            return "Save the picture first, then click it here to choose what crops keep."
        rows = image.rendition_or_original("full")
        width, height, url = next((r for r in rows if r[0] >= 640), rows[-1])
        return format_html(
            '<span class="focal-frame"><img class="focal-picker" src="{}" width="{}" height="{}" '
            'alt="Click the most important point of the picture">'
            '<span class="focal-marker" aria-hidden="true"></span></span>',
            url,
            width,
            height,
        )
