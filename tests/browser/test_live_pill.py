"""A reader scrolled into a live page's updates is offered the new ones in a pill fixed near the
top of the screen, said politely to screen readers, with nothing on the page moving; pressing
it shows them and takes the reader, and the focus, to the newest."""

from datetime import timedelta

from django.utils import timezone

from live import coverage
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.factories import desk_editor, make_article
from tests.test_live import add_updates

# Layout shifts the page makes from now on, as Chrome counts them for CLS.
WATCH_SHIFTS = """() => {
  window.shifts = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.shifts += entry.value;
  }).observe({type: "layout-shift"});
}"""


def _reading(page):
    return page.evaluate(
        """() => { const el = [...document.querySelectorAll(".live-update")]
        .find(el => el.getBoundingClientRect().top >= 0);
        return [el.id, el.getBoundingClientRect().top]; }"""
    )


def test_the_new_updates_pill_follows_the_reader_into_the_updates(site_url, page_at, settings):
    settings.LIVE_POLL_SECONDS = 1
    article = make_article(
        headline="Count night live",
        live_from=timezone.now() - timedelta(hours=1),
        body="<p>How the night unfolded, seat by seat, as the counts came in.</p>" * 12,
    )
    for update in add_updates(article, 10):
        update.body = "<p>" + "Results and reaction from the count. " * 14 + "</p>"
        update.save()
    for viewport, label in [(PHONE, "phone"), (DESKTOP, "desktop")]:
        page = page_at(viewport)
        page.goto(site_url + article.get_absolute_url())
        pill = page.locator("button.live-new")
        page.locator(".live-update").nth(5).scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, 200)")  # deep in the updates
        page.evaluate(WATCH_SHIFTS)
        reading, top = _reading(page)

        posted = coverage.post(article, by=desk_editor(), body=f"<p>Seats declared ({label}).</p>")
        pill.wait_for(state="visible", timeout=10_000)
        assert pill.inner_text() == "Show 1 new update"
        assert page.locator(".live-notice").get_attribute("aria-live") == "polite"
        assert page.locator(".live-notice").inner_text() == "1 new update."
        box = pill.bounding_box()
        assert 0 <= box["y"] < 40, "near the top of the screen, where the reader is"
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.live-new')).position")
            == "fixed"
        )
        assert (
            page.evaluate(f"document.getElementById('{reading}').getBoundingClientRect().top")
            == top
        )
        assert page.evaluate("window.shifts") == 0, "no layout shift"
        assert page.evaluate("document.activeElement === document.body"), "focus not taken"
        page.screenshot(path=SCREENSHOTS / f"live-pill-{label}.png")  # the screen, as seen

        page.evaluate("window.scrollTo(0, 0)")  # back at the headline, the updates off screen
        page.wait_for_timeout(200)
        assert pill.is_hidden(), "only while the updates are in view"
        page.locator(".live-update").nth(3).scroll_into_view_if_needed()
        pill.wait_for(state="visible")

        pill.focus()
        page.keyboard.press("Enter")
        first = page.locator(".live-updates > article").first
        assert first.get_attribute("id") == f"update-{posted.pk}"
        assert page.evaluate("document.activeElement.id") == f"update-{posted.pk}"
        box = first.bounding_box()
        assert 0 <= box["y"] < viewport["height"] / 2, "taken to the newest update"
        assert pill.is_hidden() and page.locator(".live-notice").inner_text() == ""
        page.screenshot(path=SCREENSHOTS / f"live-pill-shown-{label}.png")
        assert page.problems == []
