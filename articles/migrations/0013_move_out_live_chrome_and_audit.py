"""Live updates, the site's header and footer and the desk log leave the articles app for
their own (`live`, `chrome`, `audit`): only Django's idea of which app holds them changes.
Their tables keep their names and their rows; the new apps' first migrations take them over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_staged_changes_and_working_copies'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='auditentry',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='auditentry',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='breakingnews',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='liveupdate',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='liveupdate',
                    name='corrected_by',
                ),
                migrations.RemoveField(
                    model_name='liveupdate',
                    name='image',
                ),
                migrations.RemoveField(
                    model_name='liveupdate',
                    name='posted_by',
                ),
                migrations.DeleteModel(
                    name='SiteChrome',
                ),
                migrations.DeleteModel(
                    name='AuditEntry',
                ),
                migrations.DeleteModel(
                    name='BreakingNews',
                ),
                migrations.DeleteModel(
                    name='LiveUpdate',
                ),
            ],
            database_operations=[],
        ),
    ]
