"""Story figures in Chromium: the beacon counts a view with the host the reader came from, and
sends nothing at all when the reader asks not to be tracked (Global Privacy Control, Do Not
Track); the sampling is decided in the browser, within statistical bounds; the most-read block
and the desk's figures page read well on a phone and a desktop, the chart's labels too."""

import itertools

import pytest
from django.utils import timezone

from figures import fold, most_read
from figures.models import HourlyReferrer, HourlyViews
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    screenshot,
    serious_axe_violations,
    signed_in,
)
from tests.factories import make_article

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})"


@pytest.fixture
def reader(chromium):
    """A reader's browser (a browser's User-Agent, not a headless one) at a desktop's size."""
    contexts = []

    def open_page(init_script=None, viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, user_agent=BROWSER)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.beacons = []
        page.on("request", lambda r: "/figures/view" in r.url and page.beacons.append(r))
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_view_is_counted_with_the_host_the_reader_came_from(site_url, reader, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    page = reader()
    with page.expect_response("**/figures/view?*") as answer:
        page.goto(site_url + article.get_absolute_url(), referer="https://news.example.com/a?q=1")
    assert answer.value.status == 204
    fold.fold()
    assert HourlyViews.objects.get(article=article).views == 1
    assert list(HourlyReferrer.objects.values_list("host", flat=True)) == ["news.example.com"]


@pytest.mark.parametrize("asked", [GPC, DNT], ids=["global-privacy-control", "do-not-track"])
def test_a_reader_who_asks_not_to_be_tracked_sends_nothing(site_url, reader, settings, asked):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    page = reader(asked)
    page.goto(site_url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.beacons == []
    assert fold.fold().views == 0


def test_the_browser_samples_about_one_view_in_the_rate(site_url, reader, settings):
    """At a rate of 4, 160 views send about 40 beacons: binomial, standard deviation 5.5; the
    bounds are six deviations wide on each side, so a correct sampler fails about once in a
    hundred million runs, and one that sends every view (or none) fails every time."""
    settings.FIGURES_SAMPLE_RATE = 4
    article = make_article()
    page = reader()
    page.route("**/figures/view?*", lambda route: route.fulfill(status=204))
    url = site_url + article.get_absolute_url()
    for _ in range(160):
        page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    assert 7 <= len(page.beacons) <= 73


@pytest.mark.parametrize("viewport,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_most_read_block_and_the_figures_page_read_well(
    site_url, reader, page_at, editor, viewport, label
):
    here = make_article(headline="Council approves the new bridge")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for n, headline in enumerate(
        ["Storm warning for the coast tonight", "Rates held as markets slip", "A late winner"]
    ):
        story = make_article(headline=headline)
        HourlyViews.objects.create(article=story, hour=hour, views=100 - 10 * n)
    for hours_ago, views in enumerate([40, 25, 60, 10, 0, 5]):
        HourlyViews.objects.create(
            article=here, hour=hour.replace() - timezone.timedelta(hours=hours_ago), views=views
        )
    HourlyReferrer.objects.create(article=here, hour=hour, host="news.example.com", views=90)
    most_read.refresh()

    page = reader(viewport=viewport)
    page.goto(site_url + here.get_absolute_url())
    block = page.locator("section.most-read")
    block.scroll_into_view_if_needed()
    assert block.get_by_role("link").all_inner_texts()[0] == "Storm warning for the coast tonight"
    assert serious_axe_violations(page) == []
    screenshot(page, f"most-read-{label}")

    desk = page_at(viewport)
    signed_in(desk, site_url, editor)
    desk.goto(f"{site_url}/admin/figures/hourlyviews/story/{here.pk}/")
    assert desk.get_by_role("img", name="Views per hour").is_visible()
    desk.get_by_text("The views per hour as a table").click()
    assert desk.get_by_role("table").first.is_visible()
    assert serious_axe_violations(desk) == []
    screenshot(desk, f"figures-story-{label}")
    desk.goto(f"{site_url}/admin/figures/hourlyviews/")
    screenshot(desk, f"figures-today-{label}")
    assert desk.problems == []


# Each shown label of the chart: its text, its place, and its font's size as drawn on the
# screen (inside an SVG image, scaled with the image).
CHART_LABELS = """() => [...document.querySelectorAll(".figures-figure text, .figures-figure span")]
  .filter(label => label.getClientRects().length && label.textContent.trim())
  .map(label => {
    const box = label.getBoundingClientRect();
    const scale = label.getScreenCTM ? label.getScreenCTM().a : 1;
    const size = parseFloat(getComputedStyle(label).fontSize) * scale;
    return {text: label.textContent, size, left: box.left, right: box.right, top: box.top};
  })"""


@pytest.mark.parametrize("viewport,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_chart_labels_are_readable_on_a_phone_and_a_desktop(
    site_url, page_at, editor, viewport, label
):
    here = make_article(
        headline="Council approves the new bridge",
        publish_at=timezone.now() - timezone.timedelta(hours=30),
    )
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for hours_ago in range(30):
        HourlyViews.objects.create(
            article=here, hour=hour - timezone.timedelta(hours=hours_ago), views=1200 + hours_ago
        )
    desk = page_at(viewport)
    signed_in(desk, site_url, editor)
    desk.goto(f"{site_url}/admin/figures/hourlyviews/story/{here.pk}/")
    labels = desk.evaluate(CHART_LABELS)
    assert [x["text"] for x in labels][:2] == ["1229", "0"], "the busiest hour's views, and 0"
    assert all(x["size"] >= 12 for x in labels), f"labels drawn smaller than 12 px: {labels}"
    times = sorted(labels[2:], key=lambda x: x["left"])
    assert len(times) == (2 if label == "phone" else 3), "the middle hour only on a wide screen"
    assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(times)), "labels overlap"
    assert all(x["left"] >= 0 and x["right"] <= viewport["width"] for x in labels)
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    desk.locator(".figures-figure").scroll_into_view_if_needed()
    desk.locator(".figures-figure").screenshot(path=SCREENSHOTS / f"figures-chart-{label}.png")
    screenshot(desk, f"figures-chart-page-{label}")
    assert desk.problems == []
