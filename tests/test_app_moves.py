"""Live coverage, the header and footer and the desk log moved out of the articles app into
their own (`live`, `chrome`, `audit`). A database made before the move keeps every row, and
its groups, permissions and admin history follow the models."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEntry
from chrome.models import BreakingNews, SiteChrome
from live.models import LiveUpdate
from pictures.models import Image
from tests.factories import make_article, make_image

BEFORE_THE_MOVE = [
    ("articles", "0012_staged_changes_and_working_copies"),
    ("audit", None),
    ("chrome", None),
    ("live", None),
]
MOVED = {
    "liveupdate": "live",
    "breakingnews": "chrome",
    "sitechrome": "chrome",
    "auditentry": "audit",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    reached = [target for target in targets if target[1] is not None]
    return executor.loader.project_state(
        [*reached, ("contenttypes", "0002_remove_content_type_name")]
    ).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_rows_permissions_and_history():
    article = make_article(headline="Election night live")
    editor = get_user_model().objects.create_user("edna", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))

    # The database as the articles app left it: the rows and content types under `articles`.
    old = _migrate(BEFORE_THE_MOVE)
    old_types = old.get_model("contenttypes", "ContentType").objects
    assert set(old_types.filter(model__in=MOVED).values_list("app_label", flat=True)) == {
        "articles"
    }
    old.get_model("articles", "LiveUpdate").objects.create(
        article_id=article.pk, body="<p>Polls have closed.</p>", is_key_point=True
    )
    banner = old.get_model("articles", "BreakingNews").objects.create(
        text="Polls close", article_id=article.pk
    )
    old.get_model("articles", "SiteChrome").objects.update_or_create(
        pk=1, defaults={"data": {"nav": [], "footer": []}}
    )
    old.get_model("articles", "AuditEntry").objects.create(
        action="publish", actor_id=editor.pk, article_id=article.pk, subject=article.headline
    )
    LogEntry.objects.create(
        user_id=editor.pk,
        content_type_id=old_types.get(app_label="articles", model="breakingnews").pk,
        object_id=str(banner.pk),
        object_repr="Polls close",
        action_flag=CHANGE,
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    update = LiveUpdate.objects.get()
    assert (update.article, update.body, update.is_key_point) == (
        article,
        "<p>Polls have closed.</p>",
        True,
    )
    assert BreakingNews.objects.get().article == article
    assert SiteChrome.objects.get(pk=1).data == {"nav": [], "footer": []}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.article) == ("publish", editor, article)
    # The content types moved with their models: nothing is left under `articles`.
    assert (
        dict(ContentType.objects.filter(model__in=MOVED).values_list("model", "app_label")) == MOVED
    )
    assert LogEntry.objects.get().get_edited_object() == BreakingNews.objects.get()
    # The Editors group kept its permissions, under the new apps' names.
    editor = get_user_model().objects.get(pk=editor.pk)
    for permission in (
        "live.add_liveupdate",
        "chrome.change_breakingnews",
        "audit.view_auditentry",
    ):
        assert editor.has_perm(permission), permission


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("articles/auditentry/?action=publish", "audit/auditentry/?action=publish"),
        ("articles/breakingnews/", "chrome/breakingnews/"),
        ("articles/liveupdate/7/change/", "live/liveupdate/7/change/"),
        ("articles/image/?q=harbour", "pictures/image/?q=harbour"),
    ],
)
def test_a_bookmarked_desk_page_from_before_the_move_leads_to_its_new_address(
    editor_client, old, new
):
    response = editor_client.get(f"/admin/{old}")
    assert (response.status_code, response["Location"]) == (301, f"/admin/{new}")


def test_the_desk_log_is_read_at_its_new_address(editor_client, editor):
    make_article(headline="Count begins")
    AuditEntry.objects.create(action="publish", actor=editor, subject="Count begins")
    page = editor_client.get("/admin/audit/auditentry/").content.decode()
    assert "Count begins" in page


@pytest.mark.django_db(transaction=True)
def test_a_library_from_before_pictures_had_their_own_app_keeps_every_picture_and_use():
    """The picture library moved from `articles` to `pictures`: the table, its rows, the
    renditions' index, the pictures articles and authors point at, and who may upload."""
    writer = get_user_model().objects.create_user("wren", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    image = make_image(alt_text="Harbour at dawn", caption="The old harbour", credit="Jo Lee")
    renditions = image.renditions
    article = make_article(headline="Ferries return", hero_image=image)

    old = _migrate([("articles", "0014_dek_is_standfirst"), ("pictures", None)])
    old_types = old.get_model("contenttypes", "ContentType").objects
    assert old_types.filter(app_label="articles", model="image").exists()
    OldImage = old.get_model("articles", "Image")
    assert OldImage.objects.get().alt_text == "Harbour at dawn"
    second = OldImage.objects.create(alt_text="Quay", file=image.file.name, width=10, height=10)
    old.get_model("articles", "Author").objects.create(name="Jo Lee", slug="jo", photo=second)
    LogEntry.objects.create(
        user_id=writer.pk,
        content_type_id=old_types.get(app_label="articles", model="image").pk,
        object_id=str(second.pk),
        object_repr="Quay",
        action_flag=CHANGE,
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = Image.objects.get(pk=image.pk)
    assert (moved.alt_text, moved.caption, moved.credit) == (
        "Harbour at dawn",
        "The old harbour",
        "Jo Lee",
    )
    assert moved.renditions == renditions
    assert type(article).objects.get(pk=article.pk).hero_image == moved
    assert Image.objects.get(alt_text="Quay").pk == second.pk
    assert ContentType.objects.get(model="image").app_label == "pictures"
    assert LogEntry.objects.get().get_edited_object().alt_text == "Quay"
    writer = get_user_model().objects.get(pk=writer.pk)
    assert writer.has_perm("pictures.add_image")
