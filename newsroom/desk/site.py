"""The desk: Django's admin site, whose sign-in throttles guessing (newsroom/desk/logins.py) and
then asks for a second factor (newsroom/desk/second_factor.py) before any page of it opens."""

from django.conf import settings
from django.contrib import admin
from django.urls import path

from newsroom.desk import second_factor
from newsroom.desk.logins import ThrottledLoginForm
from newsroom.desk.matching import BestMatchesFirst


class NewsroomAdminSite(admin.AdminSite):
    site_header = f"{settings.SITE_NAME}: the desk"
    site_title = settings.SITE_NAME
    index_title = "Today's desk"
    login_form = ThrottledLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and self.done(request)

    @staticmethod
    def done(request) -> bool:
        return second_factor.done(request)

    def login(self, request, extra_context=None):
        user = request.user
        # The password was given and the code not yet: to the second step.
        if request.method == "GET" and user.is_active and user.is_staff and not self.done(request):
            return second_factor.next_step(request, request.GET.get("next", ""))
        response = super().login(request, extra_context)
        form = getattr(response, "context_data", {}).get("form")
        if form is not None and form.has_error("__all__", "locked"):
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_MINUTES * 60)
        if request.method == "POST" and response.status_code == 302 and not self.done(request):
            return second_factor.next_step(request, response.url)
        return response

    def autocomplete_view(self, request):
        """The boxes' answers, best matches first (`newsroom/desk/matching.py`)."""
        return BestMatchesFirst.as_view(admin_site=self)(request)

    def get_urls(self):
        return [
            path("second-step/", lambda r: second_factor.verify(self, r), name="two_factor"),
            path(
                "second-step/set-up/",
                lambda r: second_factor.set_up(self, r),
                name="two_factor_setup",
            ),
            *super().get_urls(),
        ]
