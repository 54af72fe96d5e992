"""The desk's pages for editions: building, previewing, sending, and what came of it.

A new edition of a list is built from its window (`newsletters.digest`); until it goes, its
subject, introduction, time and stories (order, drop, add) can be changed. Its page previews
the e-mail as readers get it (HTML and plain text), sends a test to the editor's own address,
and sends it now (after a page that says to how many) or at a time. Once it has gone, the page
shows what came of it. A published story's page offers "Send as alert" (`alert_view`).
"""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.models import Article
from audit import log
from newsletters import alerts, digest, rendering, sending
from newsletters.models import Delivery, Edition, Newsletter, Subscriber

SEND_PERMISSION = "newsletters.change_edition"
INTRO_MAX_LENGTH = 1000
REFUSALS_SHOWN = 50

NOT_EDITABLE = "This edition has started sending: it can no longer be changed."
NO_STORY = "No story readers can see has that address or number."
PAST = "Choose a time to come, or leave it empty and send the edition by hand."


def alert_url(article: Article) -> str | None:
    """ "Send as alert" on a published story's page (None on others)."""
    if article.status != Article.Status.PUBLISHED or article.publish_at > timezone.now():
        return None
    return reverse("admin:newsletters_edition_alert", args=[article.pk])


def find_story(value: str) -> Article | None:
    """A published story by its number or its address (the last part of its path)."""
    value = value.strip()
    published = Article.objects.published()
    if value.isdigit():
        return published.filter(pk=int(value)).first()
    slug = value.rstrip("/").rsplit("/", 1)[-1]
    return published.filter(slug=slug).first() if re.fullmatch(r"[-\w]+", slug) else None


class EditionForm(forms.ModelForm):
    """An edition's words and time, and its stories: a position and "drop" for each, and one
    story to add. The story fields are made for the edition at hand (`for_edition`)."""

    add_story = forms.CharField(
        label="Add a story",
        required=False,
        max_length=300,
        help_text="A published story's address or number; it goes at the end.",
    )

    class Meta:
        model = Edition
        fields = ["subject", "intro", "send_after"]
        help_texts = {
            "send_after": "Empty: sent by hand (“Send now”). A time: it goes then by itself.",
        }

    story_ids: list[int] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intro"].validators.append(MaxLengthValidator(INTRO_MAX_LENGTH))
        self.fields["intro"].widget.attrs["maxlength"] = INTRO_MAX_LENGTH
        self.fields["intro"].widget.attrs["rows"] = 3

    @classmethod
    def for_edition(cls, edition: Edition | None) -> type["EditionForm"]:
        ids = list(edition.stories) if edition else []
        headlines = dict(Article.objects.filter(pk__in=ids).values_list("pk", "headline"))
        fields = {"story_ids": ids}
        for n, pk in enumerate(ids, start=1):
            label = headlines.get(pk, f"Story {pk} (no longer published: left out)")
            fields[f"story_{pk}_position"] = forms.IntegerField(
                label=label,
                initial=n,
                min_value=1,
                max_value=999,
                help_text="Its place in the edition: change the numbers to reorder.",
            )
            fields[f"story_{pk}_drop"] = forms.BooleanField(
                label=f"Leave out “{label}”", required=False, help_text="Tick to drop it."
            )
        return type("EditionStoriesForm", (cls,), fields)

    def clean_send_after(self):
        when = self.cleaned_data.get("send_after")
        if when and when <= timezone.now() and when != self.instance.send_after:
            raise forms.ValidationError(PAST)
        return when

    def clean_add_story(self):
        value = self.cleaned_data.get("add_story", "")
        if not value:
            return None
        article = find_story(value)
        if article is None:
            raise forms.ValidationError(NO_STORY)
        return article

    def ordered_stories(self) -> list[int]:
        kept = []
        for n, pk in enumerate(self.story_ids, start=1):
            if self.cleaned_data.get(f"story_{pk}_drop"):
                continue
            position = self.cleaned_data[f"story_{pk}_position"]
            # On a tie, a story given a later place goes after the one already there, and a
            # story given an earlier place goes before it.
            moved = (position > n) - (position < n)
            kept.append((position, moved, n, pk))
        ids = [pk for *_, pk in sorted(kept)]
        added = self.cleaned_data.get("add_story")
        if added is not None and added.pk not in ids:
            ids.append(added.pk)
        return ids


class AddEditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["newsletter", "subject", "intro"]
        help_texts = {
            "newsletter": "The stories since its last edition are put in; change them next.",
            "subject": "Empty: the list's name and today's date.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletter"].queryset = Newsletter.objects.exclude(kind=Newsletter.Kind.ALERTS)
        self.fields["subject"].required = False
        self.fields["intro"].validators.append(MaxLengthValidator(INTRO_MAX_LENGTH))
        self.fields["intro"].widget.attrs["maxlength"] = INTRO_MAX_LENGTH
        self.fields["intro"].widget.attrs["rows"] = 3


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    change_form_template = "admin/newsletters/edition/change_form.html"
    list_display = ["subject", "newsletter", "status", "send_after", "started_at", "accepted"]
    list_filter = ["status", "newsletter"]
    list_select_related = ["newsletter"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    readonly_fields = ["status", "window", "started_at", "finished_at", "report"]

    def get_queryset(self, request):
        accepted = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.ACCEPTED))
        return super().get_queryset(request).annotate(accepted_count=accepted)

    @admin.display(description="accepted", ordering="accepted_count")
    def accepted(self, edition):
        return edition.accepted_count

    def editable(self, edition: Edition | None) -> bool:
        return edition is None or edition.status in sending.STARTABLE

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AddEditionForm
        elif self.editable(obj):
            kwargs["form"] = EditionForm.for_edition(obj)
            kwargs["fields"] = EditionForm.Meta.fields
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["newsletter", "subject", "intro"]})]
        sent = [(None, {"fields": ["subject", "intro", "send_after"]})]
        if self.editable(obj):
            stories = [f"story_{pk}_{part}" for pk in obj.stories for part in ("position", "drop")]
            sent.append(("Stories", {"fields": [*stories, "add_story"]}))
        sent.append(
            ("Sending", {"fields": ["status", "window", "started_at", "finished_at", "report"]})
        )
        return sent

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.editable(obj):
            return [*self.readonly_fields, "subject", "intro", "send_after"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.editable(obj)

    @admin.display(description="stories published")
    def window(self, edition):
        if not (edition.window_start and edition.window_end):
            return "—"
        start = timezone.localtime(edition.window_start)
        end = timezone.localtime(edition.window_end)
        return f"{start:%d %b %H:%M} to {end:%d %b %H:%M}"

    @admin.display(description="what came of it")
    def report(self, edition):
        counts = dict(edition.deliveries.values_list("status").annotate(n=Count("pk")).order_by())
        since = edition.started_at
        left = (
            Subscriber.objects.filter(deliveries__edition=edition, stopped_at__gte=since)
            .values_list("stopped_reason")
            .annotate(n=Count("pk"))
            .order_by()
            if since
            else []
        )
        left = dict(left)
        refused = edition.deliveries.filter(status=Delivery.Status.REFUSED).select_related(
            "subscriber"
        )[:REFUSALS_SHOWN]
        lines = format_html(
            "<p>Accepted by the mail server: {}. Refused: {}. Being sent: {}.</p>"
            "<p>Since it went: {} unsubscribed, {} bounced, {} complained.</p>",
            counts.get(Delivery.Status.ACCEPTED, 0),
            counts.get(Delivery.Status.REFUSED, 0),
            counts.get(Delivery.Status.SENDING, 0),
            left.get(Subscriber.Stopped.UNSUBSCRIBED, 0),
            left.get(Subscriber.Stopped.BOUNCED, 0),
            left.get(Subscriber.Stopped.COMPLAINED, 0),
        )
        if refused:
            rows = format_html_join(
                "", "<li>{}: {}</li>", ((d.subscriber.email, d.answer) for d in refused)
            )
            lines += format_html("<p>Refused, with the server's answer:</p><ul>{}</ul>", rows)
        return lines

    def save_model(self, request, obj, form, change):
        if not change:
            now = timezone.now()
            obj.window_start = digest.window_start(obj.newsletter, now=now)
            obj.window_end = now
            obj.stories = digest.stories_for(obj.newsletter, start=obj.window_start, now=now)
            obj.subject = obj.subject or digest.default_subject(obj.newsletter, now=now)
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        # Only while it has not started: a send that began meanwhile keeps what it sends.
        kept = Edition.objects.filter(pk=obj.pk, status__in=sending.STARTABLE).update(
            subject=obj.subject, intro=obj.intro, stories=form.ordered_stories()
        )
        if not kept:
            messages.error(request, NOT_EDITABLE)
            return
        when = form.cleaned_data.get("send_after")
        if when and when != form.initial.get("send_after"):
            sending.schedule(obj, at=when)
        elif not when:
            sending.unschedule(obj)

    # Pages of their own: previews, the test, sending now, alerts.

    def get_urls(self):
        own = self.admin_site.admin_view
        return [
            path("<int:pk>/preview.html", own(self.preview_html), name="newsletters_edition_html"),
            path("<int:pk>/preview.txt", own(self.preview_text), name="newsletters_edition_text"),
            path("<int:pk>/test/", own(self.test_view), name="newsletters_edition_test"),
            path("<int:pk>/send/", own(self.send_view), name="newsletters_edition_send"),
            path("alert/<int:article_pk>/", own(self.alert_view), name="newsletters_edition_alert"),
            *super().get_urls(),
        ]

    def edition_for(self, request, pk: int, *, change=False) -> Edition:
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, edition):
            raise PermissionDenied
        return edition

    def preview(self, request, pk: int) -> tuple[Edition, rendering.Rendered]:
        edition = self.edition_for(request, pk)
        stand_in = Subscriber(pk=0, email=request.user.email or "editor@example.org")
        email = rendering.message(rendering.render(edition), edition, stand_in)
        return edition, email

    def preview_html(self, request, pk):
        _, email = self.preview(request, pk)
        return HttpResponse(email.alternatives[0].content, content_type="text/html; charset=utf-8")

    def preview_text(self, request, pk):
        _, email = self.preview(request, pk)
        return HttpResponse(email.body, content_type="text/plain; charset=utf-8")

    def test_view(self, request, pk):
        edition = self.edition_for(request, pk, change=True)
        change_url = reverse("admin:newsletters_edition_change", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not request.user.email:
            messages.error(request, "Your account has no e-mail address to send the test to.")
            return HttpResponseRedirect(change_url)
        try:
            sending.send_test(edition, to=request.user.email)
        except OSError as error:  # the mail server is down or refused
            messages.error(request, f"The test could not be sent: {error}")
        else:
            messages.success(request, f"A test was sent to {request.user.email}.")
        return HttpResponseRedirect(change_url)

    def send_view(self, request, pk):
        edition = self.edition_for(request, pk, change=True)
        change_url = reverse("admin:newsletters_edition_change", args=[pk])
        if request.method == "POST":
            if sending.start(edition):
                receiving = sending.audience(edition.newsletter).count()
                log.record(
                    log.Action.EDITION_SEND,
                    by=request.user,
                    subject=str(edition),
                    detail=f"to {receiving} subscribers of “{edition.newsletter}”",
                )
                messages.success(request, f"“{edition}” is being sent.")
            else:
                messages.warning(request, f"“{edition}” was already sent or being sent.")
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Send “{edition}”?",
            "edition": edition,
            "count": sending.audience(edition.newsletter).count(),
            "change_url": change_url,
            "can_send": self.editable(edition),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/newsletters/edition/send.html", context)

    def alert_view(self, request, article_pk):
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=article_pk)
        article_url = reverse("admin:articles_article_change", args=[article.pk])
        if request.method == "POST":
            edition, why = alerts.send(article, by=request.user)
            if edition is None:
                messages.error(request, why)
            else:
                messages.success(request, f"“{article.headline}” is being sent as an alert.")
            return HttpResponseRedirect(article_url)
        newsletter = alerts.alerts_list()
        context = {
            **self.admin_site.each_context(request),
            "title": "Send as a breaking-news alert?",
            "article": article,
            "article_url": article_url,
            "newsletter": newsletter,
            "count": alerts.audience_count(),
            "refusal": alerts.refusal(article),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/newsletters/edition/alert.html", context)
