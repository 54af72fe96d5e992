"""WSGI entry point for production servers (granian --interface wsgi newsroom.wsgi:application).

Django sits behind `PageCacheFront`, which answers anonymous readers' cached pages itself.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from newsroom.pagecache.front import PageCacheFront  # noqa: E402 - needs the settings loaded above

application = PageCacheFront(django_application)
