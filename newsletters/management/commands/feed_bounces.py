"""`manage.py feed_bounces <file>`: stop the addresses of a bounce file."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsletters import bounces


def addresses(text: str) -> dict[str, list[str]]:
    """{reason: [address, …]} from a bounce file: one address a line (hard bounces), or CSV
    rows `address,type` with type `hard_bounce` or `complaint` (other types, a header row and
    blank lines are skipped)."""
    found = {reason: [] for reason in bounces.REASONS}
    for row in csv.reader(text.splitlines()):
        if not row or "@" not in row[0]:
            continue
        kind = row[1].strip().lower() if len(row) > 1 else bounces.HARD_BOUNCE
        if kind in found:
            found[kind].append(row[0])
    return found


class Command(BaseCommand):
    help = (
        "Stop sending to the addresses in a bounce file: one address a line (hard bounces), "
        "or CSV rows 'address,type' with type hard_bounce or complaint."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The bounce file (UTF-8).")

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        found = addresses(text)
        for kind, reason in bounces.REASONS.items():
            stopped = bounces.stop(found[kind], reason=reason)
            self.stdout.write(
                f"{kind.replace('_', ' ')}: {len(found[kind])} in the file, {stopped} stopped"
            )
