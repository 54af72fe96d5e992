from django.core.management import call_command
from django.core.management.base import BaseCommand

from newsroom.tasks import schedule_daily


class Command(BaseCommand):
    help = (
        "Run background work: pictures' renditions, the moderators' e-mail, purges to retry "
        "and the daily jobs (which it keeps scheduled). Run one or more beside the app "
        "servers; while none runs, the work waits in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Do the work that is due, then stop."
        )

    def handle(self, *args, batch=False, verbosity=1, **options):
        if schedule_daily():
            self.stdout.write("The daily jobs are scheduled.")
        worker_options = ["--queue-name=*", "--no-reload"]
        if batch:
            worker_options += ["--batch", "--no-startup-delay"]
        call_command("db_worker", *worker_options, verbosity=verbosity)
