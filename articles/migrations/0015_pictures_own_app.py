"""The lead, social and author pictures now point at the pictures app's model: the same table,
so only Django's idea of it changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_dek_is_standfirst'),
        ('pictures', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='article',
                    name='hero_image',
                    field=models.ForeignKey(blank=True, help_text='Shown at the top of the article and on teasers.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='articles', to='pictures.image', verbose_name='lead picture'),
                ),
                migrations.AlterField(
                    model_name='author',
                    name='photo',
                    field=models.ForeignKey(blank=True, help_text='Optional portrait.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pictures.image', verbose_name='photo'),
                ),
                migrations.AlterField(
                    model_name='article',
                    name='social_image',
                    field=models.ForeignKey(blank=True, help_text='Shown when the article is shared on social networks. Empty: the lead picture.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pictures.image', verbose_name='social picture'),
                ),
            ],
            database_operations=[],
        ),
    ]
