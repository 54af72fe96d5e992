"""WSGI entry point for production servers (granian --interface wsgi newsroom.wsgi:application).

Django sits behind `PageCacheFront`, which answers anonymous readers' cached pages itself;
readers' sampled views are counted before either (figures/front.py).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from figures import front as figures_front  # noqa: E402 - needs the settings loaded above
from newsroom.pagecache.front import PageCacheFront  # noqa: E402

cached_application = PageCacheFront(django_application)


def application(environ, start_response):
    """Readers' sampled views are counted before Django (figures/front.py); the rest goes to
    the page cache's front."""
    if environ.get("PATH_INFO") == figures_front.PATH:
        return figures_front.wsgi(environ, start_response)
    return cached_application(environ, start_response)
