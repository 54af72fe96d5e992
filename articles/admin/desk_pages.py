"""The article admin's own pages beside the change form: autosave, previews of what is on
screen, revisions and their restore, preview links."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles import changes, previews, revisions, workflow
from articles.admin.inlines import BylineInline
from articles.models import Article, WorkingCopy
from articles.page import article_page

# What the browser sends with the form but is not the article's content.
NOT_CONTENT = frozenset(
    {
        "csrfmiddlewaretoken",
        "loaded_version",
        "_save",
        "_continue",
        "_addanother",
        "_transition",
        "_preview",
    }
)


class DeskPages:
    """For `ArticleAdmin`: the pages' addresses and views."""

    def get_urls(self):
        own = [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview_new",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:pk>/autosave/",
                self.admin_site.admin_view(self.autosave_view),
                name="articles_article_autosave",
            ),
            path(
                "<int:pk>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<int:pk>/preview-links/",
                self.admin_site.admin_view(self.preview_links_view),
                name="articles_article_preview_links",
            ),
        ]
        return own + super().get_urls()

    def _article_or_404(self, request, pk, allowed):
        article = self.get_object(request, str(pk))
        if article is None:
            raise Http404("No such article.")
        if not allowed(request.user, article):
            raise PermissionDenied
        return article

    def autosave_view(self, request, pk):
        """POST: keep what is in the form as this editor's working copy (never a revision,
        never seen by readers); with `discard`, drop it. Answers JSON for the desk's script."""
        if request.method != "POST":
            return JsonResponse({"error": "Autosave takes a POST."}, status=405)
        article = Article.objects.filter(pk=pk).first()  # its bylines only if a writer's
        if article is None or not workflow.can_edit(request.user, article):
            return JsonResponse({"error": "You may not edit this article."}, status=403)
        kept = WorkingCopy.objects.filter(article=article, user=request.user)
        if request.POST.get("discard"):
            kept.delete()
            return JsonResponse({"discarded": True})
        fields = [
            [k, v] for k, values in request.POST.lists() if k not in NOT_CONTENT for v in values
        ]
        now = timezone.now()
        if not kept.update(fields=fields, saved_at=now):
            WorkingCopy.objects.create(
                article=article, user=request.user, fields=fields, saved_at=now
            )
        return JsonResponse({"saved_at": now.isoformat()})

    def preview_view(self, request, pk=None):
        """The article page as readers would see it. GET: the article as kept (its unpublished
        changes, if any). POST: what is in the form now, saved or not; nothing is stored."""
        article = None if pk is None else self._article_or_404(request, pk, workflow.can_preview)
        if request.method != "POST":
            if article is None:
                raise Http404("Nothing to preview yet.")
            if article.changes_id:
                content = changes.of_revision(article.changes)
                article = changes.as_article(article, content)
            return article_page(request, article, preview=True)
        if article is None and not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request, article, change=article is not None)(
            request.POST, instance=article
        )
        bylines = None
        for inline in self.get_inline_instances(request, article):
            if isinstance(inline, BylineInline):
                formset = inline.get_formset(request, article)
                prefix = formset.get_default_prefix()
                bylines = formset(**self.get_formset_kwargs(request, article, inline, prefix))
        form.is_valid()
        problems = [
            (form.fields[name].label if name in form.fields else name, " ".join(errors))
            for name, errors in form.errors.items()
            if name != "__all__"  # a newer save elsewhere does not stop a preview
        ]
        if bylines is not None and not bylines.is_valid():
            problems += [
                (f"byline {n}", " ".join(" ".join(e) for e in errors.values()))
                for n, errors in enumerate(bylines.errors, 1)
                if errors
            ] + [("bylines", " ".join(bylines.non_form_errors()))] * bool(bylines.non_form_errors())
        if problems:
            return TemplateResponse(
                request,
                "admin/articles/article/preview_problems.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": "The preview needs a few things first",
                    "problems": problems,
                },
                status=400,
            )
        authors = bylines.authors() if bylines is not None else []
        content = changes.of_form(form.cleaned_data, authors)
        copy = changes.as_article(article or Article(status=Article.Status.DRAFT), content)
        return article_page(request, copy, preview=True)

    def revisions_view(self, request, pk):
        article = self._article_or_404(request, pk, workflow.can_preview)
        if request.method == "POST":
            if not workflow.can_edit(request.user, article):
                raise PermissionDenied
            revision = get_object_or_404(article.revisions, pk=request.POST.get("restore"))
            if request.POST.get("confirm") != "yes":
                return TemplateResponse(
                    request,
                    "admin/articles/article/restore_confirmation.html",
                    {
                        **self.admin_site.each_context(request),
                        "opts": self.opts,
                        "original": article,
                        "revision": revision,
                        "title": "Restore this revision?",
                        "is_live": article.status == Article.Status.PUBLISHED,
                    },
                )
            revisions.restore(revision, by=request.user)
            if article.status == Article.Status.PUBLISHED:
                message = (
                    "The revision is restored as unpublished changes: readers still see the "
                    "live version until the changes are published."
                )
            else:
                message = "The revision is restored, as a new revision."
            self.message_user(request, message)
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        history = list(article.revisions.select_related("created_by"))
        older, newer = revisions.chosen_pair(history, request.GET.get("a"), request.GET.get("b"))
        changed = revisions.diff(older, newer) if older else []
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
                "changes": changed,
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
