from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy import forget_clients


class Command(BaseCommand):
    help = (
        "Drop the hashed client address and browser of replies older than "
        "REPLY_CLIENT_DETAILS_DAYS (run it daily, from cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of REPLY_CLIENT_DETAILS_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.REPLY_CLIENT_DETAILS_DAYS if days is None else days
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        count = forget_clients(older_than_days=days)
        self.stdout.write(
            f"Dropped the client details of {count} repl{'y' if count == 1 else 'ies'} "
            f"older than {days} days."
        )
