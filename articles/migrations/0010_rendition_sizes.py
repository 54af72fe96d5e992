"""Renditions made before sizes were kept in the index gain them: feeds give an enclosure's
length from the index, never asking the storage on a reader's request."""

import logging

from django.core.files.storage import default_storage
from django.db import migrations

logger = logging.getLogger("pictures.renditions")


def _sized(row):
    if len(row) >= 4:
        return row
    try:
        size = default_storage.size(row[2])
    except (OSError, ValueError) as error:
        logger.warning("rendition %s is missing (%s): remake with manage.py make_renditions", row[2], error)
        size = 0
    return [*row[:3], size]


def add_sizes(apps, schema_editor):
    Image = apps.get_model("articles", "Image")
    for image in Image.objects.exclude(renditions={}).iterator():
        index = dict(image.renditions)
        for spec, made in index.items():
            if spec == "key" or not made:
                continue
            if isinstance(made, list):  # the social crop: one row
                index[spec] = _sized(made)
            else:
                index[spec] = {fmt: [_sized(row) for row in rows] for fmt, rows in made.items()}
        if index != image.renditions:
            Image.objects.filter(pk=image.pk).update(renditions=index)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_live_coverage")]

    operations = [migrations.RunPython(add_sizes, migrations.RunPython.noop)]
