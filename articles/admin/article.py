"""The article admin: the editors' main tool. The change form laid out as a writing column and
a publishing panel, whose saves of a live article are kept as changes over it, and a careful
delete. Its list actions are in `actions`, its inlines in `inlines`, and its own pages
(autosave, previews, revisions, preview links) in `desk_pages`."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from js_asset import Media

from articles import changes, events, notes, revisions, workflow
from articles.admin.actions import WorkflowActions
from articles.admin.desk_pages import DeskPages
from articles.admin.extensions import ExtendedChangeList, column_display, columns, links
from articles.admin.inlines import (
    ArticleNoteInline,
    BylineInline,
    RelatedChoiceInline,
    staged_authors,
    staged_related,
)
from articles.forms import ArticleForm
from articles.models import Article, ArticleNote, Byline, RelatedChoice, WorkingCopy
from audit import log
from pictures.markup import thumbnail


def _is_live(article: Article, change: bool) -> bool:
    """Whether saving the form keeps changes over a published article instead of writing them."""
    return change and article.status == Article.Status.PUBLISHED


@admin.register(Article)
class ArticleAdmin(WorkflowActions, DeskPages, admin.ModelAdmin):
    list_display = ["headline", "status_label", "publish_at", "byline", "primary_topic"]
    list_filter = ["status", "changes_status", "primary_topic", "authors"]
    list_select_related = ["primary_topic"]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["primary_topic", "topics", "hero_image", "social_image"]
    readonly_fields = [
        "lead_picture_now",
        "modified_at",
        "published_by",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
    ]
    form = ArticleForm
    inlines = [BylineInline, RelatedChoiceInline, ArticleNoteInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected", "archive_selected"]
    # The writing column on the left, the publishing panel ("desk-panel") on the right; one
    # column on a phone, the writing first. The status is shown once, in the panel's head.
    fieldsets = [
        (
            None,
            {
                "fields": ["headline", "slug", "standfirst", "body", "loaded_version"],
                "classes": ["desk-writing"],
            },
        ),
        (
            "Search and social",
            {
                "fields": ["search_title", "search_description", "social_image"],
                "description": "How the article looks in search results and when shared. "
                "Leave them empty to use the headline, the standfirst and the lead picture.",
            },
        ),
        (
            "Schedule and settings",
            {
                "fields": ["publish_at", "allow_replies"],
                "classes": ["desk-panel"],
            },
        ),
        # "desk-essential": on a phone these come straight after the status and buttons.
        (
            "Section and topics",
            {"fields": ["primary_topic", "topics"], "classes": ["desk-panel", "desk-essential"]},
        ),
        (
            "Lead picture",
            {
                "fields": ["hero_image", "lead_picture_now"],
                "classes": ["desk-panel", "desk-essential"],
            },
        ),
        (
            "Live coverage",
            {
                "fields": [("live_from", "live_until")],
                "description": "A live page grows by short updates, posted from the panel "
                "at the top of this page once it is saved with a start time.",
                "classes": ["desk-panel"],
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "modified_at",
                    "published_by",
                    "created_by",
                    "created_at",
                    "updated_by",
                    "updated_at",
                ],
                "classes": ["desk-panel", "collapse"],
            },
        ),
    ]

    class Media:
        # In the head, before the body editor: the form's safety net (desk.js) hears it start.
        js = ["admin-extra/desk.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def get_list_display(self, request):
        return [*super().get_list_display(request), *map(column_display, columns(request))]

    def get_changelist(self, request, **kwargs):
        return ExtendedChangeList

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
            fields += ["publish_at"]  # writers do not schedule: editors publish
        return fields

    def get_fieldsets(self, request, obj=None):
        # Live coverage stays folded away until an article is a live page.
        return [
            (name, options | {"classes": [*options["classes"], "collapse"]})
            if name == "Live coverage" and not (obj and obj.live_from)
            else (name, options)
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and (authors := staged_authors(obj)):
            kwargs |= {
                "queryset": Byline.objects.none(),
                "initial": [{"author": pk, "order": n} for n, pk in enumerate(authors)],
            }
        if isinstance(inline, RelatedChoiceInline) and (related := staged_related(obj)):
            kwargs |= {
                "queryset": RelatedChoice.objects.none(),
                "initial": [{"related": pk, "order": n} for n, pk in enumerate(related)],
            }
        return kwargs

    @admin.display(description="now")
    def lead_picture_now(self, article):
        if not article.hero_image_id:
            return "No lead picture yet: choose one above."
        return thumbnail(article.hero_image, alt=f"The lead picture: {article.hero_image}")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        return article.status_label

    @admin.display(description="by")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors) or "—"

    # Leaving the site: archiving keeps everything; deleting is one article at a time, from its
    # own page, where the consequences are spelled out and "Archive instead" comes first.

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_delete_permission(request, article):
            return super().delete_view(request, object_id, extra_context)
        if request.method == "POST" and "archive_instead" in request.POST:
            try:
                workflow.transition(article, "archive", by=request.user)
            except workflow.TransitionError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"“{article.headline}” was archived: it is off the site, and everything is "
                    "kept. “Restore from the archive” brings it back.",
                    messages.SUCCESS,
                )
            return redirect("admin:articles_article_change", article.pk)
        # Replies belong to the replies app: counted through their relations, not imported.
        shown = getattr(getattr(article, "reply_counts", None), "replies", 0)
        context = {
            "replies": article.replies.count(),
            "shown": shown,
            "revision_count": article.revisions.count(),
            "public_url": article.get_absolute_url(),
            "can_archive": article.status != Article.Status.ARCHIVED
            and self.has_publish_permission(request),
        }
        return super().delete_view(request, object_id, {**context, **(extra_context or {})})

    def get_deleted_objects(self, objs, request):
        # An article's replies, revisions, notes and preview links are part of it: whoever may
        # delete the article deletes them with it (the page above says so and counts them).
        deleted, model_count, _, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def delete_model(self, request, obj):
        replies = obj.replies.count()
        events.article_deleted.send(sender=Article, article=obj)  # while its rows can be read
        super().delete_model(request, obj)
        log.record(
            log.Action.DELETE,
            by=request.user,
            subject=obj.headline,
            detail=f"article {obj.pk}, with {replies} repl{'y' if replies == 1 else 'ies'}",
        )

    # Saving. A draft takes the form's content at once, then any workflow step, then a
    # revision. A live article keeps the content as changes over it (a revision), which a
    # "Publish changes" makes live; only a correction or update note goes live at once, and
    # takes the changes with it, since it is the act of correcting them.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        if _is_live(obj, change):
            return  # kept by save_related, with the bylines typed below the form
        obj.changes, obj.changes_status = None, Article.Changes.NONE
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        article = form.instance
        WorkingCopy.objects.filter(article=article, user=request.user).delete()
        if not _is_live(article, change):
            super().save_related(request, form, formsets, change)
            revisions.record(article, by=request.user)
            return
        bylines = next(f for f in formsets if f.model is Byline)
        chosen = next((f for f in formsets if f.model is RelatedChoice), None)
        for formset in formsets:
            if formset not in (bylines, chosen):
                self.save_formset(request, form, formset, change=change)
        content = changes.of_form(
            form.cleaned_data, bylines.authors(), chosen.related() if chosen else None
        )
        submit = request.POST.get("_transition") == "submit_changes"
        changes.stage(article, content, by=request.user, submit=submit)
        article.noted_now = any(f.model is ArticleNote and f.new_objects for f in formsets)

    def construct_change_message(self, request, form, formsets, add=False):
        # A live article's bylines are kept with its changes, not saved: nothing to list.
        saved = [formset for formset in formsets if hasattr(formset, "new_objects")]
        return super().construct_change_message(request, form, saved, add)

    def save_formset(self, request, form, formset, change):
        instances = formset.save()
        if formset.model is ArticleNote and instances:
            notes.noted(form.instance, instances, by=request.user)

    # The change form's buttons and pages

    def render_change_form(self, request, context, *args, **kwargs):
        # The body editor's import map is an inline script: it runs under this response's nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def _desk(self, request, article: Article | None) -> dict:
        """What the publishing panel and the desk's scripts need beside the form."""
        new = article is None
        article = article or Article(status=Article.Status.DRAFT)
        steps = workflow.allowed(article, request.user)
        context = {
            # Nothing to archive before it exists.
            "transitions": [t for t in steps if not (new and t.name == "archive")],
            "change_steps": changes.steps(article, request.user),
            "is_live": article.pk is not None and article.status == Article.Status.PUBLISHED,
            "can_edit": workflow.can_edit(request.user, None if new else article),
            "can_preview": article.pk is None or workflow.can_preview(request.user, article),
            "show_save_and_add_another": False,
            "desk_key": f"newsroom:article:{article.pk or 'new'}:user:{request.user.pk}",
            "autosave_seconds": settings.DESK_AUTOSAVE_SECONDS,
            "can_add_topic": request.user.has_perm("articles.add_topic"),
        }
        if article.pk is None:
            return context
        context["desk_links"] = links(request, article)
        copy = (
            WorkingCopy.objects.filter(
                article=article, user=request.user, saved_at__gt=article.updated_at
            )
            .values("saved_at", "fields")
            .first()
        )
        if copy:
            context["working_copy"] = {
                "saved_at": copy["saved_at"].isoformat(),
                "label": f"{timezone.localtime(copy['saved_at']):%H:%M on %d %B}",
                "fields": copy["fields"],
            }
        return context

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = {}
        if article is not None:
            extra = self._desk(request, article)
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    def add_view(self, request, form_url="", extra_context=None):
        extra = self._desk(request, None)
        return super().add_view(request, form_url, extra | (extra_context or {}))

    def response_change(self, request, obj):
        name = request.POST.get("_transition")
        if name in changes.BY_NAME:
            return self._change_step(request, obj, name)
        if name:
            # Read again: bylines typed in this very submit are saved now, and the object in
            # hand still holds those it was read with.
            obj = self.get_queryset(request).get(pk=obj.pk)
            try:
                workflow.transition(obj, name, by=request.user)
            except workflow.TransitionError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"“{obj.headline}” {workflow.BY_NAME[name].done}. Status: {obj.status_label}.",
                    messages.SUCCESS,
                )
            return redirect(reverse("admin:articles_article_change", args=[obj.pk]))
        if _is_live(obj, True):
            return self._after_staging(request, obj)
        return super().response_change(request, obj)

    def _after_staging(self, request, obj):
        """A live article's plain save: say what readers see, and stay on the form."""
        noted = getattr(obj, "noted_now", False)
        if noted and obj.changes_id:
            return self._change_step(request, obj, "publish_changes", noted=True)
        if noted:
            message = "The note is published; nothing else differs from the live version."
        elif obj.changes_id:
            message = (
                "Your changes are saved, not published: readers still see the live version. "
                + (
                    "Press “Publish changes” to make them live."
                    if request.user.has_perm(workflow.PUBLISH_PERMISSION)
                    else "Submit them for review when ready."
                )
            )
        else:
            message = "Saved. Nothing differs from the live version."
        self.message_user(request, message, messages.SUCCESS)
        return redirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def _change_step(self, request, obj, name, *, noted=False):
        step = changes.BY_NAME[name]
        obj.refresh_from_db()
        try:
            changes.take(step, obj, by=request.user)
        except changes.ChangesError as refusal:
            self.message_user(request, str(refusal), messages.WARNING)
        else:
            done = step.done
            if noted:
                done = "Published with the note: the note and the changes it explains are live."
            self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_transition"):
            return self.response_change(request, obj)
        return super().response_add(request, obj, post_url_continue)
