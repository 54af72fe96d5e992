"""The top bar's own links, seeded from the topics that were in it, in the same order; one
breaking-news banner at a time (the latest raised stays), with an optional end time."""

import chrome.models
import django.db.models.deletion
from django.db import migrations, models


def keep_latest_banner(apps, schema_editor):
    BreakingNews = apps.get_model("chrome", "BreakingNews")
    raised = BreakingNews.objects.filter(is_active=True).order_by("-raised_at", "-pk")
    latest = raised.first()
    if latest is not None:
        raised.exclude(pk=latest.pk).update(is_active=False)


def seed_top_bar(apps, schema_editor):
    """The topics readers saw in the top bar (sections ticked "in the top bar"), in their
    order: the stored header shows them already, and stays as it is until the next change."""
    Topic = apps.get_model("articles", "Topic")
    TopBarLink = apps.get_model("chrome", "TopBarLink")
    shown = Topic.objects.filter(show_in_nav=True, parent=None).order_by("nav_order", "name")
    TopBarLink.objects.bulk_create(
        TopBarLink(topic=topic, position=place) for place, topic in enumerate(shown, 1)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_body_help'),
        ('chrome', '0001_initial'),
        ('flatpages', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='TopBarLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.CharField(blank=True, help_text='An address on this site (/latest/) or elsewhere (https://…). Give it a label.', max_length=500, validators=[chrome.models.validate_address], verbose_name='address')),
                ('label', models.CharField(blank=True, help_text='Optional for a topic, page or article: shown instead of its name, title or headline.', max_length=40, verbose_name='label')),
                ('position', models.PositiveIntegerField(default=0, editable=False, help_text='Its place in the top bar, from the left.', verbose_name='place')),
            ],
            options={
                'verbose_name': 'top bar link',
                'verbose_name_plural': 'top bar',
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='breakingnews',
            name='ends_at',
            field=models.DateTimeField(blank=True, help_text='Optional: from this time no reader sees the banner, with no one clearing it.', null=True, verbose_name='ends at'),
        ),
        migrations.AlterField(
            model_name='breakingnews',
            name='is_active',
            field=models.BooleanField(default=True, help_text='Untick to clear the banner from the site. Raising a banner replaces the one raised before.', verbose_name='raised'),
        ),
        migrations.RunPython(keep_latest_banner, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='breakingnews',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('is_active',), name='one_banner_raised'),
        ),
        migrations.AddField(
            model_name='topbarlink',
            name='article',
            field=models.ForeignKey(blank=True, help_text='A story, e.g. a live page: shown only once it is published.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article', verbose_name='article'),
        ),
        migrations.AddField(
            model_name='topbarlink',
            name='page',
            field=models.ForeignKey(blank=True, help_text="One of the site's pages (About, Contact…).", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='flatpages.flatpage', verbose_name='page'),
        ),
        migrations.AddField(
            model_name='topbarlink',
            name='topic',
            field=models.ForeignKey(blank=True, help_text="A section or subsection's page.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.topic', verbose_name='topic'),
        ),
        migrations.AddConstraint(
            model_name='topbarlink',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('article', None), ('page', None), ('topic__isnull', False), ('url', '')), models.Q(('article', None), ('page__isnull', False), ('topic', None), ('url', '')), models.Q(('article__isnull', False), ('page', None), ('topic', None), ('url', '')), models.Q(('article', None), ('page', None), ('topic', None), models.Q(('url', ''), _negated=True), models.Q(('label', ''), _negated=True)), _connector='OR'), name='top_bar_link_has_one_target'),
        ),
        migrations.RunPython(seed_top_bar, migrations.RunPython.noop),
    ]
