"""The roles exist after migrate, with the permissions declared in code, and stay in sync."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from newsroom.roles import ROLES

pytestmark = pytest.mark.django_db


def _perms(group):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_groups_exist_after_migrate_with_their_declared_permissions():
    for name, declared in ROLES.items():
        assert _perms(Group.objects.get(name=name)) == set(declared)


def test_editors_publish_and_writers_do_not(editor, writer, moderator):
    assert editor.has_perm("articles.publish_article")
    assert editor.has_perm("articles.change_topic")
    assert not writer.has_perm("articles.publish_article")
    assert writer.has_perm("articles.add_article")
    assert not moderator.has_perm("articles.change_article")


def test_sync_roles_restores_drifted_permissions(editor):
    group = Group.objects.get(name="Editors")
    group.permissions.clear()
    call_command("sync_roles", verbosity=0)
    assert _perms(group) == set(ROLES["Editors"])
