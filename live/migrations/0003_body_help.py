from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('live', '0002_pictures_own_app'),
    ]

    operations = [
        migrations.AlterField(
            model_name='liveupdate',
            name='body',
            field=models.TextField(help_text='What happened, in a few sentences. Links, lists, quotes, pictures from the library and embeds (a video or post link alone on a line) are kept.', verbose_name='update'),
        ),
    ]
