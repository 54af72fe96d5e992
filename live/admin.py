"""Live coverage at the desk: posting an update from the live page's own admin page in one
click (without leaving it), pinning key points, ending the coverage (once confirmed);
correcting and deleting updates on their own pages. Each change goes through `live.coverage`.
The article admin is extended here with the panel and its address: articles knows nothing of
live coverage beyond the article's own `live_from` and `live_until`."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from js_asset import Media

from articles.admin.article import ArticleAdmin
from articles.models import Article
from articles.richtext import refuse_outside_pictures
from live import coverage as live
from live.models import LiveUpdate

NOT_CONFIRMED = "The coverage was not ended: confirm it first."


class LiveUpdateForm(forms.ModelForm):
    def clean_body(self):
        return refuse_outside_pictures(self.cleaned_data.get("body"))

    class Meta:
        model = LiveUpdate
        fields = ["headline", "body", "image"]
        widgets = {"image": AutocompleteSelect(LiveUpdate._meta.get_field("image"), admin.site)}


def panel(request, article: Article, form: LiveUpdateForm | None = None) -> dict:
    """What the live page's admin page shows above its form: the posting form, the latest
    updates with their actions, and the coverage's state."""
    return {
        "article": article,
        "live_form": form or LiveUpdateForm(prefix="live"),
        "recent": list(article.live_updates.select_related("posted_by")[:20]),
        "key_points": article.live_updates.filter(is_key_point=True).count(),
        "max_key_points": live.MAX_KEY_POINTS,
        "can_post": live.may_post(request.user, article),
        "can_pin": live.may_pin(request.user),
        "running": article.is_live(),
    }


def _answer(request, article, *, message="", error="", status=200):
    """To the page's script: the list of updates anew, as JSON (the form keeps what was
    typed, and is emptied by the script once posted). Without the script: back to the page."""
    if request.headers.get("Accept") == "application/json":
        article.refresh_from_db()
        html = render_to_string(
            "admin/live/liveupdate/_live_recent.html", panel(request, article), request
        )
        return JsonResponse({"recent": html, "message": message, "error": error}, status=status)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "#live-desk")


def _confirm_end(model_admin, request, article):
    """The question asked before the coverage ends, as a page of its own (without the script,
    which asks on the live page itself)."""
    context = model_admin.admin_site.each_context(request) | {
        "title": "End the live coverage?",
        "subtitle": str(article),
        "opts": model_admin.opts,
        "article": article,
    }
    return TemplateResponse(request, "admin/live/liveupdate/end_coverage.html", context)


def live_view(model_admin, request, pk):
    """POST only: `post` an update, `pin` or `unpin` one, `end` the coverage (with
    `confirm=yes`; without it, the question is asked first)."""
    article = model_admin.get_object(request, str(pk))
    if article is None or not article.live_from:
        return redirect(reverse("admin:articles_article_changelist"))
    if request.method != "POST":
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))
    action = request.POST.get("action")
    try:
        if action == "post":
            form = LiveUpdateForm(request.POST, prefix="live")
            if not form.is_valid():
                return _answer(
                    request,
                    article,
                    status=400,
                    error="The update was not posted: "
                    + "; ".join(
                        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                        for f, e in form.errors.items()
                    ),
                )
            update = live.post(article, by=request.user, **form.cleaned_data)
            return _answer(request, article, message=f"Update posted at {update.posted_at:%H:%M}.")
        if action in ("pin", "unpin"):
            update = get_object_or_404(article.live_updates, pk=request.POST.get("update"))
            live.set_key_point(update, action == "pin", by=request.user)
            done = "pinned as a key point" if action == "pin" else "unpinned"
            return _answer(request, article, message=f"“{update}” {done}.")
        if action == "end":
            if not live.may_pin(request.user):
                raise PermissionDenied("Only editors end live coverage.")
            if request.POST.get("confirm") != "yes":
                if request.headers.get("Accept") == "application/json":
                    return _answer(request, article, error=NOT_CONFIRMED, status=400)
                return _confirm_end(model_admin, request, article)
            live.end_coverage(article, by=request.user)
            return _answer(request, article, message="Live coverage ended.")
    except ValidationError as error:
        return _answer(request, article, error=" ".join(error.messages), status=400)
    except PermissionDenied as refusal:
        return _answer(request, article, error=str(refusal), status=403)
    return _answer(request, article, error="Nothing to do.", status=400)


@admin.register(LiveUpdate)
class LiveUpdateAdmin(admin.ModelAdmin):
    """Correcting or deleting an update (posting happens on the live page's own page)."""

    form = LiveUpdateForm
    list_display = ["__str__", "article", "posted_at", "posted_by", "is_key_point", "corrected_at"]
    list_select_related = ["article", "posted_by"]
    list_filter = ["is_key_point"]
    search_fields = ["headline", "body", "article__headline"]
    readonly_fields = ["article", "posted_at", "posted_by", "corrected_at", "corrected_by"]
    fields = ["article", "headline", "body", "image", "posted_at", "posted_by", "corrected_at"]

    def has_add_permission(self, request):
        return False  # posted from the live page's admin page

    def render_change_form(self, request, context, *args, **kwargs):
        # The body editor's import map is an inline script: it runs under this response's nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or live.may_post(request.user, obj.article))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or live.may_post(request.user, obj.article))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        live.correct(
            obj, by=request.user, body=data["body"], headline=data["headline"], image=data["image"]
        )

    def delete_model(self, request, obj):
        live.delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for update in queryset.select_related("article"):
            live.delete(update, by=request.user)

    def response_change(self, request, obj):
        self.message_user(request, "The update is corrected; readers see “Corrected” on it.")
        return redirect(
            reverse("admin:articles_article_change", args=[obj.article_id]) + "#live-desk"
        )


class LiveArticleAdmin(ArticleAdmin):
    """The article admin, with a live page's panel above its form and the panel's address."""

    def _desk(self, request, article):
        context = super()._desk(request, article)
        if article is not None and article.pk is not None and article.live_from:
            context |= panel(request, article) | {"live_panel": True}
        return context

    def render_change_form(self, request, context, *args, **kwargs):
        if "live_form" in context:
            context["media"] += context["live_form"].media
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view(self.live_view)
        return [path("<int:pk>/live/", view, name="articles_article_live"), *super().get_urls()]

    def live_view(self, request, pk):
        return live_view(self, request, pk)


admin.site.unregister(Article)
admin.site.register(Article, LiveArticleAdmin)
