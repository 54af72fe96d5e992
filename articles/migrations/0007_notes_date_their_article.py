from django.db import migrations
from django.db.models import Max


def date_articles_with_notes(apps, schema_editor):
    """Every article with notes gets the honest "Updated" time its latest note gives it, as
    `ArticleNote.save()` keeps from now on (its page reads notes only then)."""
    Article = apps.get_model("articles", "Article")
    latest = (
        Article.objects.filter(modified_at__isnull=True, notes__isnull=False)
        .annotate(latest=Max("notes__noted_at"))
        .values_list("pk", "latest")
    )
    for pk, noted_at in latest:
        Article.objects.filter(pk=pk).update(modified_at=noted_at)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_audit_erase_and_delete"),
    ]

    operations = [migrations.RunPython(date_articles_with_notes, migrations.RunPython.noop)]
