from django.apps import AppConfig


class WordpressConfig(AppConfig):
    name = "wordpress"
    verbose_name = "Moving from WordPress"
    default_auto_field = "django.db.models.BigAutoField"
