"""The admin of what articles are made from: topics and authors."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from articles import events, topics
from articles.models import Author, Topic
from newsroom.desk.telling import TellsReaders


@admin.register(Topic)
class TopicAdmin(TellsReaders, admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
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
