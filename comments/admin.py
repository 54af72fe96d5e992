from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from comments import counts, events, moderation, privacy
from comments.forms import AnswerForm
from comments.models import ModerationSettings, Reply, Rule, queue_ordering
from newsroom.rendering.highlighting import highlight

MODERATE_PERMISSION = "comments.moderate_reply"
_ACTIONS = {
    Reply.Status.APPROVED: (moderation.approve, "approved"),
    Reply.Status.REJECTED: (moderation.reject, "rejected"),
    Reply.Status.SPAM: (moderation.mark_spam, "marked as spam"),
}


class RuleFilter(admin.SimpleListFilter):
    title = "why"
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        refused = {Rule.DUPLICATE, Rule.RATE_LIMIT}  # these are never stored
        return [(value, label) for value, label in Rule.choices if value not in refused]

    def queryset(self, request, queryset):
        if self.value() in Rule.values:
            return queryset.with_rule(self.value())
        return queryset


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "why",
        "name",
        "article_link",
        "status",
        "created_at",
        "report_count",
        "answer_link",
    ]
    list_display_links = ["text"]
    list_filter = ["status", RuleFilter, ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "email", "body"]
    list_select_related = ["article__primary_topic"]
    list_per_page = 100
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected", "mark_selected_as_spam", "erase_repliers"]
    fields = [
        "status",
        "article_link",
        "parent",
        "name",
        "email",
        "website",
        "marked_body",
        "why",
        "created_at",
        "moderated_by",
        "moderated_at",
        "report_count",
        "ip_hash",
        "user_agent",
        "erased_at",
        "notify_answers",
        "from_newsroom",
    ]
    readonly_fields = [f for f in fields if f != "status"]

    class Media:
        css = {"all": ["admin-extra/replies.css"]}

    def get_ordering(self, request):
        return queue_ordering()

    def has_add_permission(self, request):
        return False  # replies come from readers

    def has_moderate_permission(self, request):
        return request.user.has_perm(MODERATE_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.readonly_fields
        return [*self.readonly_fields, "status"]

    @admin.display(description="reply")
    def text(self, reply):
        body = reply.body if len(reply.body) <= 280 else reply.body[:280] + "…"
        return highlight(body, reply.matched_words)

    @admin.display(description="reply")
    def marked_body(self, reply):
        return format_html(
            '<div style="white-space:pre-wrap">{}</div>', highlight(reply.body, reply.matched_words)
        )

    @admin.display(description="article", ordering="article__headline")
    def article_link(self, reply):
        return format_html(
            '<a href="{}">{}</a>', reply.article.get_absolute_url(), reply.article.headline
        )

    @admin.display(description="why")
    def why(self, reply):
        if not reply.rule_codes:
            return "—"
        labels = format_html_join(
            " ",
            '<span class="rule rule-{}">{}</span>',
            ((c, Rule(c).label) for c in reply.rule_codes if c in Rule.values),
        )
        return format_html(
            '{}<div class="small">{}</div>', labels, reply.moderation_reason.replace("\n", " ")
        )

    @admin.display(description="answer")
    def answer_link(self, reply):
        """Staff answer a reader from here; only a reply readers see can be answered."""
        if reply.status != Reply.Status.APPROVED:
            return "—"
        return format_html(
            '<a href="{}" aria-label="Answer the reply by {}">Answer</a>',
            reverse("admin:comments_reply_answer", args=[reply.pk]),
            reply.name,
        )

    def get_urls(self):
        answer = self.admin_site.admin_view(self.answer_view)
        return [
            path("<int:pk>/answer/", answer, name="comments_reply_answer"),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk):
        """The newsroom answers a reader: a form for the text, posted approved under the reply
        (`moderation.answer`); a reply no longer shown cannot be answered."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        reply = get_object_or_404(Reply.objects.select_related("article", "parent"), pk=pk)
        shown = reply.status == Reply.Status.APPROVED
        form = AnswerForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and shown and form.is_valid():
            written = moderation.answer(reply, form.cleaned_data["body"], by=request.user)
            self.message_user(
                request,
                format_html(
                    'Your answer to {} is published: <a href="{}">see it on the story</a>.',
                    reply.name,
                    written.get_absolute_url(),
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:comments_reply_changelist"))
        refused = 400 if shown else 409  # the text kept, with what is wrong
        status = refused if request.method == "POST" else 200
        return TemplateResponse(
            request,
            "admin/comments/reply/answer.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Answer {reply.name}",
                "opts": self.model._meta,
                "reply": reply,
                "shown": shown,
                "form": form,
                "site_name": settings.SITE_NAME,
            },
            status=status,
        )

    def _moderate(self, request, queryset, status):
        action, done = _ACTIONS[status]
        count = action(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d reply %(done)s.", "%(count)d replies %(done)s.", count)
            % {"count": count, "done": done},
            messages.SUCCESS,
        )

    @admin.action(description="Approve selected replies", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._moderate(request, queryset, Reply.Status.APPROVED)

    @admin.action(description="Reject selected replies", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, Reply.Status.REJECTED)

    @admin.action(description="Mark selected replies as spam", permissions=["moderate"])
    def mark_selected_as_spam(self, request, queryset):
        self._moderate(request, queryset, Reply.Status.SPAM)

    @admin.action(
        description="Erase these repliers' names and e-mails (all their replies)",
        permissions=["moderate"],
    )
    def erase_repliers(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            everything = Reply.objects.filter(privacy.replier_replies(queryset))
            return TemplateResponse(
                request,
                "admin/comments/reply/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase repliers' details?",
                    "opts": self.model._meta,
                    "chosen": queryset,
                    "total": everything.count(),
                    "emails": privacy.replier_emails(queryset),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        count = privacy.erase_repliers(queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Erased the replier's details from %(count)d reply; its moderation record stays.",
                "Erased the repliers' details from %(count)d replies; their moderation record "
                "stays.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        # A status chosen on the form goes through the same rule functions as the actions.
        if "status" in form.changed_data and obj.status in _ACTIONS:
            action, _ = _ACTIONS[obj.status]
            action(Reply.objects.filter(pk=obj.pk), by=request.user)
        elif "status" in form.changed_data:
            Reply.objects.filter(pk=obj.pk).update(status=obj.status)
            if form.initial.get("status") == Reply.Status.APPROVED:  # no longer shown
                counts.recount([obj.article_id])
                events.reply_sent_back.send(sender=Reply, article_ids={obj.article_id})

    def delete_model(self, request, obj):
        shown = obj.status == Reply.Status.APPROVED
        super().delete_model(request, obj)
        if shown:
            counts.recount([obj.article_id])
            events.replies_deleted.send(sender=Reply, article_ids={obj.article_id})

    def delete_queryset(self, request, queryset):
        articles = set(queryset.approved().values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)
        if articles:
            counts.recount(articles)
            events.replies_deleted.send(sender=Reply, article_ids=articles)


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    """One set of options: the list goes straight to it."""

    fieldsets = [
        (None, {"fields": ["moderate_all", "hold_first_replies", "approve_known_repliers"]}),
        ("Words and links", {"fields": ["max_links", "watched_words", "blocked_words"]}),
        ("Senders", {"fields": ["held_senders", "blocked_senders"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        options = ModerationSettings.load()
        return HttpResponseRedirect(
            reverse("admin:comments_moderationsettings_change", args=[options.pk])
        )
