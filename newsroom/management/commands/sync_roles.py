from django.core.management.base import BaseCommand

from newsroom.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create the Editors, Writers and Moderators groups with their declared permissions."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write(f"Synced roles: {', '.join(ROLES)}.")
