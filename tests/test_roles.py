"""The roles exist after migrate, with the permissions each app declares, and stay in sync."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from newsroom.desk.roles import declared_roles, sync_roles

pytestmark = pytest.mark.django_db


def _perms(group):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_groups_exist_after_migrate_with_their_declared_permissions():
    roles = declared_roles()
    assert set(roles) == {"Editors", "Writers", "Moderators"}
    for name, declared in roles.items():
        assert _perms(Group.objects.get(name=name)) == set(declared)


def test_each_app_declares_its_own_share_of_a_role():
    editors = {p.split(".")[0] for p in declared_roles()["Editors"]}
    assert editors == {
        "articles",
        "audit",
        "chrome",
        "live",
        "flatpages",
        "comments",
        "newsletters",
        "embeds",
        "figures",
        "fronts",
        "pictures",
        "wordpress",
    }
    writers = {p.split(".")[0] for p in declared_roles()["Writers"]}
    assert writers == {"articles", "embeds", "figures", "live", "pictures"}
    assert set(apps.get_app_config("comments").roles) == {"Editors", "Moderators"}
    assert "Moderators" not in apps.get_app_config("articles").roles


def test_editors_publish_and_writers_do_not(editor, writer, moderator):
    assert editor.has_perm("articles.publish_article")
    assert editor.has_perm("articles.change_topic")
    assert editor.has_perm("flatpages.change_flatpage")
    assert editor.has_perm("wordpress.delete_oldaddress")
    assert editor.has_perm("pictures.delete_image")
    assert editor.has_perm("fronts.change_front") and not writer.has_perm("fronts.view_front")
    assert writer.has_perm("pictures.add_image")
    assert not writer.has_perm("pictures.delete_image")
    assert not writer.has_perm("articles.publish_article")
    assert writer.has_perm("articles.add_article")
    assert not moderator.has_perm("articles.change_article")
    assert moderator.has_perm("comments.moderate_reply")


def test_sync_roles_restores_drifted_permissions(editor):
    group = Group.objects.get(name="Editors")
    group.permissions.clear()
    call_command("sync_roles", verbosity=0)
    assert _perms(group) == set(declared_roles()["Editors"])


def test_syncing_again_changes_nothing():
    before = {g.name: _perms(g) for g in Group.objects.all()}
    sync_roles()
    sync_roles()
    assert {g.name: _perms(g) for g in Group.objects.all()} == before


def test_a_role_an_app_declares_is_created_without_touching_the_core(monkeypatch):
    config = apps.get_app_config("wordpress")
    monkeypatch.setattr(
        config, "roles", {**config.roles, "Archivists": ["wordpress.view_oldaddress"]}
    )
    sync_roles()
    assert _perms(Group.objects.get(name="Archivists")) == {"wordpress.view_oldaddress"}


def test_a_declared_permission_that_no_longer_exists_stops_the_sync_naming_it(monkeypatch):
    config = apps.get_app_config("wordpress")
    monkeypatch.setattr(config, "roles", {"Editors": ["wordpress.publish_oldaddress"]})
    with pytest.raises(LookupError, match=r"wordpress\.publish_oldaddress.*roles` of wordpress"):
        sync_roles()
