"""The editorial roles, declared once and synced after every `migrate`.

Code checks permissions (`user.has_perm("articles.publish_article")`), never group names.
The handler is idempotent: each group ends up with exactly the permissions listed here.
"""

from django.contrib.auth.models import Group, Permission

_CRUD = ("add", "change", "delete", "view")

ROLES: dict[str, list[str]] = {
    "Editors": [
        *(f"articles.{a}_article" for a in _CRUD),
        "articles.publish_article",
        *(f"articles.{a}_byline" for a in _CRUD),
        *(f"articles.{a}_articlenote" for a in _CRUD),
        *(f"live.{a}_liveupdate" for a in _CRUD),
        "articles.view_revision",
        "articles.view_previewlink",
        "audit.view_auditentry",
        *(f"articles.{a}_topic" for a in _CRUD),
        *(f"articles.{a}_author" for a in _CRUD),
        *(f"articles.{a}_image" for a in _CRUD),
        *(f"chrome.{a}_breakingnews" for a in _CRUD),
        *(f"flatpages.{a}_flatpage" for a in _CRUD),
        "wordpress.view_oldaddress",
        "wordpress.delete_oldaddress",
        "comments.view_reply",
        "comments.change_reply",
        "comments.moderate_reply",
        "comments.view_moderationsettings",
        "comments.change_moderationsettings",
    ],
    "Writers": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        *(f"articles.{a}_byline" for a in _CRUD),
        *(f"articles.{a}_articlenote" for a in _CRUD),
        # On live pages they are bylined on (live/coverage.py checks).
        *(f"live.{a}_liveupdate" for a in _CRUD),
        "articles.view_topic",
        "articles.view_author",
        "articles.add_image",
        "articles.view_image",
    ],
    "Moderators": [
        "comments.view_reply",
        "comments.change_reply",
        "comments.moderate_reply",
        "comments.view_moderationsettings",
    ],
}


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = list(
        Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={code for _, code in wanted},
        ).select_related("content_type")
    )
    found = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"Roles name permissions that do not exist: {sorted(missing)}")
    return found


def sync_roles() -> None:
    """Create the groups in ROLES and give each exactly its declared permissions."""
    for name, permission_names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(permission_names))


def sync_roles_after_migrate(*, using="default", **kwargs) -> None:
    if using == "default":
        sync_roles()
