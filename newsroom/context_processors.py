from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from chrome.models import SiteChrome
from chrome.tags import CHROME
from newsroom.pagecache.tags import tag


def site(request):
    """What every page's header and footer show: the top bar's links, the banner, the footer pages,
    read in one query on first use (see `SiteChrome`). `signed_in`: the page is for someone
    with a session (staff), whose forms carry Django's token; readers' pages carry none."""

    def read_chrome():
        tag(request, CHROME)  # the page (or the fragment) showing it
        return SiteChrome.current()

    chrome = SimpleLazyObject(read_chrome)
    return {
        "site_name": settings.SITE_NAME,
        "signed_in": settings.SESSION_COOKIE_NAME in request.COOKIES,
        "nav_links": SimpleLazyObject(lambda: _shown_links(chrome["nav"])),
        "breaking_news": SimpleLazyObject(lambda: _banner(chrome["breaking"])),
        "footer_pages": SimpleLazyObject(lambda: chrome["footer"]),
    }


def _passed(when: str) -> bool:
    return datetime.fromisoformat(when) <= timezone.now()


def _linked(since: str) -> bool:
    """Whether a link may show: always (""), never (an article not published), or from a time."""
    return not since or (since != "never" and _passed(since))


def _shown_links(links: list[dict]) -> list[dict]:
    """The top bar's links; one to an article only once readers may read it."""
    return [link for link in links if _linked(link.get("from", ""))]


def _banner(banner: dict | None) -> dict | None:
    """The banner, its link only once the linked article may be read; none after its end
    time, whatever the stored header says (pages end then: `banner_seconds_left`)."""
    if not banner or (banner.get("until") and _passed(banner["until"])):
        return None
    since = banner["linked_from"]
    linked = bool(since) and _passed(since)
    return {"text": banner["text"], "url": banner["url"] if linked else ""}
