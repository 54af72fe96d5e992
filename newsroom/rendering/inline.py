"""The site's stylesheet and its few small scripts, written into readers' pages, not linked.

On a phone's network each file a page links costs a connection of its own before the page is
whole: about two round trips. The stylesheet blocks the first paint until it has come; a script
fetched beside the lead picture shares the phone's bandwidth and connections with it. Written
into the page, they come with it, compressed with it (`newsroom/pagecache/compression.py`):
the stylesheet is under 5 KB compressed, each script under 1.5 KB.

The Content-Security-Policy lets each in by its hash (`policy_update()`), never with
'unsafe-inline': only these exact texts run. Files are read from the collected static files
(what `collectstatic` wrote) once per process, and on every page while developing (DEBUG), so
an edit shows at once. A file written into a page must not name another with a relative
`url()` or `import`: in a page, an address is read from the page's own.
"""

import base64
import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

STYLESHEET = "css/site.css"
SCRIPTS = ("js/share.js", "js/live.js", "js/embeds.js", "js/figures.js")


@dataclass(frozen=True, slots=True)
class Inlined:
    text: SafeString  # what goes between the element's tags
    source: str  # its Content-Security-Policy source: 'sha256-…'


def _read(name: str) -> Inlined:
    try:
        with staticfiles_storage.open(staticfiles_storage.stored_name(name)) as collected:
            text = collected.read().decode()
    except (AttributeError, OSError, ValueError):  # not collected: developing, or a test
        with open(finders.find(name), encoding="utf-8") as source:
            text = source.read()
    element = "</style" if name.endswith(".css") else "</script"
    if element in text.lower():
        raise ValueError(f"{name} would end the element it is written into")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return Inlined(text=mark_safe(text), source=f"'sha256-{digest}'")  # noqa: S308 - our file


_read_once = functools.cache(_read)


def inlined(name: str) -> Inlined:
    """A static file to write into a page, with its policy source."""
    return _read(name) if settings.DEBUG else _read_once(name)


def stylesheet() -> SafeString:
    """The site's stylesheet, for the <head>'s <style> element."""
    return inlined(STYLESHEET).text


def script(name: str, **data) -> SafeString:
    """One of SCRIPTS as a <script> element, run where it stands: put it at the end of the
    <body>, where a deferred script would have run. `data` become its `data-` attributes,
    which it reads from `document.currentScript` (the policy's hash covers the text only)."""
    if name not in SCRIPTS:
        raise ValueError(f"{name} is not one of the scripts the policy lets in: {SCRIPTS}")
    attributes = "".join(format_html(' data-{}="{}"', key, value) for key, value in data.items())
    return mark_safe(f"<script{attributes}>{inlined(name).text}</script>")  # noqa: S308


def policy_update() -> dict[str, list[str]]:
    """What a reader's page's Content-Security-Policy adds for the files written into it."""
    return {
        "style-src": [inlined(STYLESHEET).source],
        "script-src": [inlined(name).source for name in SCRIPTS],
    }


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in ("STATIC_ROOT", "STORAGES", "DEBUG"):
        _read_once.cache_clear()
