"""The header and footer in the admin: the breaking-news banner (one at a time), the top bar's
links and their order, and the footer's pages (Django's flat pages). Each change goes through
the chrome's services (`chrome/banners.py`, `chrome/topbar.py`), which log it and rebuild the
header and footer once."""

from django.contrib import admin, messages
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chrome import banners, topbar
from chrome.models import BreakingNews, TopBarLink, changed
from newsroom.desk.telling import TellsReaders


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    list_display = ["text", "is_active", "on_the_site", "ends_at", "raised_at", "article"]
    list_select_related = ["article"]
    fields = ["text", "article", "is_active", "ends_at"]
    autocomplete_fields = ["article"]

    class Media:
        js = ["admin-extra/field-names.js"]  # the article box and the end's date and time, named

    actions = ["clear_selected"]

    @admin.display(boolean=True, description="readers see it")
    def on_the_site(self, banner):
        return banner.is_active and (banner.ends_at is None or banner.ends_at > timezone.now())

    def save_model(self, request, obj, form, change):
        was_raised = change and form.initial.get("is_active", False)
        request.replaced_banner = banners.save(obj, by=request.user, was_raised=was_raised)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        replaced = getattr(request, "replaced_banner", None)
        if replaced is not None and level == messages.SUCCESS:
            message = format_html(
                "{} It replaced “{}”, which readers no longer see.", message, replaced.text
            )
            request.replaced_banner = None
        super().message_user(request, message, level, *args, **kwargs)

    def delete_model(self, request, obj):
        banners.delete([obj], by=request.user)

    def delete_queryset(self, request, queryset):
        banners.delete(queryset, by=request.user)

    @admin.action(description="Clear selected banners from the site", permissions=["change"])
    def clear_selected(self, request, queryset):
        count = banners.clear(queryset, by=request.user)
        self.message_user(
            request,
            capfirst(
                ngettext("%(count)d banner cleared.", "%(count)d banners cleared.", count)
                % {"count": count}
            ),
        )


@admin.register(TopBarLink)
class TopBarLinkAdmin(admin.ModelAdmin):
    """The top bar in one place: its links in order, moved by drag and drop or a place at a
    time with the buttons (plain forms: static/admin-extra/top-bar.js only adds the drag)."""

    fields = ["topic", "page", "article", "url", "label"]
    autocomplete_fields = ["topic", "page", "article"]

    class Media:
        js = ["admin-extra/field-names.js"]  # the autocomplete boxes, named by their labels

    def get_urls(self):
        arrange = self.admin_site.admin_view(require_POST(self.arrange_view))
        own = [path("arrange/", arrange, name="chrome_topbarlink_arrange")]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        links = TopBarLink.objects.select_related("topic", "page", "article__primary_topic")
        rows = []
        for link in links:
            hidden = link.article is not None and not link.article.is_published()
            rows.append({"link": link, "shown": link.as_shown(), "hidden": hidden})
        moved = request.GET.get("moved", "")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Top bar",
            "links": rows,
            "moved": int(moved) if moved.isdigit() else None,
            "went": request.GET.get("went", ""),
            "has_add_permission": self.has_add_permission(request),
            "can_arrange": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/chrome/topbarlink/arrange.html", context)

    def arrange_view(self, request):
        """The order posted: one link moved a place (`move` = "<id>:up" or "<id>:down"), or
        every link's id in a new order (`order`, from drag and drop)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        back = reverse("admin:chrome_topbarlink_changelist")
        if move := request.POST.get("move", ""):
            pk, _, way = move.partition(":")
            link = TopBarLink.objects.filter(pk=pk).first() if pk.isdigit() else None
            if link is None or way not in ("up", "down"):
                return self._refused(request, topbar.STALE_ORDER)
            place = topbar.move(link, by=request.user, step=-1 if way == "up" else 1)
            self.message_user(
                request, f"“{link.name}” is in place {place} of {TopBarLink.objects.count()}."
            )
            # No fragment: a page with a target element ignores autofocus.
            return HttpResponseRedirect(f"{back}?moved={link.pk}&went={way}")
        order = request.POST.getlist("order")
        try:
            if len(order) > 200 or not all(pk.isdigit() for pk in order):
                raise ValidationError(topbar.STALE_ORDER)
            moved = topbar.arrange([int(pk) for pk in order], by=request.user)
        except ValidationError as refusal:
            return self._refused(request, " ".join(refusal.messages))
        self.message_user(
            request, "The top bar’s new order is saved." if moved else "The order did not change."
        )
        return HttpResponseRedirect(back)

    def _refused(self, request, why: str):
        """The top bar as it is now, with why the order sent was not saved (409: it changed)."""
        self.message_user(request, why, messages.ERROR)
        response = self.changelist_view(request)
        response.status_code = 409
        return response

    def save_model(self, request, obj, form, change):
        topbar.save(obj, by=request.user)

    def delete_model(self, request, obj):
        topbar.remove([obj], by=request.user)

    def delete_queryset(self, request, queryset):
        topbar.remove(queryset.select_related("topic", "page", "article"), by=request.user)


class ChangesChrome(TellsReaders):
    """Footer pages: the header and footer are rebuilt once per save or delete."""

    def told(self, obj) -> None:
        changed()

    def delete_model(self, request, obj):
        admin.ModelAdmin.delete_model(self, request, obj)
        changed()

    def delete_queryset(self, request, queryset):
        admin.ModelAdmin.delete_queryset(self, request, queryset)
        changed()


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class FooterPageAdmin(ChangesChrome, FlatPageAdmin):
    """Django's flat pages, whose titles the footer lists (and the top bar, when linked)."""

    search_fields = ["title", "url"]  # the title first: what the boxes match best
