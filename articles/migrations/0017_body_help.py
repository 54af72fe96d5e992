from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0016_pictures_leave_articles'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='body',
            field=models.TextField(blank=True, help_text='The story. Picture (or type / on an empty line) inserts one from the library; a video or post link alone on a line becomes an embed; Pull quote and Table add those. Pictures from other sites are refused: upload them to the library.', verbose_name='body'),
        ),
    ]
