"""Data safety: articles with replies are archived rather than deleted unless an editor insists,
and the documented backup and restore procedure (docs/operations.md) works end to end on SQLite."""

import json
import subprocess

import psycopg
import pytest
from django.db import connection

from articles.models import Article
from audit.models import AuditEntry
from comments.models import Reply
from tests.factories import make_article, make_reply
from tests.test_settings import _manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def article_with_replies():
    article = make_article(headline="A story readers discussed")
    make_reply(article)
    make_reply(article)
    make_reply(article, status=Reply.Status.PENDING)
    return article


def test_there_is_no_bulk_delete_for_articles(editor_client, article_with_replies):
    page = editor_client.get("/admin/articles/article/").content.decode()
    assert 'value="archive_selected"' in page
    assert 'value="delete_selected"' not in page
    response = editor_client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [article_with_replies.pk], "post": "yes"},
    )
    assert Article.objects.filter(pk=article_with_replies.pk).exists()
    assert response.status_code in (200, 302)


def test_deleting_spells_out_the_consequences_and_offers_archiving_first(
    editor_client, article_with_replies
):
    url = f"/admin/articles/article/{article_with_replies.pk}/delete/"
    page = editor_client.get(url).content.decode()
    assert "3 replies (2 shown to readers)" in page
    assert article_with_replies.get_absolute_url() in page
    assert "There is no undo" in page
    assert page.index("Archive instead") < page.index("Yes, I’m sure")


def test_archive_instead_keeps_everything(editor_client, article_with_replies):
    url = f"/admin/articles/article/{article_with_replies.pk}/delete/"
    response = editor_client.post(url, {"archive_instead": "1"}, follow=True)
    assert "was archived" in response.content.decode()
    article_with_replies.refresh_from_db()
    assert article_with_replies.status == Article.Status.ARCHIVED
    assert article_with_replies.replies.count() == 3


def test_deleting_when_insisted_removes_it_and_leaves_a_record(
    editor_client, editor, article_with_replies
):
    url = f"/admin/articles/article/{article_with_replies.pk}/delete/"
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article_with_replies.pk).exists()
    assert not Reply.objects.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE)
    assert entry.actor == editor
    assert entry.subject == "A story readers discussed"
    assert "with 3 replies" in entry.detail


def test_writers_cannot_delete_articles(writer_client, writer):
    article = make_article(created_by=writer)
    response = writer_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


DIGEST = """
import json
from articles.models import Article, Author, Topic
from pictures.models import Image
from comments.models import Reply
from django.contrib.auth.models import Group, User
from django.test import Client
client = Client()
articles = Article.objects.order_by("pk")
print(json.dumps({
    "articles": [(a.headline, a.status, a.body, a.publish_at.isoformat()) for a in articles],
    "topics": sorted(Topic.objects.values_list("slug", flat=True)),
    "authors": sorted(Author.objects.values_list("slug", flat=True)),
    "images": sorted(Image.objects.values_list("file", flat=True)),
    "replies": list(Reply.objects.order_by("pk").values_list("body", "status", "email")),
    "users": sorted(User.objects.values_list("username", "is_staff")),
    "groups": {g.name: g.permissions.count() for g in Group.objects.all()},
    "seed": client.get(articles.filter(status="published").first().get_absolute_url()).status_code,
}, sort_keys=True))
"""


def test_backup_and_restore_on_sqlite_keeps_everything(tmp_path):
    """The documented procedure, command by command, from one database file to a new one."""
    env = {
        "DEBUG": "true",
        "CACHE_URL": "locmemcache://backup-test",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver",
    }
    source = env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}"}
    target = env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}"}
    backup = tmp_path / "backup.xml.gz"

    for command in (
        ["migrate", "--no-input"],
        ["load_demo"],
        ["createsuperuser", "--no-input", "--username=ed", "--email=ed@example.org"],
    ):
        result = _manage(*command, **source, DJANGO_SUPERUSER_PASSWORD="a-long-password-4-ed")
        assert result.returncode == 0, result.stderr
    result = _manage(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--exclude=admin.logentry",
        "--format=xml",
        f"--output={backup}",
        **source,
    )
    assert result.returncode == 0, result.stderr
    assert backup.stat().st_size > 1000

    for command in (["migrate", "--no-input"], ["loaddata", str(backup)]):
        result = _manage(*command, **target)
        assert result.returncode == 0, result.stderr

    before = json.loads(_manage("shell", "-c", DIGEST, **source).stdout.splitlines()[-1])
    after = json.loads(_manage("shell", "-c", DIGEST, **target).stdout.splitlines()[-1])
    assert before["articles"] and before["replies"] and before["users"]
    assert after == before
    assert after["seed"] == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore back up PostgreSQL (CI's second pass runs this)",
)
def test_backup_and_restore_on_postgresql_with_its_own_tools(tmp_path):
    article = make_article(headline="Kept through a restore")
    make_reply(article, body="A reply kept too")
    db = connection.settings_dict
    server = [
        f"--host={db['HOST'] or '127.0.0.1'}",
        f"--port={db['PORT'] or 5432}",
        f"--username={db['USER']}",
    ]
    restored = f"{db['NAME']}_restored"
    dump = tmp_path / "newsroom.dump"

    def run(*command):
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr

    run("pg_dump", *server, "--format=custom", "--no-owner", f"--file={dump}", db["NAME"])
    run("dropdb", *server, "--if-exists", restored)
    run("createdb", *server, restored)
    try:
        run("pg_restore", *server, "--no-owner", f"--dbname={restored}", str(dump))
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname=restored,
        ) as other:
            headlines = [r[0] for r in other.execute("SELECT headline FROM articles_article")]
            bodies = [r[0] for r in other.execute("SELECT body FROM comments_reply")]
    finally:
        run("dropdb", *server, "--if-exists", restored)
    assert headlines == ["Kept through a restore"]
    assert bodies == ["A reply kept too"]
