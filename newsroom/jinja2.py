"""The Jinja2 environment of the public pages (the admin keeps Django's templates).

Readers' pages are rendered with Jinja2 because it compiles templates to Python: the article
page renders several times faster than with Django's template language. The filters and
globals below are the few the pages use, with Django's own behaviour (local time, the same
escaping, the same URL encoding).
"""

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils import timezone
from jinja2 import Environment

from comments.display import reply_text
from newsroom.rendering.highlighting import highlight
from newsroom.rendering.inline import script, stylesheet
from newsroom.rendering.links import url
from pictures.markup import picture


def date(value, fmt: str) -> str:
    """Django's `date` filter, in the site's time zone; "c" (for `<time datetime>` and
    metadata) to the second, which HTML accepts (it takes at most three decimals)."""
    if not value:
        return ""
    if fmt == "c":
        return timezone.template_localtime(value).isoformat(timespec="seconds")
    return defaultfilters.date(timezone.template_localtime(value), fmt)


def environment(**options) -> Environment:
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)  # readers' text is always escaped
    env.globals.update(
        static=static,
        url=url,
        picture=picture,
        stylesheet=stylesheet,
        script=script,
        now=timezone.localtime,
        site_name=settings.SITE_NAME,
    )
    env.filters.update(
        date=date,
        pluralize=defaultfilters.pluralize,
        urlencode=defaultfilters.urlencode,
        highlight=highlight,
        reply_text=reply_text,
    )
    return env
