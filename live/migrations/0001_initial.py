"""Live updates, taken over from the articles app: their table and rows stay as they are."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APP = 'live'
MODELS = ['liveupdate']

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
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LiveUpdate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('headline', models.CharField(blank=True, help_text='Optional: a few words in bold above the update. Key points show it.', max_length=150, verbose_name='headline')),
                        ('body', models.TextField(help_text='What happened, in a few sentences. Links, lists and quotes are kept.', verbose_name='update')),
                        ('posted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='posted')),
                        ('corrected_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='corrected')),
                        ('is_key_point', models.BooleanField(default=False, help_text='Key points (up to five) are listed at the top of the live page.', verbose_name='key point')),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='live_updates', to='articles.article', verbose_name='live page')),
                        ('corrected_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='corrected by')),
                        ('image', models.ForeignKey(blank=True, help_text='Optional: a picture from the library, shown under the update.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.image', verbose_name='picture')),
                        ('posted_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='posted by')),
                    ],
                    options={
                        'verbose_name': 'live update',
                        'db_table': 'articles_liveupdate',
                        'ordering': ['-posted_at', '-pk'],
                        'indexes': [models.Index(fields=['article', '-posted_at', '-id'], name='live_update_page_idx'), models.Index(condition=models.Q(('is_key_point', True)), fields=['article', 'posted_at'], name='live_update_key_point_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
