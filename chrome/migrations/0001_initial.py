"""The header, footer and banner, taken over from the articles app: their tables and rows stay as they are."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

APP = 'chrome'
MODELS = ['sitechrome', 'breakingnews']

def _move_content_types(apps, schema_editor, *, old, new):
    """The content types follow the models, so that groups keep their permissions and the
    admin's history keeps pointing at the right rows. A content type the new app was already
    given (by a `migrate` that stopped halfway) is empty: it gives way to the old one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        moving = ContentType.objects.filter(app_label=old, model=model)
        if moving.exists():
            ContentType.objects.filter(app_label=new, model=model).delete()
            moving.update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="articles", new=APP)


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old=APP, new="articles")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('articles', '0013_move_out_live_chrome_and_audit'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SiteChrome',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('data', models.JSONField(default=dict, editable=False)),
                    ],
                    options={
                        'verbose_name': 'site header and footer',
                        'verbose_name_plural': 'site header and footer',
                        'db_table': 'articles_sitechrome',
                    },
                ),
                migrations.CreateModel(
                    name='BreakingNews',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(help_text='One short line, e.g. “Polls close”.', max_length=200, verbose_name='text')),
                        ('is_active', models.BooleanField(default=True, help_text='Untick to clear the banner from the site.', verbose_name='raised')),
                        ('raised_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='raised at')),
                        ('article', models.ForeignKey(blank=True, help_text='Optional: the story the banner links to (linked only once it is published).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.article', verbose_name='linked article')),
                    ],
                    options={
                        'verbose_name': 'breaking-news banner',
                        'verbose_name_plural': 'breaking-news banners',
                        'db_table': 'articles_breakingnews',
                        'ordering': ['-raised_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
