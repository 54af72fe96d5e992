"""The article form's inlines: its bylines (in order), the related stories editors choose (in
order) and its notes."""

from django.contrib import admin

from articles import workflow
from articles.forms import BylineFormSet, RelatedChoiceFormSet
from articles.models import MAX_CHOSEN, Article, ArticleNote, Byline, RelatedChoice


class BylineInline(admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "bylines, in order"
    desk_column = "side"

    def get_extra(self, request, obj=None, **kwargs):
        # Bylines kept with unpublished changes are shown as rows of their own.
        return len(staged_authors(obj))


class RelatedChoiceInline(admin.TabularInline):
    model = RelatedChoice
    fk_name = "article"
    formset = RelatedChoiceFormSet
    extra = 0
    max_num = MAX_CHOSEN
    autocomplete_fields = ["related"]
    fields = ["related", "order"]
    verbose_name = "related story"
    verbose_name_plural = f"related stories, in order (up to {MAX_CHOSEN})"
    desk_column = "side"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("related")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "related":
            # A story is chosen here, not written, changed or deleted from this row.
            widget = field.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
        return field

    def get_extra(self, request, obj=None, **kwargs):
        # Choices kept with unpublished changes are shown as rows of their own.
        return len(staged_related(obj))


class ArticleNoteInline(admin.StackedInline):
    model = ArticleNote
    extra = 0
    desk_column = "main"
    verbose_name_plural = "updates and corrections (published at once)"

    def has_add_permission(self, request, obj=None):
        # A note on a live article goes live at once, with the changes it explains: editors'.
        live = obj is not None and obj.status == Article.Status.PUBLISHED
        return super().has_add_permission(request, obj) and (
            not live or request.user.has_perm(workflow.PUBLISH_PERMISSION)
        )


def staged_authors(article: Article | None) -> list[int]:
    if article is None or not article.changes_id:
        return []
    return article.changes.content.get("authors") or []


def staged_related(article: Article | None) -> list[int]:
    if article is None or not article.changes_id:
        return []
    return article.changes.content.get("related") or []
