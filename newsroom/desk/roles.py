"""The editorial roles (groups such as Editors, Writers, Moderators), synced after every `migrate`.

Each app declares on its AppConfig which permissions of its own each role holds (`roles`); a
group holds the union of what the apps declare for it. Code checks permissions
(`user.has_perm(...)`), never group names. The handler is idempotent: each group ends up with
exactly the declared permissions, and a declared permission that does not exist stops the sync
with its name and the app that declared it.
"""

from django.contrib.auth.models import Group, Permission

from newsroom.apps import declared


def declared_roles() -> dict[str, list[str]]:
    """{group name: its permissions}, from every app's `roles`, in the order of INSTALLED_APPS."""
    roles: dict[str, list[str]] = {}
    for _, app_roles in declared("roles"):
        for name, permissions in app_roles.items():
            group = roles.setdefault(name, [])
            group += [p for p in permissions if p not in group]
    return roles


def _declared_by(missing: set[tuple[str, str]]) -> list[str]:
    by = {
        label
        for label, app_roles in declared("roles")
        for permissions in app_roles.values()
        if any(tuple(p.split(".", 1)) in missing for p in permissions)
    }
    return sorted(by)


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
        raise LookupError(
            f"Roles name permissions that do not exist: {sorted('.'.join(m) for m in missing)} "
            f"(declared in the `roles` of {', '.join(_declared_by(missing))})."
        )
    return found


def sync_roles() -> None:
    """Create the declared groups and give each exactly its declared permissions."""
    for name, permission_names in declared_roles().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(permission_names))


def sync_roles_after_migrate(*, using="default", **kwargs) -> None:
    if using == "default":
        sync_roles()
