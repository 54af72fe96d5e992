"""The article list's workflow actions: submit, publish, unpublish and archive in bulk,
each step checked by the workflow's table."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import ngettext

from articles import workflow


def _needs(step: str) -> str:
    """The admin permission (`has_<name>_permission` below) a list action's step asks for,
    read from the workflow's table."""
    return (
        "publish" if workflow.BY_NAME[step].permission == workflow.PUBLISH_PERMISSION else "submit"
    )


class WorkflowActions:
    """For `ArticleAdmin`: the list actions and the permissions they ask for."""

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
