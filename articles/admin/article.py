"""The article admin: the editors' main tool. Lists with workflow actions, the change form
with its workflow buttons, revisions, previews and preview links, and a careful delete."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import ngettext
from js_asset import Media

from articles import audit, notes, previews, revisions, workflow
from articles.admin import live as live_admin
from articles.forms import ArticleForm, BylineFormSet
from articles.models import (
    Article,
    ArticleNote,
    Byline,
)
from articles.views import article_page


def _needs(step: str) -> str:
    """The admin permission (`has_<name>_permission` below) a list action's step asks for,
    read from the workflow's table."""
    return (
        "publish" if workflow.BY_NAME[step].permission == workflow.PUBLISH_PERMISSION else "submit"
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
    readonly_fields = [
        "status_label",
        "modified_at",
        "published_by",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
    ]
    form = ArticleForm
    inlines = [BylineInline, ArticleNoteInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected", "archive_selected"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "loaded_version"]}),
        ("Section and topics", {"fields": ["primary_topic", "topics", "hero_image"]}),
        (
            "Live coverage",
            {
                "fields": [("live_from", "live_until")],
                "description": "A live page grows by short updates, posted from the panel "
                "at the top of this page once it is saved with a start time.",
            },
        ),
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
        (
            "Record",
            {
                "fields": ["created_by", "created_at", "updated_by", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
            # Writers do not publish: their status moves by the buttons below the form.
            fields += ["status", "publish_at"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm(workflow.PUBLISH_PERMISSION):
            return fieldsets
        # Writers see the status once, as a label; it moves by the buttons below the form.
        return [
            (name, options | {"fields": [f for f in options["fields"] if f != "status"]})
            for name, options in fieldsets
        ]

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

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH_PERMISSION)

    def has_submit_permission(self, request):
        return request.user.has_perm(workflow.CHANGE_PERMISSION)

    # List actions

    def _run(self, request, queryset, name):
        now = timezone.now()
        outcome = workflow.transition_many(queryset, name, by=request.user, now=now)
        if count := len(outcome.done):
            message = ngettext(
                "%(count)d article %(done)s", "%(count)d articles %(done)s", count
            ) % {"count": count, "done": workflow.BY_NAME[name].done}
            scheduled = sum(1 for a in outcome.done if a.is_scheduled(now))
            if name == "publish" and scheduled:
                message += f" ({scheduled} scheduled for later)"
            self.message_user(request, message + ".", messages.SUCCESS)
        for refusal in outcome.refused.values():
            self.message_user(request, refusal, messages.WARNING)

    @admin.action(description="Submit selected articles for review", permissions=[_needs("submit")])
    def submit_selected(self, request, queryset):
        self._run(request, queryset, "submit")

    @admin.action(description="Publish selected articles", permissions=[_needs("publish")])
    def publish_selected(self, request, queryset):
        self._run(request, queryset, "publish")

    @admin.action(description="Unpublish selected articles", permissions=[_needs("unpublish")])
    def unpublish_selected(self, request, queryset):
        self._run(request, queryset, "unpublish")

    @admin.action(description="Archive selected articles", permissions=[_needs("archive")])
    def archive_selected(self, request, queryset):
        self._run(request, queryset, "archive")

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
        super().delete_model(request, obj)
        audit.record(
            audit.Action.DELETE,
            by=request.user,
            subject=obj.headline,
            detail=f"article {obj.pk}, with {replies} repl{'y' if replies == 1 else 'ies'}",
        )

    # Saving: content first, then any status change through the workflow, then a revision.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        old = form.initial.get("status", Article.Status.DRAFT) if change else Article.Status.DRAFT
        if obj.status != old:
            form.pending_step = workflow.find(old, obj.status)
            obj.status = old  # the workflow moves it once the bylines are saved
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if step := getattr(form, "pending_step", None):
            workflow.apply(article, step, by=request.user)
        revisions.record(article, by=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save()
        if formset.model is ArticleNote and instances:
            notes.noted(form.instance, instances, by=request.user)

    # The change form's buttons and pages

    def render_change_form(self, request, context, *args, **kwargs):
        # The body editor's import map is an inline script: it runs under this response's nonce.
        if "live_form" in context:
            context["media"] += context["live_form"].media
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = {}
        if article is not None:
            extra = {
                "transitions": workflow.allowed(article, request.user),
                "can_preview": workflow.can_preview(request.user, article),
            }
            if article.live_from:
                extra |= live_admin.panel(request, article) | {"live_panel": True}
        extra["can_add_topic"] = request.user.has_perm("articles.add_topic")
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    def add_view(self, request, form_url="", extra_context=None):
        new = Article(status=Article.Status.DRAFT)
        extra = {"transitions": workflow.allowed(new, request.user)}
        extra["can_add_topic"] = request.user.has_perm("articles.add_topic")
        return super().add_view(request, form_url, extra | (extra_context or {}))

    def response_change(self, request, obj):
        if name := request.POST.get("_transition"):
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
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_transition"):
            return self.response_change(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        own = [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="articles_article_preview"),
            path("<int:pk>/revisions/", self.admin_site.admin_view(self.revisions_view),
                 name="articles_article_revisions"),
            path("<int:pk>/preview-links/", self.admin_site.admin_view(self.preview_links_view),
                 name="articles_article_preview_links"),
            path("<int:pk>/live/", self.admin_site.admin_view(self.live_view),
                 name="articles_article_live"),
        ]  # fmt: skip
        return own + super().get_urls()

    def live_view(self, request, pk):
        return live_admin.live_view(self, request, pk)

    def _article_or_404(self, request, pk, allowed):
        article = self.get_object(request, str(pk))
        if article is None:
            raise Http404("No such article.")
        if not allowed(request.user, article):
            raise PermissionDenied
        return article

    def preview_view(self, request, pk):
        article = self._article_or_404(request, pk, workflow.can_preview)
        return article_page(request, article, preview=True)

    def revisions_view(self, request, pk):
        article = self._article_or_404(request, pk, workflow.can_preview)
        if request.method == "POST":
            if not workflow.can_edit(request.user, article):
                raise PermissionDenied
            revision = get_object_or_404(article.revisions, pk=request.POST.get("restore"))
            revisions.restore(revision, by=request.user)
            self.message_user(request, "The revision is restored, as a new revision.")
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        history = list(article.revisions.select_related("created_by"))
        older, newer = revisions.chosen_pair(history, request.GET.get("a"), request.GET.get("b"))
        changes = revisions.diff(older, newer) if older else []
        return TemplateResponse(
            request,
            "admin/articles/article/revisions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": f"Revisions of “{article.headline}”",
                "history": history,
                "older": older,
                "newer": newer,
                "changes": changes,
                "can_restore": workflow.can_edit(request.user, article),
            },
        )

    def preview_links_view(self, request, pk):
        article = self._article_or_404(request, pk, workflow.can_preview)
        made = None
        if request.method == "POST":
            if request.POST.get("revoke"):
                if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
                    raise PermissionDenied
                link = get_object_or_404(article.preview_links, pk=request.POST["revoke"])
                previews.revoke(link, by=request.user)
                self.message_user(request, "The link is revoked: it no longer opens the article.")
            else:
                _, made = previews.make(article, by=request.user)
                made = request.build_absolute_uri(made)
        return TemplateResponse(
            request,
            "admin/articles/article/preview_links.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": f"Preview links for “{article.headline}”",
                "links": article.preview_links.select_related("created_by", "revoked_by"),
                "made": made,
                "hours": settings.PREVIEW_LINK_HOURS,
                "can_revoke": request.user.has_perm(workflow.PUBLISH_PERMISSION),
                "now": timezone.now(),
            },
        )
