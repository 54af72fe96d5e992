"""Every admin page an editor uses passes the Content-Security-Policy with no violation and no
script error, in Chromium, signed in as a superuser. The pages are found as an editor finds
them: the links of the admin index (each list and add page), the first object of each list,
and the links on its page (history, revisions, deletion), so a new admin page is covered
without a change here."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chrome.models import BreakingNews, TopBarLink
from fronts.models import Front
from live import coverage as live
from tests.browser.conftest import DESKTOP
from tests.factories import make_article, make_author, make_image, make_reply, make_topic
from wordpress.models import OldAddress

PASSWORD = "a-long-superuser-password"

# Recorded from the start of every document, before any of the page's own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "the page"}:${event.lineNumber})`
  );
});
"""


def watch_csp(page) -> dict:
    """Start recording, on `page`, what breaks the policy and what fails in scripts.
    `check(page)` (the returned dict's value) gives what the current document reported."""
    page.add_init_script(RECORD_VIOLATIONS)
    heard = {"console": [], "errors": []}
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and heard["console"].append(m.text),
    )
    page.on("pageerror", lambda error: heard["errors"].append(str(error)))

    def check() -> list[str]:
        found = page.evaluate("window.__cspViolations || []")
        found += [f"console: {text}" for text in heard["console"]]
        found += [f"script error: {text}" for text in heard["errors"]]
        heard["console"].clear()
        heard["errors"].clear()
        return found

    return check


def _sign_in(page, site_url, user):
    phone = TOTPDevice.objects.create(user=user, name="Phone")
    page.goto(site_url + "/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(f"{totp(phone.bin_key):06d}")
    page.get_by_role("button", name="Open the desk").click()
    page.wait_for_load_state()


def _admin_links(page, selector) -> list[str]:
    """The admin's own addresses among the links matched by `selector`, in page order."""
    hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        path = urlsplit(href).path
        # Not signing out, nor "view on site" (which leaves for the site's own domain).
        ours = path.startswith("/admin/") and not path.startswith(("/admin/logout", "/admin/r/"))
        if ours and path not in found:
            found.append(path)
    return found


def _some_of_everything(by):
    """An object of each kind an editor works on, made as the desk makes them."""
    author = make_author(name="Ada Author")
    topic = make_topic(name="Harbour")
    picture = make_image()
    article = make_article(
        headline="Bridge reopens", authors=[author], topics=[topic], hero_image=picture
    )
    make_reply(article, body="A fine bridge.")
    running = make_article(headline="Storm live", live_from=timezone.now() - timedelta(hours=1))
    update = live.post(running, by=by, body="<p>Winds of 90 km/h.</p>")  # and a desk log entry
    BreakingNews.objects.create(text="The bridge is open", article=article)
    TopBarLink.objects.create(topic=topic, position=1)  # the top bar's list loads its script
    TopBarLink.objects.create(article=running, label="Storm live", position=2)
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>Us.</p>")
    page.sites.add(Site.objects.get_current())
    OldAddress.objects.create(path="/2019/05/bridge/", article=article)
    return article, running, update


def test_no_admin_page_breaks_the_content_security_policy(site_url, page_at):
    superuser = User.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    article, running, update = _some_of_everything(superuser)
    page = page_at(DESKTOP)
    check = watch_csp(page)
    _sign_in(page, site_url, superuser)

    refused, visited, tools = {}, [], {}

    def visit(path):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        visited.append(path)
        if problems := check() + page.problems:
            refused[path] = problems
        page.problems.clear()
        tools[path] = _admin_links(page, ".object-tools a, a.deletelink")

    visit("/admin/")
    index = _admin_links(page, "#content-main a")
    lists = _admin_links(page, "#content-main th a, #content-main a.viewlink, a.changelink")
    pages = index + _admin_links(page, "#user-tools a")
    changes = [
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{running.pk}/change/",  # with its live desk
        f"/admin/live/liveupdate/{update.pk}/change/",  # the correction page
        # A front's preview: a readers' page, its stylesheet and scripts written in.
        reverse("admin:fronts_front_preview", args=[Front.objects.get_or_create(topic=None)[0].pk]),
    ]
    for path in pages:
        visit(path)
        if path in lists:  # the first object of each list
            first = _admin_links(page, "#result_list tbody tr:first-child a")
            changes += [p for p in first if p.startswith(path) and p.endswith("/change/")][:1]
        if page.url.endswith("/change/") and urlsplit(page.url).path not in changes:
            changes.append(urlsplit(page.url).path)  # a list that goes straight to its object
    for path in changes:
        if path not in visited:
            visit(path)
        for tool in tools[path]:
            if tool not in visited:
                visit(tool)

    report = "".join(f"\n{path}\n  " + "\n  ".join(found) for path, found in refused.items())
    assert not refused, "Admin pages with a CSP violation or a script error:" + report
    models = {"/".join(p.split("/")[2:4]) for p in changes}
    made = {"articles/article", "live/liveupdate", "articles/topic", "articles/author"}
    made |= {"pictures/image", "chrome/breakingnews", "audit/auditentry", "auth/user"}
    made |= {"comments/reply", "comments/moderationsettings", "flatpages/flatpage"}
    made |= {"wordpress/oldaddress"}
    assert made <= models, "a change page of each model with data was seen"
    assert any(p.endswith("/delete/") for p in visited) and any(
        p.endswith("/history/") for p in visited
    )
    assert len(visited) > 40
