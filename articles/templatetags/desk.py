from django import template
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, ArticleNote

register = template.Library()


@register.inclusion_tag("admin/articles/_desk_summary.html", takes_context=True)
def desk_summary(context):
    """What needs an editor's attention: articles in review (and changes to live ones), the
    next scheduled, corrections."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    now = timezone.now()
    return {
        "show": True,
        "in_review": list(
            Article.objects.filter(
                Q(status=Article.Status.IN_REVIEW) | Q(changes_status=Article.Changes.IN_REVIEW)
            ).order_by("updated_at")[:8]
        ),
        "scheduled": list(Article.objects.scheduled(now).order_by("publish_at")[:8]),
        "corrections": list(
            ArticleNote.objects.select_related("article").order_by("-noted_at")[:5]
        ),
    }
