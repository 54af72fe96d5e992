"""The picture library's admin: upload, words, focal point, and where each picture is used."""

from functools import partial

from django.contrib import admin, messages
from django.db import models
from django.urls import path
from django.utils.html import format_html, format_html_join

from newsroom.desk.telling import TellsReaders
from pictures import bulk, chooser, events, usage
from pictures.markup import thumbnail
from pictures.models import Image
from pictures.renditions import PictureField


@admin.register(Image)
class ImageAdmin(TellsReaders, admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "caption", "credit", "width", "height", "created_at"]
    list_display_links = ["thumbnail"]
    # The words are written in the list too: after uploading several, or to mend many at once.
    list_editable = ["alt_text", "caption", "credit"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    readonly_fields = ["thumbnail", "focal_picker", "width", "height", "where_used"]
    formfield_overrides = {models.ImageField: {"form_class": PictureField}}
    fields = [
        "file",
        "focal_picker",
        ("focal_x", "focal_y"),
        "alt_text",
        "caption",
        "credit",
        ("width", "height"),
        "where_used",
    ]

    class Media:
        css = {"all": ["admin-extra/desk.css"]}
        js = ["admin-extra/focal-point.js"]

    def get_urls(self):
        upload = self.admin_site.admin_view(partial(bulk.upload_view, self))
        return [
            path("upload/", upload, name="pictures_image_bulk_upload"),
            *chooser.urls(self),
            *super().get_urls(),
        ]

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "id__in" or super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        obj.renditions_in_background = True  # the editor need not wait for a second or more
        super().save_model(request, obj, form, change)
        if obj._renditions_stale() and not getattr(request, "_told_sizes", False):
            request._told_sizes = True  # once, however many the list saved
            messages.info(
                request,
                "The sizes readers download are being made; until they are ready, pages show "
                "this picture as uploaded.",
            )

    def get_deleted_objects(self, objs, request):
        """A picture still shown somewhere is not deleted: the confirmation page lists where
        (Django's list of protected objects), with links, and refuses."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        several = len(objs) > 1
        for image in objs:
            protected += [
                format_html(
                    '{}: <a href="{}">{}</a>{}',
                    use.where,
                    use.url,
                    use.label,
                    format_html(" (shows “{}”)", image) if several else "",
                )
                for use in usage.uses(image.pk)
            ]
        return deleted, counts, perms_needed, protected

    @admin.display(description="where it is used")
    def where_used(self, image):
        found = usage.uses(image.pk) if image.pk else []
        if not found:
            return "Nowhere yet: no story, live update or author shows this picture."
        return format_html(
            '<ul class="picture-uses">{}</ul>',
            format_html_join(
                "", '<li>{}: <a href="{}">{}</a></li>', ((u.where, u.url, u.label) for u in found)
            ),
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
        width, height, url = image.for_editors
        return format_html(
            '<span class="focal-frame" tabindex="0" role="group" aria-roledescription="focal '
            'point" aria-label="Focal point: click or tap the most important point of the '
            'picture, or move it with the arrow keys">'
            '<img class="focal-picker" src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-marker" aria-hidden="true" hidden></span></span>',
            url,
            width,
            height,
            image.alt_text,
        )
