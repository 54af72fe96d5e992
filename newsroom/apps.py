from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from newsroom import ratelimit, tasks
        from newsroom.pagecache import shared
        from newsroom.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
        tasks.daily_jobs.connect(shared.retry_owed_purges, dispatch_uid="daily-purges")
        tasks.daily_jobs.connect(ratelimit.forget_expired, dispatch_uid="daily-security-counts")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site whose sign-in throttles guessing (newsroom/logins.py) and asks
    for a second factor (newsroom/second_factor.py)."""

    default = False  # named in INSTALLED_APPS; "newsroom" itself means NewsroomConfig

    default_site = "newsroom.desk_site.NewsroomAdminSite"
