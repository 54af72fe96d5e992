"""The desk's pages for lists and subscribers.

Lists: editors add them, switch them on and off the sign-up forms (each change is logged and
purges the pages carrying the form), and see how many receive each. Subscribers: found by
address and filtered; never added or edited by hand (an address joins by confirming it).
"Erase" deletes them with their deliveries, after a confirmation, and is logged; "Export as
CSV" needs a permission of its own and is logged too (newsletters/privacy.py).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import ngettext

from audit import log
from newsletters import offered, privacy
from newsletters.models import Newsletter, Subscriber

_RECEIVING = Q(
    subscriptions__subscriber__confirmed_at__isnull=False,
    subscriptions__subscriber__stopped_at__isnull=True,
)
_WAITING = Q(subscriptions__subscriber__confirmed_at__isnull=True)


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = ["name", "slug", "description", "kind", "topic", "is_offered", "send_at"]
        fields += ["position"]
        help_texts = {
            "kind": "What its editions carry: a digest of the stories since the last one, one "
            "breaking story each, or a section's stories.",
        }


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    form = NewsletterForm
    list_display = ["name", "kind", "topic", "is_offered", "send_at", "receiving", "waiting"]
    list_editable = ["is_offered"]
    list_filter = ["is_offered", "kind"]
    list_select_related = ["topic"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["topic"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                receiving_count=Count("subscriptions", filter=_RECEIVING),
                waiting_count=Count("subscriptions", filter=_WAITING),
            )
        )

    @admin.display(description="receiving", ordering="receiving_count")
    def receiving(self, newsletter):
        return newsletter.receiving_count

    @admin.display(description="waiting for confirmation", ordering="waiting_count")
    def waiting(self, newsletter):
        return newsletter.waiting_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            detail = "added"
        elif "is_offered" in form.changed_data:
            detail = "offered to readers" if obj.is_offered else "taken off the sign-up forms"
        else:
            detail = "changed: " + ", ".join(form.changed_data)
        log.record(log.Action.NEWSLETTER, by=request.user, subject=obj.name, detail=detail)
        offered.changed()

    def delete_model(self, request, obj):
        log.record(log.Action.NEWSLETTER, by=request.user, subject=obj.name, detail="deleted")
        super().delete_model(request, obj)
        offered.changed()

    def delete_queryset(self, request, queryset):
        for newsletter in queryset:
            log.record(
                log.Action.NEWSLETTER, by=request.user, subject=newsletter.name, detail="deleted"
            )
        super().delete_queryset(request, queryset)
        offered.changed()


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed"), ("no", "Waiting for confirmation")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


class StoppedFilter(admin.SimpleListFilter):
    title = "stopped"
    parameter_name = "stopped"

    def lookups(self, request, model_admin):
        return [("no", "Not stopped"), *Subscriber.Stopped.choices]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(stopped_at__isnull=True)
        if self.value() in Subscriber.Stopped.values:
            return queryset.filter(stopped_reason=self.value())
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "stopped_at", "stopped_reason", "lists"]
    list_filter = [ConfirmedFilter, StoppedFilter, "newsletters"]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at", "stopped_at", "stopped_reason"]
    fields = readonly_fields
    actions = ["erase_selected", "export_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("newsletters")

    @admin.display(description="lists")
    def lists(self, subscriber):
        return ", ".join(n.name for n in subscriber.newsletters.all()) or "—"

    def has_add_permission(self, request):
        return False  # an address joins by confirming it, never by hand

    def has_change_permission(self, request, obj=None):
        return False

    def has_export_permission(self, request):
        return request.user.has_perm(privacy.EXPORT_PERMISSION)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Erase" deletes, and logs it
        return actions

    def delete_model(self, request, obj):
        privacy.erase(Subscriber.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        privacy.erase(queryset, by=request.user)

    @admin.action(description="Erase selected subscribers (on request)", permissions=["delete"])
    def erase_selected(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/newsletters/subscriber/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase subscribers?",
                    "opts": self.model._meta,
                    "chosen": queryset,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        count = privacy.erase(queryset, by=request.user)
        message = ngettext(
            "Erased %(count)d subscriber with their lists and deliveries.",
            "Erased %(count)d subscribers with their lists and deliveries.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description="Export selected subscribers as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        response = HttpResponse(
            privacy.export_csv(queryset, by=request.user), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
