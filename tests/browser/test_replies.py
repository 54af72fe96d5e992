"""A reader's reply goes through the moderators' queue and appears under the article."""

import re

from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import DESKTOP, PHONE, screenshot


def test_reader_posts_moderator_approves_reader_sees_it(site_url, page_at, django_user_model):
    call_command("load_demo", verbosity=0)
    moderator = django_user_model.objects.create_user(
        "mona", "mona@example.org", "correct horse battery staple", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name="Moderators"))
    article = Article.objects.published().get(slug="european-discussions-ukraines-postwar-security")
    article_url = site_url + article.get_absolute_url()

    reader = page_at(PHONE)
    reader.goto(article_url)
    reader.get_by_label("Name").fill("Olena from Lviv")
    reader.get_by_label("Email").fill("lviv.reader@example.org")
    reader.get_by_label("Reply", exact=True).fill("Guarantees must be written down.\nSecond line.")
    reader.get_by_role("button", name="Post Reply").click()
    notice = reader.get_by_role("status").filter(has_text="awaiting moderation")
    expect(notice).to_be_visible()
    expect(notice).to_be_in_viewport()  # on a phone the form is far below the top
    expect(notice).to_be_focused()
    expect(reader.get_by_text("Moderators will look at the reply you reported")).to_be_hidden()
    assert reader.url == article_url, "the address loses the notice: a reload will not repeat it"
    assert not [c for c in reader.context.cookies() if c["name"] in ("messages", "sessionid")]
    assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(reader, "reply-posted-phone")
    assert "Guarantees must be written down." not in reader.content()

    desk = page_at(DESKTOP)
    desk.goto(site_url + "/admin/")
    desk.get_by_label("Username").fill("mona")
    desk.get_by_label("Password").fill("correct horse battery staple")
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("link", name=re.compile("awaiting moderation")).click()
    row = desk.get_by_role("row").filter(has_text="Guarantees must be written down.")
    expect(row).to_contain_text("First reply from this e-mail")
    row.get_by_role("checkbox").check()
    screenshot(desk, "moderation-queue-desktop")
    desk.get_by_role("combobox", name="Action").select_option(label="Approve selected replies")
    desk.get_by_role("button", name="Go").click()
    expect(desk.get_by_text("1 reply approved.")).to_be_visible()

    reader.reload()
    expect(reader.get_by_text("Guarantees must be written down.")).to_be_visible()
    expect(notice).to_be_hidden()
    shown = article.replies.approved().count()
    expect(reader.get_by_role("heading", name=f"{shown} replies")).to_be_visible()
    screenshot(reader, "reply-approved-phone")
    assert reader.problems == [] and desk.problems == []
