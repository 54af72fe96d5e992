"""The picture library, taken over from the articles app: its table and rows stay as they are,
and its content type follows it, so groups keep their permissions and the admin's history its
links."""

import django.core.validators
import pictures.renditions
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, old, new):
    """A content type the new app was already given (by a `migrate` that stopped halfway) is
    empty: it gives way to the old one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    moving = ContentType.objects.filter(app_label=old, model="image")
    if moving.exists():
        ContentType.objects.filter(app_label=new, model="image").delete()
        moving.update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, old="articles", new="pictures")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, old="pictures", new="articles")



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('articles', '0014_dek_is_standfirst'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Image',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('file', models.ImageField(height_field='height', help_text='A JPEG, PNG, WebP or GIF file, at most 20 MB.', upload_to='images/%Y/%m/', validators=[pictures.renditions.validate_image_file], verbose_name='file', width_field='width')),
                    ('width', models.PositiveIntegerField(default=0, editable=False)),
                    ('height', models.PositiveIntegerField(default=0, editable=False)),
                    ('alt_text', models.CharField(help_text='What the picture shows, for readers who cannot see it. Required.', max_length=250, verbose_name='alt text')),
                    ('caption', models.CharField(blank=True, help_text='Shown under the picture.', max_length=300, verbose_name='caption')),
                    ('credit', models.CharField(blank=True, help_text='Photographer or agency, e.g. “Jane Doe/AP”.', max_length=120, verbose_name='credit')),
                    ('focal_x', models.FloatField(default=0.5, help_text='0 is the left edge, 1 the right. Click the picture to set it.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='focal point, across')),
                    ('focal_y', models.FloatField(default=0.5, help_text='0 is the top edge, 1 the bottom. Crops keep this point in frame.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='focal point, down')),
                    ('renditions', models.JSONField(blank=True, default=dict, editable=False, verbose_name='renditions')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded')),
                ],
                options={
                    'verbose_name': 'picture',
                    'db_table': 'articles_image',
                    'ordering': ['-created_at'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('focal_x__gte', 0), ('focal_x__lte', 1), ('focal_y__gte', 0), ('focal_y__lte', 1)), name='image_focal_point_inside')],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
