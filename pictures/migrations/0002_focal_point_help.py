import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pictures', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='image',
            name='focal_x',
            field=models.FloatField(default=0.5, help_text='0 is the left edge, 1 the right. Click or tap the picture above to set the point, or focus it and move the point with the arrow keys.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='focal point, across'),
        ),
    ]
