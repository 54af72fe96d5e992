from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import ngettext

from articles import workflow
from articles.models import Article, ArticleNote, Author, BreakingNews, Byline, Image, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "show_in_nav", "nav_order"]
    list_editable = ["show_in_nav", "nav_order"]
    list_filter = ["show_in_nav", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "slug", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo", "user"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "credit", "width", "height", "created_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    readonly_fields = ["thumbnail", "width", "height"]
    fields = ["file", "thumbnail", "alt_text", "caption", "credit", "width", "height"]

    @admin.display(description="picture")
    def thumbnail(self, image):
        if not image.file:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="96" height="{}" style="object-fit:cover">',
            image.file.url,
            round(96 * image.height / image.width) if image.width else 64,
        )


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("status") == Article.Status.PUBLISHED and not cleaned_data.get(
            "publish_at"
        ):
            cleaned_data["publish_at"] = timezone.now()
        return cleaned_data


class BylineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED:
            return
        authors = sum(
            1
            for form in self.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        )
        if problems := workflow.publish_problems(article, author_count=authors):
            raise ValidationError(
                "To publish this article, %(problems)s.", params={"problems": ", ".join(problems)}
            )


class BylineInline(admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "authors, in byline order"


class ArticleNoteInline(admin.StackedInline):
    model = ArticleNote
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status_label", "publish_at", "byline", "primary_topic"]
    list_filter = ["status", "is_featured", "primary_topic", "authors"]
    list_select_related = ["primary_topic"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["primary_topic", "topics", "hero_image"]
    readonly_fields = ["status_label", "published_by", "created_at", "updated_at"]
    form = ArticleForm
    inlines = [BylineInline, ArticleNoteInline]
    actions = ["publish_selected", "unpublish_selected"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body"]}),
        ("Section and topics", {"fields": ["primary_topic", "topics", "hero_image"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "status_label",
                    "publish_at",
                    "modified_at",
                    "published_by",
                    ("is_featured", "featured_order"),
                    "allow_replies",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
            # Writers may not publish, so they cannot move the status or the publication time.
            fields += ["status", "publish_at"]
        return fields

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        return article.status_label

    @admin.display(description="by")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors) or "—"

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH_PERMISSION)

    def _report(self, request, outcome, done_message):
        if outcome.done:
            self.message_user(request, done_message(len(outcome.done)), messages.SUCCESS)
        if outcome.refused:
            self.message_user(
                request,
                format_html(
                    "Not changed: {}",
                    format_html_join(
                        "; ",
                        "“{}” ({})",
                        ((a.headline, ", ".join(p)) for a, p in outcome.refused.items()),
                    ),
                ),
                messages.WARNING,
            )

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        now = timezone.now()
        outcome = workflow.publish(queryset, by=request.user, now=now)
        scheduled = sum(1 for a in outcome.done if a.publish_at > now)
        self._report(
            request,
            outcome,
            lambda n: (
                ngettext("%(count)d article published", "%(count)d articles published", n)
                % {"count": n}
                + (f" ({scheduled} scheduled for later)" if scheduled else "")
                + "."
            ),
        )

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        outcome = workflow.unpublish(queryset, by=request.user)
        self._report(
            request,
            outcome,
            lambda n: (
                ngettext(
                    "%(count)d article unpublished and back to draft",
                    "%(count)d articles unpublished and back to draft",
                    n,
                )
                % {"count": n}
                + "."
            ),
        )

    def save_model(self, request, obj, form, change):
        if obj.status == Article.Status.PUBLISHED and "status" in form.changed_data:
            obj.published_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    list_display = ["text", "is_active", "raised_at", "article"]
    list_editable = ["is_active"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    actions = ["clear_selected"]

    @admin.action(description="Clear selected banners from the site", permissions=["change"])
    def clear_selected(self, request, queryset):
        count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(
            request,
            capfirst(
                ngettext("%(count)d banner cleared.", "%(count)d banners cleared.", count)
                % {"count": count}
            ),
        )
