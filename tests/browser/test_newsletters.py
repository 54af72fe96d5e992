"""A reader signs up for newsletters on a phone and at a desk: the form at the foot of the home
page, the confirmation e-mail's link, the Confirm button and the preferences page; each page
axe-clean and without sideways scrolling."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from newsletters.models import Subscriber
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_axe_violations
from tests.factories import run_worker


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport, name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_sign_up_confirm_and_choose_lists(site_url, page_at, mail_server, settings, viewport, name):
    call_command("load_demo", verbosity=0)
    settings.SITE_URL = site_url
    page = page_at(viewport)
    page.goto(site_url + "/")
    form = page.locator(".signup")
    form.scroll_into_view_if_needed()
    expect(form.get_by_label("The Morning Briefing")).to_be_checked()
    assert serious_axe_violations(page) == []
    assert _fits(page)
    screenshot(page, f"newsletter-signup-{name}")

    # Nothing typed: the form comes back saying why, the choice kept.
    form.get_by_label("Breaking news alerts").check()
    form.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Enter your e-mail address.")).to_be_visible()
    expect(page.get_by_label("Breaking news alerts")).to_be_checked()
    assert _fits(page)
    screenshot(page, f"newsletter-signup-refused-{name}")

    page.get_by_label("Your e-mail address").fill(f"{name}@example.org")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] in ("csrftoken", "sessionid")]

    run_worker()
    (message,) = mail_server.to(f"{name}@example.org")
    (link,) = re.findall(
        r"http\S+/newsletters/confirm/\S+", message.get_body(("plain",)).get_content()
    )
    page.goto(link)
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("your address is confirmed")
    expect(page.get_by_label("Breaking news alerts")).to_be_checked()
    assert serious_axe_violations(page) == []
    assert _fits(page)
    screenshot(page, f"newsletter-preferences-{name}")

    page.get_by_label("The Morning Briefing").uncheck()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_role("status")).to_contain_text("Your choice is saved.")
    reader = Subscriber.objects.receiving().get(email=f"{name}@example.org")
    assert [n.name for n in reader.newsletters.all()] == ["Breaking news alerts"]
    # The refused sign-up answered 400, as it must; nothing else failed.
    assert [p for p in page.problems if "400" not in p] == []
    assert len(page.problems) == 2
