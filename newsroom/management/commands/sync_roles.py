from django.core.management.base import BaseCommand

from newsroom.desk.roles import declared_roles, sync_roles


class Command(BaseCommand):
    help = (
        "Create the groups the apps declare (Editors, Writers, Moderators) with their permissions."
    )

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write(f"Synced roles: {', '.join(declared_roles())}.")
