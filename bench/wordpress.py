"""WordPress import benchmark: a generated export of 10,000 posts and 100,000 comments
(threaded, some held, some spam; no pictures) imported on SQLite and on PostgreSQL, with
posts and comments per second. The target is the whole import in under two minutes. Then
the conversion of hostile posts (a megabyte of unclosed tags or shortcodes), which must stay
in proportion to their length. Run with `make bench` (or alone: `.venv/bin/python bench/wordpress.py [POSTS]`).

Each database is a throwaway one (a temporary SQLite file; `newsroom_bench_wordpress` on the
PostgreSQL at BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/, dropped after).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTS = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
COMMENTS_PER_POST = 10
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
PG_DB = "newsroom_bench_wordpress"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(path: Path, posts: int) -> int:
    """Write the export the way WordPress does; returns the number of comments."""
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench Gazette</title><link>https://bench.example.org</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://bench.example.org</wp:base_site_url>\n"
            "<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n"
        )
        for n in range(1, 21):
            out.write(
                f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(f'writer{n}')}"
                f"</wp:author_login><wp:author_display_name>{cdata(f'Writer {n}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for n in range(1, 51):
            parent = f"section-{(n - 1) // 10 * 10 + 1}" if n % 10 != 1 else ""
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>section-{n}"
                f"</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name>{cdata(f'Section {n}')}</wp:cat_name></wp:category>\n"
            )
        for n in range(1, 201):
            out.write(
                f"<wp:tag><wp:term_id>{100 + n}</wp:term_id><wp:tag_slug>tag-{n}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(f'Tag {n}')}</wp:tag_name></wp:tag>\n"
            )
        for post in range(1, posts + 1):
            day = f"2020-{post % 12 + 1:02d}-{post % 28 + 1:02d} {post % 24:02d}:00:00"
            status = "draft" if post % 50 == 0 else "publish"
            if post % 3:
                body = (
                    f'First paragraph of story {post}, with <a href="https://bench.example.org/'
                    f'{post - 1}/">a link to the one before</a>.\nA second line.\n\n'
                    "Second paragraph: what happened next, told at some length. "
                    * 3
                    + '\n\n[gallery ids="1,2"]\n\nThe end.'
                )
            else:
                body = "".join(
                    f"<!-- wp:paragraph -->\n<p>Block paragraph {k} of story {post}.</p>\n"
                    "<!-- /wp:paragraph -->\n\n"
                    for k in range(6)
                )
            out.write(
                f"<item><title>{cdata(f'Story number {post}: the council meets')}</title>"
                f"<link>https://bench.example.org/2020/{post % 12 + 1:02d}/story-{post}/</link>"
                f"<dc:creator>{cdata(f'writer{post % 20 + 1}')}</dc:creator>"
                f"<content:encoded>{cdata(body)}</content:encoded>"
                f"<excerpt:encoded>{cdata(f'The standfirst of story {post}.')}</excerpt:encoded>"
                f"<wp:post_id>{1000 + post}</wp:post_id>"
                f"<wp:post_date_gmt>{day}</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>story-{post}</wp:post_name><wp:status>{status}</wp:status>"
                "<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>"
                f"<wp:is_sticky>{int(post % 1000 == 0)}</wp:is_sticky>"
                f'<category domain="category" nicename="section-{post % 50 + 1}">x</category>'
                f'<category domain="post_tag" nicename="tag-{post % 200 + 1}">x</category>'
            )
            first = comment_id + 1
            for k in range(COMMENTS_PER_POST):
                comment_id += 1
                parent = first + k - 1 if k % 3 else 0  # threads two and three deep
                approved = "0" if k == 7 else "spam" if k == 9 else "1"
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>{cdata(f'Reader {comment_id % 5000}')}</wp:comment_author>"
                    f"<wp:comment_author_email>reader{comment_id % 5000}@example.com"
                    "</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>"
                    "<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>{day}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{cdata(f'Comment {comment_id}: I agree &amp; more.')}"
                    f"</wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>"
                    "<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return comment_id


def child(export: str, comments: int) -> None:
    """Runs in a process of its own, with DATABASE_URL set: migrate, import, print figures."""
    import django

    django.setup()
    from django.core.management import call_command

    from wordpress.importer import Importer

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    report = Importer(export).run()
    took = time.perf_counter() - start
    articles, replies = report.counts["articles"], report.counts["replies"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{took:7.1f} s   {articles.imported / took:7,.0f} posts/s   "
        f"{replies.imported / took:8,.0f} comments/s   peak memory {peak:,.0f} MB   "
        f"({articles.imported:,} articles, {replies.imported:,} replies)"
    )


HOSTILE = {
    "unclosed links": "<a ",
    "captions around unclosed links": "[caption]<a ",
    "figures in paragraphs": "<p><figure>",
}
HOSTILE_SIZE = 1_000_000


def hostile() -> None:
    """Runs in a process of its own: the conversion time of each hostile post."""
    import django

    django.setup()
    from wordpress.content import BodyConverter

    converter = BodyConverter(lambda key, wp_id: None, {"bench.example.org"})
    for name, unit in HOSTILE.items():
        body = (unit * (HOSTILE_SIZE // len(unit) + 1))[:HOSTILE_SIZE]
        start = time.perf_counter()
        converter.convert(body)
        took = time.perf_counter() - start
        print(f"  hostile post: {HOSTILE_SIZE / 1e6:.0f} MB of {name}: converted in {took:.2f} s")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-wordpress-"))
    export = work / "export.xml"
    started = time.perf_counter()
    comments = generate(export, POSTS)
    size = export.stat().st_size / 1e6
    print(
        f"WordPress import: {POSTS:,} posts, {comments:,} comments, {size:.0f} MB export "
        f"(written in {time.perf_counter() - started:.1f} s)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": "/nonexistent",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "CACHE_URL": "locmemcache://",
        "LOG_LEVEL": "WARNING",
    }
    databases = [("SQLite", f"sqlite:///{work / 'bench.sqlite3'}")]
    psql = ["psql", PG + "postgres", "-q", "-c"]
    try:
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {PG_DB}"], check=True, timeout=60)
        subprocess.run([*psql, f"CREATE DATABASE {PG_DB}"], check=True, timeout=60)
        databases.append(("PostgreSQL", PG + PG_DB))
    except (OSError, subprocess.SubprocessError) as error:
        print(f"  PostgreSQL       skipped: no server at {PG} ({error})")
    try:
        for name, url in databases:
            print(f"  {name:<12}", end=" ", flush=True)
            subprocess.run(
                [sys.executable, __file__, "--child", str(export), str(comments)],
                env={**env, "DATABASE_URL": url},
                check=True,
                cwd=ROOT,
            )
    finally:
        if len(databases) > 1:
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {PG_DB}"], check=False, timeout=60)
    subprocess.run(
        [sys.executable, __file__, "--hostile"],
        env={**env, "DATABASE_URL": databases[0][1]},
        check=True,
        cwd=ROOT,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1:2] == ["--hostile"]:
        hostile()
    else:
        main()
