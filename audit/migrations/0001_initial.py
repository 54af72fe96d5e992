"""The desk log, taken over from the articles app: its table and rows stay as they are."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APP = 'audit'
MODELS = ['auditentry']

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
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                        ('action', models.CharField(choices=[('submit', 'Submitted for review'), ('withdraw', 'Sent back to draft'), ('publish', 'Published'), ('schedule', 'Scheduled'), ('unpublish', 'Unpublished'), ('archive', 'Archived'), ('restore', 'Restored from the archive'), ('revision_restored', 'Revision restored'), ('changes_submitted', 'Changes to a live article submitted'), ('changes_published', 'Changes to a live article published'), ('changes_discarded', 'Changes to a live article discarded'), ('note', 'Correction or update added'), ('preview_made', 'Preview link made'), ('preview_revoked', 'Preview link revoked'), ('approve', 'Replies approved'), ('reject', 'Replies rejected'), ('spam', 'Replies marked as spam'), ('erase', "Replier's details erased on request"), ('delete', 'Deleted'), ('import', 'Imported'), ('live_post', 'Live update posted'), ('live_correct', 'Live update corrected'), ('live_delete', 'Live update deleted'), ('key_point', 'Key points changed'), ('live_end', 'Live coverage ended')], db_index=True, max_length=30, verbose_name='what')),
                        ('subject', models.CharField(max_length=300, verbose_name='about')),
                        ('detail', models.TextField(blank=True, verbose_name='details')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                        ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.article', verbose_name='article')),
                    ],
                    options={
                        'verbose_name': 'desk log entry',
                        'verbose_name_plural': 'desk log',
                        'db_table': 'articles_auditentry',
                        'ordering': ['-at', '-pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
