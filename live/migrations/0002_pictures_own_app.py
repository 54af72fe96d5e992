"""An update's picture now points at the pictures app's model: the same table, so only Django's
idea of it changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('live', '0001_initial'),
        ('pictures', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='liveupdate',
                    name='image',
                    field=models.ForeignKey(blank=True, help_text='Optional: a picture from the library, shown under the update.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pictures.image', verbose_name='picture'),
                ),
            ],
            database_operations=[],
        ),
    ]
