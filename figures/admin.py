"""The figures at the desk: the day's stories ranked (the "Stories read today" page), and each
story's figures page (views per hour since publication, where readers came from, replies and
reports), linked from its change form. Read-only: the figures are only ever counted."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.models import Article
from figures import chart, most_read, reports
from figures.models import HourlyViews


@admin.register(HourlyViews)
class FiguresAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        story = path(
            "story/<int:pk>/",
            self.admin_site.admin_view(self.story_view),
            name="figures_story",
        )
        return [story, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        """Today's stories, most read first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Stories read today",
            "stories": reports.today(),
            "today": timezone.localdate(),
            "opts": self.opts,
            "most_read": most_read.stories(most_read.KEPT),
        }
        return TemplateResponse(request, "admin/figures/today.html", context)

    def story_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article.objects.select_related("primary_topic"), pk=pk)
        now = timezone.now()
        hours = reports.hours(article, now=now)
        drawn = chart.views_chart(hours, title=f"Views per hour of “{article.headline}”")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Figures: {article.headline}",
            "article": article,
            "window": reports.window(article, now=now),
            "chart": drawn,
            "views_today": reports.views_today(article, now=now),
            "today": timezone.localdate(now),
            "hours": [h for h in hours if h.views],
            "referrers": reports.referrers(article, now=now),
            "replies": reports.replies(article),
            "opts": self.opts,
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/figures/story.html", context)
