"""PendingPurge becomes the outbox of purges: every purge to a shared cache is kept there until
the cache takes it (sent by a background thread, newsroom/purges.py), not only failed ones."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_pending_purge"),
    ]

    operations = [
        migrations.RenameField("pendingpurge", "first_failed_at", "queued_at"),
        migrations.AlterField(
            model_name="pendingpurge",
            name="queued_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="owed since"
            ),
        ),
        migrations.AlterField(
            model_name="pendingpurge",
            name="attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="failed attempts"),
        ),
        migrations.AddField(
            model_name="pendingpurge",
            name="revision",
            field=models.PositiveBigIntegerField(
                default=0, help_text="Moves with every purge merged in.", verbose_name="revision"
            ),
        ),
        migrations.AlterModelOptions(
            name="pendingpurge",
            options={
                "ordering": ["queued_at"],
                "verbose_name": "purge waiting to be sent",
                "verbose_name_plural": "purges waiting to be sent",
            },
        ),
    ]
