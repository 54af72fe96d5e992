from django import template

from comments.models import Reply

register = template.Library()


@register.inclusion_tag("admin/comments/_queue_notice.html", takes_context=True)
def moderation_queue(context):
    """How many replies wait, for people who may see them, on the admin's front page."""
    user = context["request"].user
    if not user.has_perm("comments.view_reply"):
        return {"show": False}
    return {"show": True, "waiting": Reply.objects.filter(status=Reply.Status.PENDING).count()}
