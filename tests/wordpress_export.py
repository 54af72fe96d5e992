"""A WordPress export as WordPress writes one, and how the import tests run and read it."""

import io
from pathlib import Path

from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command
from PIL import Image as PILImage

from articles.models import Article, Author, Byline, Topic
from comments.models import Reply
from pictures.models import Image
from wordpress.models import ImportedItem, OldAddress

EXPORT = Path(__file__).parent / "fixtures" / "wordpress" / "export.xml"
MODELS = (Article, Author, Topic, Image, Reply, FlatPage, Byline, ImportedItem, OldAddress)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def row(summary: str, kind: str) -> list[int]:
    """(new, updated, unchanged, skipped) of one kind in the summary table."""
    line = next(line for line in summary.splitlines() if line.strip().startswith(kind))
    return [int(n) for n in line.split()[1:]]


def make_uploads(folder: Path) -> Path:
    """A copy of the old site's wp-content/uploads: the harbour picture, and nothing else."""
    (folder / "2024" / "03").mkdir(parents=True)
    PILImage.new("RGB", (1600, 1067), (30, 90, 140)).save(folder / "2024/03/harbour.jpg")
    return folder
