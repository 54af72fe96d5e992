"""Embeds: a provider is asked once, in the background, and readers get our own facade (our
copy of the picture, the title, a link) until they press its button. A fake oEmbed provider on
127.0.0.1 (tests/oembed_server.py) answers; nothing here reaches the internet."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from embeds import cleaning
from embeds.fetch import NO_PROVIDER, embed_for, endpoint, fetch_embed, remember
from embeds.markup import facade, policy
from embeds.models import Embed
from embeds.providers import by_name, match
from tests import oembed_server
from tests.factories import run_worker

pytestmark = pytest.mark.django_db


def fetched(url: str) -> Embed:
    embed = embed_for(url)
    run_worker()
    embed.refresh_from_db()
    return embed


def outside_data_and_original(html: str, url: str) -> str:
    """The facade's markup without its data attributes and its link to the original."""
    html = re.sub(r'\sdata-[\w-]+="[^"]*"', "", html)
    return html.replace(f'href="{url}"', "")


def test_a_video_is_asked_for_once_and_kept_with_its_title_picture_and_player(provider):
    url = f"{provider.origin}/video/ok"
    assert embed_for(url).status == Embed.Status.PENDING
    run_worker()
    embed = embed_for(url)  # pasted again: the same row, not asked again
    run_worker()

    assert provider.asked == [url]
    assert embed.status == Embed.Status.READY
    assert (embed.title, embed.author_name) == ("A video called ok", "Ada Reporter")
    assert embed.frame_url == f"{provider.origin}/embed/ok"
    assert (embed.width, embed.height) == (640, 360)
    picture = embed.thumbnail
    assert picture.alt_text == "A video called ok"
    assert (picture.width, picture.height) == (640, 360)
    assert picture.rendition("full", "WEBP") and picture.rendition("full", "JPEG")
    assert picture.file.name.startswith("images/")


def test_a_post_keeps_its_text_and_links_and_we_add_the_providers_script(provider):
    url = f"{provider.origin}/post/ok"
    embed = fetched(url)

    assert embed.status == Embed.Status.READY
    assert embed.html.startswith('<blockquote class="test-post">')
    assert "Hello from the post" in embed.html and f'href="{url}"' in embed.html
    assert "<script" not in embed.html and "onmouseover" not in embed.html
    html = facade(url, embed)
    assert "Show the post from Testpost" in html
    assert f'data-embed-script="{provider.origin}/widgets.js"' in html


def test_a_refused_address_fails_and_readers_get_a_link(provider):
    url = f"{provider.origin}/video/missing"
    embed = fetched(url)

    assert embed.status == Embed.Status.FAILED and embed.error == "HTTP 404"
    html = facade(url, embed)
    assert f'<a class="embed-link" href="{url}">' in html
    assert "Open on 127.0.0.1" in html
    assert "button" not in html


@pytest.mark.parametrize("behaviour", ["missing", "hang"])
def test_an_address_never_asked_about_or_unknown_is_a_link_card_too(behaviour):
    url = f"https://example.org/{behaviour}"
    assert 'href="https://example.org/missing"' in facade("https://example.org/missing", None)
    embed = embed_for(url)
    assert (embed.status, embed.error) == (Embed.Status.FAILED, NO_PROVIDER)
    assert "Open on example.org" in facade(url, embed)
    assert "javascript" not in facade("javascript:alert(1)", None).split(">", 1)[0]


def test_a_provider_that_hangs_is_left_after_the_timeout_and_asked_again_later(provider, settings):
    settings.EMBED_TIMEOUT_SECONDS = 0.5
    url = f"{provider.origin}/video/hang"
    embed_for(url)
    started = time.monotonic()
    run_worker()
    took = time.monotonic() - started

    embed = Embed.objects.get(url=url)
    assert took < oembed_server.HANG_SECONDS - 1
    assert (embed.status, embed.attempts) == (Embed.Status.PENDING, 1)
    assert "no answer within 0.5 s" in embed.error
    again = DBTaskResult.objects.get(
        task_path=fetch_embed.module_path, status=TaskResultStatus.READY
    )
    assert again.args_kwargs == {"args": [embed.pk], "kwargs": {"attempt": 2}}
    assert again.run_after > timezone.now()
    assert "Play on" not in facade(url, embed)  # a link meanwhile


def test_a_provider_that_is_down_is_asked_again_later(provider):
    embed = fetched(f"{provider.origin}/video/down")
    assert (embed.status, embed.error) == (Embed.Status.PENDING, "HTTP 503")
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert waiting.filter(task_path=fetch_embed.module_path).count() == 1


@pytest.mark.parametrize("kind", ["video", "post"])
def test_smuggled_scripts_handlers_and_javascript_links_never_reach_readers(provider, kind):
    url = f"{provider.origin}/{kind}/smuggle"
    embed = fetched(url)

    assert embed.status == Embed.Status.READY
    html = facade(url, embed)
    for stored in (embed.html, html):
        for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "steal", "<style"):
            assert bad not in stored


def test_an_answer_larger_than_the_limit_is_refused(provider, settings):
    settings.EMBED_MAX_BYTES = 64 * 1024
    embed = fetched(f"{provider.origin}/post/huge")
    assert embed.status == Embed.Status.FAILED
    assert embed.error == "the answer is more than 65536 bytes"


def test_an_answer_that_is_not_json_is_refused(provider):
    embed = fetched(f"{provider.origin}/video/notjson")
    assert (embed.status, embed.error) == (Embed.Status.FAILED, "the answer is not JSON")


def test_the_facade_loads_nothing_from_the_provider_until_the_reader_asks(provider, settings):
    url = f"{provider.origin}/video/ok"
    embed = fetched(url)
    html = facade(url, embed)

    assert html.startswith('<figure class="embed embed--testvideo">')
    assert f'<a class="embed-link" href="{url}"><picture>' in html  # without JS: a link
    assert '<span class="embed-title">A video called ok</span>' in html
    assert "Ada Reporter on Testvideo" in html
    assert '<div class="embed-consent" data-embed-consent hidden>' in html  # shown by JS
    assert '<button type="button" class="embed-load" data-embed-load' in html
    assert ">Play on Testvideo</button>" in html
    assert "Pressing the button loads content from Testvideo, which may set cookies" in html
    assert f'data-embed-frame="{provider.origin}/embed/ok"' in html
    assert 'loading="lazy"' in html and 'width="' in html and 'height="' in html
    assert re.search(rf'<img src="{settings.MEDIA_URL}renditions/', html)
    assert provider.origin not in outside_data_and_original(html, url)
    assert "<script" not in html and "style=" not in html


def test_youtube_plays_from_its_cookie_less_host_and_only_from_its_own():
    youtube = by_name("YouTube")
    url = "https://www.youtube.com/watch?v=abc"
    given = '<iframe src="https://www.youtube.com/embed/abc?feature=oembed"></iframe>'
    assert cleaning.frame_url(given, provider=youtube, url=url) == (
        "https://www.youtube-nocookie.com/embed/abc?feature=oembed"
    )
    elsewhere = '<iframe src="https://tracker.example/embed/abc"></iframe>'
    assert cleaning.frame_url(elsewhere, provider=youtube, url=url) == ""


def test_a_mastodon_post_plays_from_its_own_instance():
    mastodon, url = by_name("Mastodon"), "https://social.example/@ada/12"
    script_only = '<blockquote class="mastodon-embed">…</blockquote><script src="x"></script>'
    assert cleaning.frame_url(script_only, provider=mastodon, url=url) == f"{url}/embed"
    other = '<iframe src="https://elsewhere.example/@ada/12/embed"></iframe>'
    assert cleaning.frame_url(other, provider=mastodon, url=url) == ""


def test_the_policy_names_only_the_hosts_of_the_embeds_shown():
    ready = Embed.Status.READY
    video = Embed(
        url="https://www.youtube.com/watch?v=abc",
        provider="YouTube",
        status=ready,
        frame_url="https://www.youtube-nocookie.com/embed/abc",
    )
    post = Embed(url="https://x.com/ada/status/1", provider="X", status=ready, html="<blockquote>…")
    toot = Embed(
        url="https://social.example/@ada/12",
        provider="Mastodon",
        status=ready,
        frame_url="https://social.example/@ada/12/embed",
    )
    waiting = Embed(url="https://vimeo.com/1", provider="Vimeo", status=Embed.Status.PENDING)

    assert policy([]) == {} and policy([waiting]) == {}
    assert policy([video, waiting]) == {"frame-src": ["https://www.youtube-nocookie.com"]}
    assert policy([video, post, toot]) == {
        "frame-src": [
            "https://platform.twitter.com",
            "https://social.example",
            "https://syndication.twitter.com",
            "https://www.youtube-nocookie.com",
        ],
        "script-src": ["https://platform.twitter.com"],
    }


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.youtube.com/watch?v=abc", "YouTube"),
        ("https://youtu.be/abc", "YouTube"),
        ("https://vimeo.com/76979871", "Vimeo"),
        ("https://twitter.com/ada/status/123", "X"),
        ("https://x.com/ada/status/123", "X"),
        ("https://www.instagram.com/p/Cabc123/", "Instagram"),
        ("https://www.tiktok.com/@ada/video/123", "TikTok"),
        ("https://bsky.app/profile/ada.bsky.social/post/3k2abc", "Bluesky"),
        ("https://mastodon.social/@ada/112233", "Mastodon"),
        ("https://soundcloud.com/ada/a-song", "SoundCloud"),
        ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "Spotify"),
        ("https://public.flourish.studio/visualisation/123456/", "Flourish"),
        ("https://datawrapper.dwcdn.net/AbC12/3/", "Datawrapper"),
        ("https://example.org/@ada/not-a-post", None),
        ("https://www.youtube.com.example.org/watch?v=abc", None),
    ],
)
def test_each_provider_is_known_by_its_addresses(url, name):
    found = match(url)
    assert (found.name if found else None) == name


def test_any_mastodon_instance_answers_for_its_own_posts():
    url = "https://social.example/@ada/12"
    assert endpoint(match(url), url).startswith("https://social.example/api/oembed?url=")


def test_an_address_on_this_machine_or_a_private_network_is_never_asked(settings):
    settings.EMBED_PROVIDERS = []
    embed = fetched("https://localhost/@ada/123")
    assert embed.status == Embed.Status.FAILED
    assert embed.error == "localhost is on a private network"


def test_instagram_without_an_access_token_stays_a_link(settings):
    settings.EMBED_INSTAGRAM_ACCESS_TOKEN = ""
    embed = fetched("https://www.instagram.com/p/Cabc123/")
    assert embed.status == Embed.Status.FAILED
    assert "EMBED_INSTAGRAM_ACCESS_TOKEN" in embed.error


def test_a_saved_body_remembers_its_addresses_once_each(provider):
    url = f"{provider.origin}/video/ok"
    shouted = url.replace("http://", "HTTP://")
    embeds = remember([url, url, "javascript:alert(1)", f" {shouted}#start "])
    assert [e.url for e in embeds] == [url, url]
    assert embeds[0] == embeds[1] and Embed.objects.count() == 1
    assert Embed.objects.for_urls([shouted, url, "mailto:a@b"]) == {
        shouted: embeds[0],
        url: embeds[0],
    }


def test_the_editor_gets_a_preview_of_a_pasted_address(provider, writer_client):
    address = reverse("admin:embeds_embed_preview")
    url = f"{provider.origin}/video/ok"
    answer = writer_client.post(address, {"url": url}).json()
    assert answer == {
        "url": url,
        "provider": "Testvideo",
        "status": "pending",
        "title": "",
        "thumbnail_url": "",
        "message": "Preview not available yet",
    }
    run_worker()
    answer = writer_client.post(address, {"url": url}).json()
    assert (answer["status"], answer["title"], answer["message"]) == (
        "ready",
        "A video called ok",
        "",
    )
    assert answer["thumbnail_url"].startswith("/media/renditions/")
    assert provider.asked == [url]
    refused = writer_client.post(address, {"url": "javascript:alert(1)"})
    assert refused.status_code == 400 and "https://" in refused.json()["error"]


def test_the_preview_is_for_the_desk_only(moderator_client, writer, provider):
    address = reverse("admin:embeds_embed_preview")
    url = f"{provider.origin}/video/ok"
    assert Client().post(address, {"url": url}).status_code == 302  # to the sign-in
    assert moderator_client.post(address, {"url": url}).status_code == 403
    moderator_client.force_login(writer)
    assert moderator_client.get(address).status_code == 405
    assert not Embed.objects.exists()


def test_the_preview_needs_the_desks_csrf_token(writer, provider):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(writer)
    address = reverse("admin:embeds_embed_preview")
    assert browser.post(address, {"url": f"{provider.origin}/video/ok"}).status_code == 403
    assert not Embed.objects.exists()


def test_an_editor_asks_the_provider_again(provider, editor_client):
    url = f"{provider.origin}/video/ok"
    embed = fetched(url)
    changelist = reverse("admin:embeds_embed_changelist")
    page = editor_client.post(
        changelist, {"action": "ask_again", "_selected_action": [embed.pk]}, follow=True
    )
    assert "1 embed will be asked for again." in page.content.decode()
    run_worker()
    assert provider.asked == [url, url]
    embed.refresh_from_db()
    assert (embed.status, embed.attempts) == (Embed.Status.READY, 2)
    assert editor_client.get(changelist).status_code == 200
    page = editor_client.get(reverse("admin:embeds_embed_change", args=[embed.pk]))
    assert "A video called ok" in page.content.decode()
