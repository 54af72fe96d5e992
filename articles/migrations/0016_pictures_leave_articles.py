"""The picture library leaves the articles app; its table stays, held by `pictures`."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_pictures_own_app'),
        ('live', '0002_pictures_own_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Image',
                ),
            ],
            database_operations=[],
        ),
    ]
