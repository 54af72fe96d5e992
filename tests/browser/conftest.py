"""Browser tests: Debian's Chromium driven by Playwright against a live test server.

The server answers through the whole WSGI stack, WhiteNoise included, so static files are
served with their hashed production names exactly as in production.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI installs it")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site_url(transactional_db):
    """A live server on 127.0.0.1 sharing the test database."""
    overrides = {}
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            overrides[connection.alias] = connection
            connection.inc_thread_sharing()
    thread = LiveServerThread(
        "127.0.0.1", static_handler=lambda app: app, connections_override=overrides, port=0
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    # Requests still in flight (a picture the browser was fetching) share the connection:
    # let them finish before it stops being shared.
    for worker in threading.enumerate():
        if "process_request_thread" in worker.name:
            worker.join(timeout=10)
    for connection in overrides.values():
        connection.dec_thread_sharing()


@pytest.fixture
def page_at(chromium):
    """Open pages at a given viewport; collects console errors and failed requests."""
    contexts = []

    def open_page(viewport):
        context = chromium.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on(
            "requestfailed",
            # A request cut short because the page moved on is not a failure of the site.
            lambda r: r.failure != "net::ERR_ABORTED" and page.problems.append(f"failed: {r.url}"),
        )
        page.on(
            "response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}")
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def signed_in(page, site_url, user):
    """The page's browser holds `user`'s desk session, as if they had signed in."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site_url}])


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, each with a few of its places."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def touch_page(chromium, viewport):
    """A page in a new context of a phone with a touch screen; close its context when done."""
    context = chromium.new_context(viewport=viewport, has_touch=True, is_mobile=True)
    return context.new_page()


def touch_drag(page, source, target, *, steps=12):
    """Drag with a finger from the middle of locator `source` to the middle of `target`, as a
    phone's screen sends it: touch events, which Chromium turns into pointer events of the
    kind "touch" (Playwright itself only taps)."""
    cdp = page.context.new_cdp_session(page)
    start, end = source.bounding_box(), target.bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + end["height"] / 2
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]}
    )
    for n in range(1, steps + 1):
        point = {"x": x0 + (x1 - x0) * n / steps, "y": y0 + (y1 - y0) * n / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
