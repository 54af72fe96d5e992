"""The admin of what articles are made from: topics, authors, pictures."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles import events, topics
from articles.images import PictureField
from articles.models import Author, Image, Topic
from pictures import chooser


class TellsReaders:
    """A desk's save or delete tells readers' pages what happened (`told`): the models' own
    save sends nothing. Said once the related objects are saved too; for a delete, just
    before, while what it showed can still be read (pages are purged once it commits)."""

    def told(self, obj) -> None:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.told(form.instance)

    def delete_model(self, request, obj):
        self.told(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.told(obj)
        super().delete_queryset(request, queryset)


@admin.register(Topic)
class TopicAdmin(TellsReaders, admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "show_in_nav", "nav_order"]
    list_editable = ["show_in_nav", "nav_order"]
    list_filter = ["show_in_nav", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_urls(self):
        own = [
            path(
                "quick-add/",
                self.admin_site.admin_view(require_POST(self.quick_add_view)),
                name="articles_topic_quick_add",
            ),
        ]
        return own + super().get_urls()

    def quick_add_view(self, request):
        """POST `name`: the topic of that name, made if need be, as {id, text} for the article
        form's topics box (static/admin-extra/topic-create.js)."""
        if not self.has_add_permission(request):
            return JsonResponse({"error": "You may not create topics."}, status=403)
        try:
            topic, created = topics.find_or_create(name=request.POST.get("name", ""))
        except ValidationError as refusal:
            return JsonResponse({"error": " ".join(refusal.messages)}, status=400)
        if created:
            self.log_addition(request, topic, [{"added": {}}])
            self.told(topic)
        return JsonResponse(
            {"id": topic.pk, "text": str(topic), "created": created}, status=201 if created else 200
        )

    def told(self, topic) -> None:
        events.topic_changed.send(sender=Topic, topic=topic)

    def delete_model(self, request, obj):
        pk = obj.pk
        admin.ModelAdmin.delete_model(self, request, obj)
        events.topics_deleted.send(sender=Topic, topic_ids={pk})

    def delete_queryset(self, request, queryset):
        pks = set(queryset.values_list("pk", flat=True))
        admin.ModelAdmin.delete_queryset(self, request, queryset)
        events.topics_deleted.send(sender=Topic, topic_ids=pks)


@admin.register(Author)
class AuthorAdmin(TellsReaders, admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "slug", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo", "user"]

    def told(self, author) -> None:
        events.author_changed.send(sender=Author, author=author)


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

    def get_urls(self):
        return chooser.urls(self) + super().get_urls()

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


def thumbnail(image, *, alt: str = "") -> str:
    """A library picture as a small picture for the desk, from its smallest rendition."""
    if not image or not image.file:
        return "—"
    width, height, url = image.rendition_or_original("card")[0]
    return format_html(
        '<img src="{}" alt="{}" width="96" height="{}">', url, alt, round(96 * height / width)
    )
