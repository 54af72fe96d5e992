"""The core's app, and how it learns what each app needs of it.

The core names no app. Each app says on its own AppConfig what the core must know of it, and
the core reads it from the app registry (`declared`):

- `roles`: {group name: [permission, …]}, the permissions of its own models each role holds
  (the groups are the union of every app's declarations; newsroom/desk/roles.py syncs them);
- `second_step_permissions`: permissions whose holders must give a second step at the desk's
  sign-in (newsroom/desk/second_factor.py);
- `reader_post_paths`: path prefixes where readers' forms are sent, with POST
  (newsroom/http/middleware.py); every other public path is read with GET or HEAD;
- `reader_form_paths`: path prefixes of pages that show a reader's form and take it back, read
  with GET or HEAD and sent with POST (a newsletter's confirmation and preferences, the signed
  links in e-mail to readers, a one-click unsubscribe of RFC 8058); they win over
  `reader_post_paths`;
- `uncached_paths`: path prefixes that are never a reader's page, so the page cache never keeps
  them (beside the site-wide PAGE_CACHE_SKIP).
"""

import functools

from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def declared(attribute: str) -> list[tuple[str, object]]:
    """(app label, value) for each installed app declaring `attribute` on its AppConfig, in the
    order of INSTALLED_APPS."""
    return [
        (config.label, value)
        for config in apps.get_app_configs()
        if (value := getattr(config, attribute, None))
    ]


def declared_paths(attribute: str) -> tuple[str, ...]:
    """Every app's path prefixes under `attribute` (`reader_post_paths`, `reader_form_paths`,
    `uncached_paths`)."""
    return tuple(path for _, paths in declared(attribute) for path in paths)


@functools.cache
def uncached_paths() -> tuple[str, ...]:
    """Every app's `uncached_paths`, read once (the page cache asks at every request)."""
    return declared_paths("uncached_paths")


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from newsroom import tasks
        from newsroom.desk.roles import sync_roles_after_migrate
        from newsroom.pagecache import shared
        from newsroom.security import ratelimit

        post_migrate.connect(sync_roles_after_migrate, sender=self)
        tasks.daily_jobs.connect(shared.retry_owed_purges, dispatch_uid="daily-purges")
        tasks.daily_jobs.connect(ratelimit.forget_expired, dispatch_uid="daily-security-counts")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site whose sign-in throttles guessing (newsroom/desk/logins.py) and
    asks for a second factor (newsroom/desk/second_factor.py)."""

    default = False  # named in INSTALLED_APPS; "newsroom" itself means NewsroomConfig

    default_site = "newsroom.desk.site.NewsroomAdminSite"
