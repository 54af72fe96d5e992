"""What a reader finds on an article page."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from articles import notes
from articles.models import ArticleNote
from tests.factories import (
    desk_editor,
    make_article,
    make_author,
    make_image,
    make_topic,
    publish_changes,
)

pytestmark = pytest.mark.django_db


def test_article_page_shows_headline_standfirst_byline_date_picture_body_and_topics(client):
    first, second = make_author(name="Ada Reporter"), make_author(name="Ben Writer")
    europe = make_topic(name="Europe")
    image = make_image(caption="Delegates arrive", credit="Jane Doe/Agency")
    article = make_article(
        headline="Talks resume in Geneva",
        standfirst="Both sides return to the table.",
        body="<p>First paragraph.</p><h2>Background</h2><p>Second paragraph.</p>",
        authors=[first, second],
        hero_image=image,
        topics=[europe],
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>Talks resume in Geneva</h1>" in page
    assert "Both sides return to the table." in page
    assert f'href="{first.get_absolute_url()}">Ada Reporter</a> and <a' in page
    assert f'href="{second.get_absolute_url()}">Ben Writer</a>' in page
    assert article.publish_at.strftime("%Y-%m-%d") in page
    assert f'alt="{image.alt_text}"' in page
    assert 'fetchpriority="high"' in page
    assert "Delegates arrive" in page and "Jane Doe/Agency" in page
    assert "<h2>Background</h2>" in page
    assert f'href="{europe.get_absolute_url()}">Europe</a>' in page
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in page


def test_updated_line_appears_only_when_an_editor_recorded_an_update(client):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Updated" not in page

    article = publish_changes(article, headline="A resaved headline")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "A resaved headline" in page
    assert "Updated" not in page, "a mere save is not an update"

    note = ArticleNote.objects.create(article=article, kind="update", text="More to say.")
    notes.noted(article, [note], by=desk_editor())  # as the desk's save does
    assert "Updated" in client.get(article.get_absolute_url()).content.decode()


def test_corrections_are_shown_with_their_date(client):
    article = make_article()
    ArticleNote.objects.create(
        article=article,
        kind=ArticleNote.Kind.CORRECTION,
        text="An earlier version misspelt the minister’s name.",
        noted_at=timezone.now() - timedelta(minutes=5),
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Correction," in page
    assert "An earlier version misspelt the minister’s name." in page


def test_readers_see_notes_labelled_correction_and_update(client):
    article = make_article()
    for kind, text in [("correction", "The date was wrong."), ("update", "Police have spoken.")]:
        ArticleNote.objects.create(article=article, kind=kind, text=text)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>Correction, " in page and "<strong>Update, " in page
    assert "clarification" not in page


def test_share_block_links_carry_the_canonical_url_and_headline(client):
    article = make_article(headline="Rates & rents rise")
    page = client.get(article.get_absolute_url()).content.decode()
    url = quote(f"http://testserver{article.get_absolute_url()}", safe="")
    headline = quote("Rates & rents rise", safe="")
    assert '<h2 id="share-title">Share.</h2>' in page
    assert f"https://x.com/intent/post?url={url}&amp;text={headline}" in page
    assert f"https://www.facebook.com/sharer/sharer.php?u={url}" in page
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={url}" in page
    assert f"https://wa.me/?text={headline}%20{url}" in page
    assert f"mailto:?subject={headline}&amp;body={url}" in page
    # Without JavaScript the link stays selectable; the copy button is revealed by the script.
    assert f'value="http://testserver{article.get_absolute_url()}" readonly' in page
    assert 'data-copy-target="share-url" hidden>Copy link</button>' in page


def test_leave_a_reply_section_says_whether_replies_are_open(client):
    open_article = make_article()
    closed_article = make_article(allow_replies=False)
    assert "Leave A Reply" in client.get(open_article.get_absolute_url()).content.decode()
    assert "Replies are closed" in client.get(closed_article.get_absolute_url()).content.decode()


def test_article_under_an_old_section_address_redirects_permanently(client):
    article = make_article()
    old = f"/some-old-section/{article.slug}/"
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_page_sends_no_third_party_requests(client):
    article = make_article(hero_image=make_image())
    page = client.get(article.get_absolute_url()).content.decode()
    for tag in ("<script", '<link rel="stylesheet"', "<img"):
        for chunk in page.split(tag)[1:]:
            source = chunk.split(">")[0]
            assert 'src="http' not in source and 'href="http' not in source, source


def test_a_note_added_outside_the_admin_still_shows_and_dates_the_update(client):
    from articles.models import ArticleNote

    article = make_article()
    assert article.modified_at is None
    note = ArticleNote.objects.create(article=article, kind="update", text="Added in the shell.")
    article.refresh_from_db()
    assert article.modified_at == note.noted_at
    assert "Added in the shell." in client.get(article.get_absolute_url()).content.decode()
