"""A long WordPress import commits a batch of posts at a time (WORDPRESS_IMPORT_BATCH): the
site keeps taking readers' replies while it runs, what it has done is visible batch by batch,
and one stopped half way carries on when run again, adding nothing twice."""

import io
import math
import threading

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import Reply, ReplyCount
from tests.factories import make_article, reply_data
from tests.test_settings import assert_refused
from wordpress.importer import Importer
from wordpress.models import ImportedItem

POSTS = 7


def export(path, posts: int = POSTS):
    """An export of `posts` published posts, each with two comments (one answering the other)."""
    items = "".join(
        f"""<item><title><![CDATA[Story {n}]]></title>
<link>https://old.example.org/2024/03/story-{n}/</link>
<dc:creator><![CDATA[jdoe]]></dc:creator>
<content:encoded><![CDATA[Paragraph of story {n}.

[caption]<img src="https://old.example.org/wp-content/uploads/gone.jpg"> Words.[/caption]]]>
</content:encoded>
<wp:post_id>{100 + n}</wp:post_id><wp:post_date_gmt>2024-03-{n:02d} 08:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>story-{n}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="local"><![CDATA[Local]]></category>
<wp:comment><wp:comment_id>{1000 + 2 * n}</wp:comment_id>
<wp:comment_author><![CDATA[Ana]]></wp:comment_author>
<wp:comment_date_gmt>2024-03-{n:02d} 09:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[First on {n}.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
</wp:comment>
<wp:comment><wp:comment_id>{1001 + 2 * n}</wp:comment_id>
<wp:comment_author><![CDATA[Ben]]></wp:comment_author>
<wp:comment_date_gmt>2024-03-{n:02d} 10:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Answer on {n}.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{1000 + 2 * n}</wp:comment_parent>
</wp:comment></item>
"""
        for n in range(1, posts + 1)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        "<title>Old Gazette</title><link>https://old.example.org</link>\n"
        "<wp:wxr_version>1.2</wp:wxr_version>\n"
        "<wp:base_site_url>https://old.example.org</wp:base_site_url>\n"
        "<wp:base_blog_url>https://old.example.org</wp:base_blog_url>\n"
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[jdoe]]>"
        "</wp:author_login><wp:author_display_name><![CDATA[Jane Doe]]>"
        "</wp:author_display_name></wp:author>\n"
        f"{items}</channel>\n</rss>\n",
        encoding="utf-8",
    )
    return path


def elsewhere(job):
    """Run `job` in another thread, on its own database connection (as another app server
    would), and return what it returned."""
    result, errors = [], []

    def run():
        try:
            result.append(job())
        except Exception as error:  # reported in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the other connection waited on the import"
    assert not errors, errors
    return result[0]


def summary(path, **options) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_import_commits_batch_by_batch_while_readers_keep_replying(tmp_path, settings):
    settings.WORDPRESS_IMPORT_BATCH = 3
    settings.REPLY_RATE_LIMIT = (1000, 60)
    live = make_article(headline="Today's story")
    seen, replies = [], []

    def meanwhile(stage, done, total):
        if stage != "Posts":
            return
        # What another app server sees at this moment, and a reader's reply it takes.
        seen.append(elsewhere(lambda: Article.objects.exclude(pk=live.pk).count()))
        response = elsewhere(
            lambda: Client().post(
                reverse("comments:post", args=[live.pk]), reply_data(body=f"Reply {done}.")
            )
        )
        replies.append(response.status_code)

    report = Importer(export(tmp_path / "export.xml"), progress=meanwhile).run()

    assert report.counts["articles"].imported == POSTS
    # Before post n is read, the batches before it are committed, each whole.
    assert seen == [3 * ((n - 1) // 3) for n in range(1, POSTS + 1)]
    steps = sorted(set(seen) | {POSTS})  # 0, 3, 6, then the last batch at the end: 7
    assert len(steps) - 1 == math.ceil(POSTS / 3), "one commit a batch"
    assert all(code in (200, 302) for code in replies), replies
    assert Reply.objects.filter(article=live).count() == POSTS, "every reader's reply was kept"


@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_half_way_keeps_whole_batches_and_finishes_when_run_again(
    tmp_path, settings, monkeypatch
):
    settings.WORDPRESS_IMPORT_BATCH = 2
    path = export(tmp_path / "export.xml")
    real = Importer.import_posts

    def fail_on_the_third_batch(self, items):
        if items and items[0].wp_id == 105:
            raise RuntimeError("the machine was switched off")
        return real(self, items)

    monkeypatch.setattr(Importer, "import_posts", fail_on_the_third_batch)
    with pytest.raises(RuntimeError):
        summary(path)
    assert Article.objects.count() == 4, "two whole batches"
    assert Reply.objects.count() == 8
    assert list(ReplyCount.objects.values_list("replies", flat=True)) == [2] * 4
    assert ImportedItem.objects.filter(kind="post").count() == 4

    monkeypatch.setattr(Importer, "import_posts", real)
    again = summary(path)
    articles = next(line for line in again.splitlines() if line.strip().startswith("articles"))
    assert articles.split()[1:] == ["3", "0", "4", "0"], "new, updated, unchanged, skipped"
    assert Article.objects.count() == POSTS and Reply.objects.count() == 2 * POSTS
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        f"story-{n}" for n in range(1, POSTS + 1)
    ], "no story twice"
    assert list(ReplyCount.objects.values_list("replies", flat=True)) == [2] * POSTS
    third = summary(path)
    articles = next(line for line in third.splitlines() if line.strip().startswith("articles"))
    assert articles.split()[1:] == ["0", "0", "7", "0"]
    assert Article.objects.count() == POSTS, "a third run adds nothing"


@pytest.mark.django_db
def test_the_summary_is_the_same_whatever_the_batch_size(tmp_path, settings):
    path = export(tmp_path / "export.xml")
    settings.WORDPRESS_IMPORT_BATCH = 2
    with transaction.atomic():
        in_twos = summary(path)
        transaction.set_rollback(True)  # as if it had never run
    settings.WORDPRESS_IMPORT_BATCH = 50
    in_one = summary(path)
    assert in_twos == in_one
    articles = next(line for line in in_one.splitlines() if line.strip().startswith("articles"))
    assert articles.split()[1:] == [str(POSTS), "0", "0", "0"]
    assert f"picture not found, left out ({POSTS})" in in_one


def test_a_batch_size_that_is_not_a_positive_whole_number_stops_the_site():
    for bad in ("0", "-5", "fifty", "2.5"):
        assert_refused(
            "WORDPRESS_IMPORT_BATCH must be a whole number of posts", WORDPRESS_IMPORT_BATCH=bad
        )
