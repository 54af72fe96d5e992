"""The header, footer and banner every page shows (the `chrome` app): one banner at a time,
ending at its end time everywhere; which changes to the article a banner links to reach the
pages already cached, and which do not."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from audit.models import AuditEntry
from chrome.models import BreakingNews
from newsroom.pagecache import sequence
from tests.factories import cache_use, desk_editor, make_article, warm

pytestmark = pytest.mark.django_db


def _linked_banner():
    linked = make_article(headline="Polls close")
    BreakingNews.objects.create(text="Polls have closed", article=linked)
    elsewhere = make_article(headline="Elsewhere").get_absolute_url()
    link = f'<a href="{linked.get_absolute_url()}">Polls have closed</a>'
    warm(elsewhere)
    assert link in Client().get(elsewhere).content.decode()
    return linked, elsewhere, link


def test_unpublishing_the_article_a_banner_links_to_takes_the_link_off_cached_pages():
    linked, elsewhere, link = _linked_banner()
    workflow.transition(linked, "unpublish", by=desk_editor())
    response = Client().get(elsewhere)
    assert response.wsgi_request.page_cache == "miss"
    page = response.content.decode()
    assert "Polls have closed" in page and link not in page


def test_deleting_the_article_a_banner_links_to_keeps_the_banner_without_its_link(editor_client):
    linked, elsewhere, link = _linked_banner()
    delete = reverse("admin:articles_article_delete", args=[linked.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=linked.pk).exists()
    page = Client().get(elsewhere).content.decode()
    assert "Polls have closed" in page and link not in page
    assert BreakingNews.objects.get().article is None


def test_saving_a_draft_a_banner_links_to_purges_nothing():
    draft = make_article(headline="Count begins", status=Article.Status.DRAFT, publish_at=None)
    BreakingNews.objects.create(text="Counting starts soon", article=draft)
    elsewhere = make_article(headline="Elsewhere").get_absolute_url()
    warm(elsewhere)
    before = sequence.current()
    draft.headline = "The count begins"
    draft.save()
    assert sequence.current() == before
    assert cache_use(elsewhere) == "hit"


BANNERS = reverse("admin:chrome_breakingnews_changelist")


def test_raising_a_second_banner_replaces_the_first_and_the_desk_says_so(editor_client, client):
    add = reverse("admin:chrome_breakingnews_add")
    editor_client.post(add, {"text": "Polls have closed", "is_active": "on"})
    response = editor_client.post(add, {"text": "Results soon", "is_active": "on"}, follow=True)
    page = response.content.decode()
    assert "It replaced “Polls have closed”, which readers no longer see." in page
    assert list(BreakingNews.objects.raised().values_list("text", flat=True)) == ["Results soon"]
    home = client.get("/").content.decode()
    assert "Results soon" in home and "Polls have closed" not in home
    log = list(AuditEntry.objects.order_by("pk").values_list("action", "subject", "detail"))
    assert log == [
        ("banner_raise", "Polls have closed", ""),
        ("banner_clear", "Polls have closed", "replaced by “Results soon”"),
        ("banner_raise", "Results soon", ""),
    ]


def test_raising_an_old_banner_again_from_its_form_replaces_the_one_raised(editor_client):
    old = BreakingNews.objects.create(text="Bridge closed", is_active=False)
    BreakingNews.objects.create(text="Storm warning")
    change = reverse("admin:chrome_breakingnews_change", args=[old.pk])
    response = editor_client.post(change, {"text": "Bridge closed", "is_active": "on"}, follow=True)
    assert "It replaced “Storm warning”" in response.content.decode()
    assert list(BreakingNews.objects.raised()) == [old]


def test_the_database_holds_one_raised_banner_at_most():
    BreakingNews.objects.create(text="First")
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakingNews.objects.create(text="Second")


def test_a_banner_leaves_every_page_at_its_end_time_even_pages_kept_in_caches(editor_client, clock):
    article = make_article()
    ends = timezone.localtime() + timedelta(seconds=90)
    raised = {
        "text": "Roads closed until noon",
        "is_active": "on",
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M:%S"),
    }
    assert editor_client.post(reverse("admin:chrome_breakingnews_add"), raised).status_code == 302
    for url in ("/", article.get_absolute_url()):
        warm(url)
        response = Client().get(url)
        assert "Roads closed until noon" in response.content.decode()
        shared_seconds = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert shared_seconds <= 90, "no shared cache keeps the page past the end time"
    clock.advance(91)
    for url in ("/", article.get_absolute_url()):
        response = Client().get(url)
        assert response.wsgi_request.page_cache == "miss", url
        assert "Roads closed until noon" not in response.content.decode(), url
    assert BreakingNews.objects.get().is_active, "ended by the clock, with no one clearing it"
    listing = editor_client.get(BANNERS).content.decode()
    cell = listing.split('class="field-on_the_site"')[1].split("</td>")[0]
    assert "icon-no" in cell, "the desk says readers no longer see it"


def test_clearing_and_deleting_banners_is_in_the_desk_log(editor_client):
    banner = BreakingNews.objects.create(text="Polls are closing")
    editor_client.post(BANNERS, {"action": "clear_selected", "_selected_action": [banner.pk]})
    delete = reverse("admin:chrome_breakingnews_delete", args=[banner.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    log = list(AuditEntry.objects.order_by("pk").values_list("action", "subject"))
    assert log == [("banner_clear", "Polls are closing"), ("delete", "Polls are closing")]


def test_a_banner_raised_with_an_end_time_already_passed_is_refused_with_the_form(editor_client):
    past = timezone.localtime() - timedelta(minutes=5)
    response = editor_client.post(
        reverse("admin:chrome_breakingnews_add"),
        {
            "text": "Too late",
            "is_active": "on",
            "ends_at_0": past.strftime("%Y-%m-%d"),
            "ends_at_1": past.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "This time has passed" in response.content.decode()
    assert not BreakingNews.objects.exists()
