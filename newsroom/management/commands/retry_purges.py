from django.core.management.base import BaseCommand, CommandError

from newsroom.pagecache.models import PendingPurge
from newsroom.pagecache.shared import send_owed


class Command(BaseCommand):
    help = (
        "Send the shared caches (CACHE_PURGE_URLS) the purges they are owed, now. Run it every "
        "few minutes if no worker runs; it exits with an error while a cache still refuses."
    )

    def handle(self, *args, **options):
        if not PendingPurge.objects.exists():
            self.stdout.write("No purge is waiting.")
            return
        waiting = send_owed()
        if waiting:
            raise CommandError(f"{waiting} cache(s) still refuse their purges; see the log.")
        self.stdout.write("Every waiting purge was sent.")
