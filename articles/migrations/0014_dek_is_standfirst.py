"""The field under the headline is called what the desk calls it: the standfirst (was `dek`).

Working copies keep the form's fields by name: theirs are renamed too, so a copy autosaved
before this migration still offers its standfirst back.
"""

from django.db import migrations


def rename_in_working_copies(apps, schema_editor, old="dek", new="standfirst"):
    WorkingCopy = apps.get_model("articles", "WorkingCopy")
    for copy in WorkingCopy.objects.all().iterator():
        fields = [[new if name == old else name, value] for name, value in copy.fields]
        if fields != copy.fields:
            WorkingCopy.objects.filter(pk=copy.pk).update(fields=fields)


def rename_back(apps, schema_editor):
    rename_in_working_copies(apps, schema_editor, old="standfirst", new="dek")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_move_out_live_chrome_and_audit"),
    ]

    operations = [
        migrations.RenameField(model_name="article", old_name="dek", new_name="standfirst"),
        migrations.RenameField(model_name="revision", old_name="dek", new_name="standfirst"),
        migrations.RunPython(rename_in_working_copies, rename_back),
    ]
