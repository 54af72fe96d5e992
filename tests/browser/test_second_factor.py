"""The second step in Chromium, as an editor meets it: signing in for the first time sets up an
authenticator app from a QR code (a wrong code is refused, the right one turns it on and shows
recovery codes); later sign-ins ask for a code, and a recovery code works once only."""

import re
from base64 import b32decode

from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_axe_violations

PASSWORD = "a-long-browser-password"


def _sign_in(page, site_url):
    page.goto(site_url + "/admin/")
    page.fill("#id_username", "second-step-editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _sign_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Thanks for spending some quality time")).to_be_visible()


def test_an_editor_sets_up_the_second_step_then_uses_a_recovery_code_once(site_url, page_at):
    editor = User.objects.create_user(
        "second-step-editor", "s@example.org", PASSWORD, is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))

    page = page_at(PHONE)
    _sign_in(page, site_url)
    expect(page.get_by_role("heading", name="Set up your second step")).to_be_visible()
    qr = page.locator(".qr-code svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150, "large enough to scan from a screen"
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert serious_axe_violations(page) == []
    screenshot(page, "second-step-setup-phone")

    key = page.locator("#otp-key").inner_text().replace(" ", "")
    page.fill("#id_code", "000000")
    page.get_by_role("button", name="Turn on the second step").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.problems.clear()  # that 400 was asked for
    # A moment later: django-otp pauses a device for a second after a wrong code.
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.fill("#id_code", f"{totp(b32decode(key)):06d}")
    page.get_by_role("button", name="Turn on the second step").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    screenshot(page, "second-step-codes-phone")
    page.get_by_role("link", name="Continue to the desk").click()
    expect(page.get_by_role("heading", name="Today's desk")).to_be_visible()
    _sign_out(page)

    desk = page_at(DESKTOP)
    _sign_in(desk, site_url)
    expect(desk.get_by_role("heading", name="Your second step")).to_be_visible()
    assert serious_axe_violations(desk) == []
    screenshot(desk, "second-step-desktop")
    desk.fill("#id_code", codes[3])
    desk.get_by_role("button", name="Open the desk").click()
    expect(desk.get_by_role("heading", name="Today's desk")).to_be_visible()
    _sign_out(desk)

    _sign_in(desk, site_url)
    desk.fill("#id_code", codes[3])
    desk.get_by_role("button", name="Open the desk").click()
    expect(desk.get_by_role("alert")).to_contain_text("or was used already")
    assert "/admin/second-step/" in desk.url, "the desk stays shut"
    desk.problems.clear()
    assert page.problems == []
