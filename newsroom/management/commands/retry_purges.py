from django.core.management.base import BaseCommand, CommandError

from newsroom.models import PendingPurge
from newsroom.purges import retry_pending


class Command(BaseCommand):
    help = (
        "Send again the purges a shared cache (CACHE_PURGE_URLS) did not take. Run it every "
        "few minutes; it exits with an error while a cache still refuses."
    )

    def handle(self, *args, **options):
        if not PendingPurge.objects.exists():
            self.stdout.write("No purge is waiting.")
            return
        waiting = retry_pending()
        if waiting:
            raise CommandError(f"{waiting} cache(s) still refuse their purges; see the log.")
        self.stdout.write("Every waiting purge was sent.")
