"""Pictures in a story's body reach readers as the lead picture does: renditions in a srcset,
sizes for their column, width and height, lazy, with this use's caption, credit and alt text;
the original is never linked. A body showing a picture from another site is refused with its
address; pasted headings take the levels the body uses; tables and pull quotes are kept."""

import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.richtext import sanitize_body
from tests.factories import make_article, make_image, picture_bytes
from tests.test_workflow import change_form_data

pytestmark = pytest.mark.django_db


def _picture(**fields):
    image = make_image(**fields)
    image.file.save("big.jpg", _big(), save=False)
    image.save()
    return image


def _big():
    from django.core.files.base import ContentFile

    return ContentFile(picture_bytes(size=(1600, 1000)), name="big.jpg")


def _figure(image, *, caption="", credit="", alt="", align="text"):
    width, height, src = image.for_editors
    words = f"{caption}<small>{credit}</small>" if credit else caption
    return (
        f'<figure data-picture="{image.pk}" data-align="{align}"><img src="{src}" alt="{alt}" '
        f'width="{width}" height="{height}"><figcaption>{words}</figcaption></figure>'
    )


def _story(page: str) -> str:
    return page.split('class="story-body"')[1].split("</div>\n")[0]


def test_readers_get_an_inline_picture_in_every_size_with_this_uses_words(client):
    image = _picture(alt_text="Library alt", caption="Library caption", credit="Library credit")
    body = "<p>Before.</p>" + _figure(
        image, caption="The ferry at dawn", credit="Jo Lee/AP", alt="A ferry leaving the quay"
    )
    article = make_article(body=body + "<p>After.</p>")
    story = _story(client.get(article.get_absolute_url()).content.decode())

    figure = re.search(r'<figure class="story-figure story-figure--text">.*?</figure>', story, re.S)
    assert figure, story
    figure = figure[0]
    assert '<source type="image/webp" srcset="' in figure
    jpeg_srcset = re.search(r'<img [^>]*srcset="([^"]+)"', figure)[1]
    assert [w.split()[-1] for w in jpeg_srcset.split(", ")] == [
        "320w",
        "640w",
        "960w",
        "1280w",
        "1600w",
    ]
    assert 'sizes="(min-width: 46rem) 43rem, calc(100vw - 2rem)"' in figure
    assert 'loading="lazy"' in figure and 'width="1600" height="1000"' in figure
    assert 'alt="A ferry leaving the quay"' in figure
    assert "The ferry at dawn" in figure and '<small class="credit">Jo Lee/AP</small>' in figure
    assert "Library caption" not in story
    assert image.file.url not in story, "the original is never linked"
    assert "</source>" not in story, "a <source> is empty: the <img> follows it"
    assert story.index("Before.") < story.index("<figure") < story.index("After.")


def test_a_wide_picture_spans_the_page_and_says_so_in_its_sizes(client):
    image = _picture()
    article = make_article(body=_figure(image, align="wide"))
    story = _story(client.get(article.get_absolute_url()).content.decode())
    assert "story-figure--wide" in story
    assert 'sizes="(min-width: 74rem) 70rem, calc(100vw - 2rem)"' in story


def test_a_picture_pasted_by_its_address_in_the_library_is_named_and_served_in_sizes(client):
    """Bodies written before pictures were chosen from the library, or pasted with an
    address of ours, get the library's picture: never the original file."""
    image = _picture(alt_text="Harbour")
    body = f'<figure><img src="{image.file.url}" alt="Old harbour"><figcaption>Old</figcaption></figure>'
    article = make_article(body=body)
    article.refresh_from_db()
    assert f'data-picture="{image.pk}"' in article.body
    assert image.file.url not in article.body
    assert "/renditions/" in article.body
    story = _story(client.get(article.get_absolute_url()).content.decode())
    assert "srcset=" in story and image.file.url not in story and 'alt="Old harbour"' in story


def test_feeds_carry_an_absolute_address_to_a_rendition_never_the_original(client):
    image = _picture()
    make_article(body=_figure(image, caption="Feed picture"))
    entry = feedparser.parse(client.get("/feed/").content).entries[0]
    content = entry.summary
    src = re.search(r'<img [^>]*src="([^"]+)"', content)[1]
    assert src.startswith("http://testserver/media/renditions/")
    assert image.file.url not in content


def test_a_picture_from_another_site_is_refused_with_its_address_and_the_text_kept(
    editor_client,
):
    article = make_article(body="<p>Words.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    body = (
        '<p>Kept words.</p><figure><img src="https://elsewhere.example/photo.jpg" alt="x">'
        "<figcaption>From the agency</figcaption></figure>"
    )
    response = editor_client.post(url, change_form_data(article, body=body))
    assert response.status_code == 200
    page = response.content.decode()
    assert "picture from outside the library" in page
    assert "https://elsewhere.example/photo.jpg" in page
    assert "Kept words." in page, "what the editor wrote is still in the form"
    assert Article.objects.get(pk=article.pk).body == "<p>Words.</p>"


def test_pasted_headings_take_the_bodys_levels_and_rules_tables_and_quotes_are_kept():
    pasted = (
        "<h1>Top</h1><h4>Four</h4><h6>Six</h6><hr>"
        "<table><caption>Results</caption><tbody><tr><th>Party</th><th>Seats</th></tr>"
        "<tr><td>Blue</td><td>12</td></tr></tbody></table>"
        '<blockquote class="pull-quote"><p>We will rebuild.</p><cite>The mayor</cite></blockquote>'
    )
    assert sanitize_body(pasted) == (
        "<h2>Top</h2><h3>Four</h3><h3>Six</h3><hr>"
        "<table><caption>Results</caption><tbody><tr><th>Party</th><th>Seats</th></tr>"
        "<tr><td>Blue</td><td>12</td></tr></tbody></table>"
        '<blockquote class="pull-quote"><p>We will rebuild.</p><cite>The mayor</cite></blockquote>'
    )


def test_a_figures_data_is_kept_only_in_its_own_form():
    hostile = (
        '<figure data-picture="1 onload=x" data-align="left;evil" data-embed="javascript:alert(1)">'
        "<figcaption>x</figcaption></figure>"
    )
    assert sanitize_body(hostile) == "<figure><figcaption>x</figcaption></figure>"


def test_a_table_scrolls_in_its_own_box_and_its_headers_say_what_they_head(client):
    body = (
        "<table><caption>Results</caption><tbody><tr><th>Party</th><th>Seats</th></tr>"
        "<tr><th>Blue</th><td>12</td></tr></tbody></table><p>After.</p>"
    )
    story = _story(client.get(make_article(body=body).get_absolute_url()).content.decode())
    assert (
        '<div class="table-scroll" tabindex="0" role="region" aria-label="Results"><table>' in story
    )
    assert '<th scope="col">Party</th><th scope="col">Seats</th>' in story
    assert '<th scope="row">Blue</th><td>12</td>' in story
    assert "</table></div><p>After.</p>" in story


def test_five_inline_pictures_cost_one_query_more_than_none(client):
    plain = make_article(body="<p>Words.</p>")
    pictures = [_picture() for _ in range(5)]
    rich = make_article(body="<p>Words.</p>" + "".join(_figure(p) for p in pictures))
    client.get(make_article().get_absolute_url())  # the header and footer, read once
    with CaptureQueriesContext(connection) as without:
        client.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as with_pictures:
        page = client.get(rich.get_absolute_url()).content.decode()
    assert page.count("story-figure--text") == 5
    assert len(with_pictures) == len(without) + 1


def test_a_pictures_page_lists_where_it_is_used_with_links(editor_client):
    image = _picture(alt_text="Quay at night")
    lead = make_article(headline="Ferries return", hero_image=image)
    inline = make_article(headline="Harbour reopens", body=_figure(image, caption="Quay"))
    make_article(headline="Unrelated story")
    page = editor_client.get(reverse("admin:pictures_image_change", args=[image.pk]))
    page = page.content.decode()
    lead_url = reverse("admin:articles_article_change", args=[lead.pk])
    inline_url = reverse("admin:articles_article_change", args=[inline.pk])
    assert f'Lead picture: <a href="{lead_url}">Ferries return</a>' in page
    assert f'In the story: <a href="{inline_url}">Harbour reopens</a>' in page
    assert "Unrelated story" not in page


def test_a_used_picture_is_not_deleted_and_the_refusal_names_the_stories(editor_client):
    image = _picture(alt_text="Quay at night")
    make_article(headline="Harbour reopens", body=_figure(image))
    unused = _picture(alt_text="Unused")
    url = reverse("admin:pictures_image_delete", args=[image.pk])
    page = editor_client.get(url).content.decode()
    assert "This picture is still in use" in page and "Harbour reopens" in page
    assert "Yes, I’m sure" not in page
    editor_client.post(url, {"post": "yes"})
    assert type(image).objects.filter(pk=image.pk).exists()

    bulk = editor_client.post(
        reverse("admin:pictures_image_changelist"),
        {"action": "delete_selected", "_selected_action": [image.pk, unused.pk], "post": "yes"},
    )
    assert "Some of these pictures are still in use" in bulk.content.decode()
    assert type(image).objects.filter(pk__in=[image.pk, unused.pk]).count() == 2

    editor_client.post(reverse("admin:pictures_image_delete", args=[unused.pk]), {"post": "yes"})
    assert not type(image).objects.filter(pk=unused.pk).exists(), "an unused one goes"


def test_a_pictures_words_and_focal_point_are_saved_without_uploading_it_again(editor_client):
    image = _picture(alt_text="Before")
    url = reverse("admin:pictures_image_change", args=[image.pk])
    response = editor_client.post(
        url,
        {"alt_text": "After", "caption": "", "credit": "", "focal_x": "0.9", "focal_y": "0.2"},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.alt_text, image.focal_x, image.focal_y) == ("After", 0.9, 0.2)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (
            '<figure data-picture="99999"><img src="/media/renditions/99999/k/full-640x427.jpg" '
            'alt="x"></figure>',
            "/media/renditions/99999/",
        ),
        ('<p><img src="/media/images/gone.jpg" alt="x"></p>', "/media/images/gone.jpg"),
    ],
)
def test_a_picture_the_library_does_not_hold_is_refused_naming_it(editor_client, body, named):
    article = make_article(body="<p>Words.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, change_form_data(article, body="<p>Kept.</p>" + body))
    page = response.content.decode()
    assert response.status_code == 200 and "the library does not hold" in page
    assert named in page and "Kept." in page
    assert Article.objects.get(pk=article.pk).body == "<p>Words.</p>"


def test_a_body_past_the_limit_is_refused_with_its_length(editor_client):
    article = make_article(body="<p>Words.</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    huge = "<p>" + "word " * 70_000 + "</p>"
    response = editor_client.post(url, change_form_data(article, body=huge))
    assert response.status_code == 200
    assert "it may be at most 300,000" in response.content.decode()
    assert Article.objects.get(pk=article.pk).body == "<p>Words.</p>"
