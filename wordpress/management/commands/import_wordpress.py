import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress.importer import Importer
from wordpress.wxr import ExportError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR 1.0–1.2): authors, categories and "
        "tags, pictures, posts, pages and comments. Old addresses then redirect to the new "
        "ones. Safe to run again: what is unchanged is left alone, what changed is updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The XML file WordPress exported.")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="A copy of the old site's wp-content/uploads folder; pictures are taken "
            "from it (nothing is ever fetched over the network).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything and report what would happen; write nothing.",
        )

    def handle(self, *args, export: Path, uploads: Path | None, dry_run: bool, **options):
        if not export.is_file():
            raise CommandError(f"{export}: no such file")
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder")
        terminal = sys.stderr.isatty() and options.get("verbosity", 1) > 0
        try:
            report = Importer(
                export, uploads=uploads, dry_run=dry_run, progress=self.bar if terminal else None
            ).run()
        except ExportError as error:
            raise CommandError(str(error)) from None
        finally:
            if terminal:
                sys.stderr.write("\r\033[K")
        for line in report.lines():
            self.stdout.write(line)

    def bar(self, stage: str, done: int, total: int) -> None:
        if done % 25 and done != total:
            return  # a terminal needs no more than this
        if total:
            filled = 30 * done // total
            sys.stderr.write(f"\r{stage:<9} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        else:
            sys.stderr.write(f"\r{stage:<9} {done} items")
        sys.stderr.flush()
